import { spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './run-action'
import { loadStack } from './stack'

// The one place that says how a documented example (examples/workflows/*.yml) runs under nektos/act on the local
// stack. An example is written for a real network (registry.example.com, a corporate proxy, ...); runExample copies
// it with the example addresses replaced by the stack's (substitutions()), into a temporary Git repository that
// holds the example's build context, and runs it with act in host mode, offline:
//   - `OWNER/multi-platform-build-action@v1` (steps, and reusable workflows
//     `OWNER/multi-platform-build-action/.github/workflows/<file>.yml@v1`, both checked with act 0.2.89) is a copy
//     of this working tree's action.yml, dist/ and .github/ as they are on disk (what a tag would publish), through
//     act's `--local-repository OWNER/multi-platform-build-action@v1=<copy>`. act 0.2.89 refuses a full-URL
//     `uses: https://host/OWNER/...@v1` (the Gitea/Forgejo form) before any mapping, so examples use the short form.
//   - `actions/checkout@v4` cannot be fetched offline. act does not fetch it when it checks out the workflow's own
//     repository: it skips the step, since host mode already copied the working folder (our temporary repository)
//     into the workspace. Any other use of it (another repository) is mapped to
//     __tests__/e2e/fixtures/checkout-standin, which fails saying why, instead of a download that cannot work.
//   - every `runs-on` label of the example (ubuntu-latest, self-hosted, ...) and `labels` runs on this machine
//     (`-P <label>=-self-hosted`), with the machine's Docker and the stack's QEMU.

export const stack = loadStack()

/** The action's name in examples, as users write it after publishing. */
export const ACTION = 'OWNER/multi-platform-build-action'
export const ACTION_REF = `${ACTION}@v1`
export const EXAMPLES = join(ROOT, 'examples/workflows')
/** Build context copied to the root of the example's repository unless the run names another. */
export const DEFAULT_CONTEXT = join(ROOT, 'examples/multi-arch')
export const CHECKOUT_STANDIN = join(ROOT, '__tests__/e2e/fixtures/checkout-standin')

const hostPort = (url: string) => new URL(url).host

/**
 * Example address -> stack address. Keys are whole host[:port] names (matched only where no further name
 * character follows or precedes), applied in this order; an example may use only these names for network places,
 * and the table is also what a reader of a failing example needs to map it back.
 */
export function substitutions(repository: string): Array<{ example: string; stack: string; what: string }> {
  return [
    {
      example: 'registry.internal.example:5000',
      stack: stack.STACK_INSECURE_REGISTRY,
      what: 'plain-HTTP registry by name (needs insecure-registries, as a real one does)'
    },
    {
      example: 'mirror.internal.example:5000',
      stack: stack.STACK_MIRROR,
      what: 'plain-HTTP Docker Hub mirror (written http://... in registry-mirrors) holding library/busybox'
    },
    {
      example: 'mirror.internal.example',
      stack: stack.STACK_MIRROR.replace(/:\d+$/, ''),
      what: 'the same mirror by host name alone (e.g. in no-proxy)'
    },
    {
      example: 'registry.corp.example',
      stack: stack.STACK_TOKEN_REGISTRY,
      what: 'HTTPS token-auth registry signed by a private CA, reachable only through proxy.corp.example'
    },
    {
      example: 'proxy.corp.example:3128',
      stack: hostPort(stack.STACK_NAMED_PROXY),
      what: 'the only proxy that resolves registry.corp.example (the stack named proxy)'
    },
    {
      example: '/etc/ssl/certs/corp-ca.pem',
      stack: stack.STACK_TLS_CA,
      what: "the corporate CA's certificate on the runner"
    },
    {
      example: 'proxy.example.com:3128',
      stack: hostPort(stack.STACK_PROXY),
      what: 'HTTP proxy (privoxy; its log shows what went through it)'
    },
    {
      example: 'registry.example.com',
      stack: stack.STACK_PUSH_REGISTRY,
      what: 'push registry (on the stack plain HTTP on 127.0.0.1, which BuildKit allows for loopback)'
    },
    {
      example: 'ghcr.io',
      stack: stack.STACK_AUTH_REGISTRY,
      what: 'registry with a login (stack: basic auth, user STACK_AUTH_USER, password as secret GITHUB_TOKEN)'
    },
    {
      example: 'ssh://builder@arm64.example.com',
      stack: secondEndpoint(),
      what: "a second machine's Docker (stack: the same daemon, so that node emulates arm64)"
    },
    {
      example: 'gitea.example.com',
      stack: stack.STACK_AUTH_REGISTRY,
      what: "a Gitea/Forgejo instance's container registry (stack: the basic-auth registry, as for ghcr.io)"
    },
    {
      example: 'team/app',
      stack: repository,
      what: 'image repository, unique per run'
    }
  ]
}

/**
 * The machine's Docker daemon under a second address: buildx refuses two nodes with the same endpoint, so the
 * stand-in for another machine is the same socket by its real path (/var/run is a link to /run on Debian).
 */
function secondEndpoint(): string {
  const socket = (stack.DOCKER_HOST || 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '')
  const real = existsSync(socket) ? realpathSync(socket) : socket
  return `unix://${real === socket ? `/proc/self/root${socket}` : real}`
}

const NAME_CHAR = '[A-Za-z0-9.-]'
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** The example's text with every example address of the table replaced by its stack address. */
export function substitute(text: string, table: Array<{ example: string; stack: string }>): string {
  let out = text
  for (const { example, stack: to } of table) {
    const lead = /^[A-Za-z0-9]/.test(example) ? `(?<!${NAME_CHAR})` : ''
    // A bare host name (no port, no path) must not match the same name with a port: that is another entry.
    const port = /^[A-Za-z0-9.-]+$/.test(example) ? '|:\\d' : ''
    const tail = /[A-Za-z0-9]$/.test(example) ? `(?!${NAME_CHAR}${port})` : ''
    out = out.replace(new RegExp(`${lead}${escape(example)}${tail}`, 'g'), to)
  }
  return out
}

/** Every `runs-on` label of the workflow's jobs (string or list; expressions are left to the caller). */
export function runsOnLabels(workflow: string): string[] {
  const doc = parse(workflow) as { jobs?: Record<string, { 'runs-on'?: unknown }> }
  const labels = new Set<string>()
  for (const job of Object.values(doc?.jobs ?? {})) {
    const runsOn = job?.['runs-on']
    for (const label of Array.isArray(runsOn) ? runsOn : runsOn === undefined ? [] : [runsOn])
      if (typeof label === 'string' && !label.includes('${{')) labels.add(label)
  }
  return [...labels]
}

export interface ExampleOptions {
  /** Extra `env` for every step (act --env-file), e.g. a runner's SSL_CERT_DIR. */
  env?: Record<string, string>
  /** `secrets.*` (act --secret-file, so no value is on act's command line). */
  secrets?: Record<string, string>
  /** `vars.*` (act --var-file). */
  vars?: Record<string, string>
  /** Event name (default push) and, optionally, its payload (act -e). */
  event?: string
  payload?: Record<string, unknown>
  /** Folder whose files become the root of the example's repository; default examples/multi-arch. */
  context?: string
  /** Files written into the repository after `context` is copied (path relative to its root -> content). */
  files?: Record<string, string>
  /**
   * The runner reaches Docker Hub (as GitHub-hosted runners do): Docker Hub is blocked on this machine, so each
   * `FROM busybox` of the repository's Dockerfiles names the stack's mirror as a registry instead
   * (`FROM 127.0.0.1:5001/library/busybox`). For examples that give no registry-mirrors.
   */
  dockerHubReachable?: boolean
  /**
   * Serve the example's repository from the stack's Git server, as Gitea/Forgejo/GitHub serve the workflow's own
   * repository: a bare copy at <STACK_GIT_PROJECT_ROOT>/<repository>.git, and GITHUB_SERVER_URL set to the
   * server, so `{{defaultContext}}` is <server>/<repository>.git#<the run's commit>. Removed afterwards.
   */
  serveRepository?: boolean
  /** github.actor (act --actor). */
  actor?: string
  /** More runner labels to run on this machine, e.g. ones a reusable workflow computes (`-P <label>=-self-hosted`). */
  labels?: string[]
  /** Added after the standard table (same matching rules). */
  extraSubstitutions?: Array<{ example: string; stack: string }>
  /** A folder that replaces the action (action.yml and what it runs) under the same name; the workflows stay. */
  actionStandIn?: string
  /** Unique part of names for this run (repository, builders); default a new one. */
  run?: string
  timeoutMs?: number
}

export interface ExampleRun {
  /** act's exit status (null when killed at the timeout). */
  status: number | null
  /** act's stdout and stderr. */
  log: string
  /** The image repository `team/app` became, e.g. examples-mx1.../quick-start (on whichever registry). */
  repository: string
  /** github.repository of the run (the repository's origin remote): the same path. */
  githubRepository: string
  /** The workflow as act ran it, after substitution. */
  workflow: string
  run: string
  timedOut: boolean
  /** The commit act ran the workflow for (github.sha). */
  sha: string
  /** github.run_id of the run (unique per run here, as on a real server). */
  runId: string
}

const dotenv = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`bad name ${key}`)
      if (/\r/.test(value)) throw new Error(`${key}: values with CR are not supported here`)
      // A multi-line value (a PEM key) in double quotes, its line breaks as \n, which act's dotenv reader expands.
      if (value.includes('\n')) {
        if (/["\\$`]/.test(value))
          throw new Error(`${key}: multi-line values with quotes are not supported here`)
        return `${key}="${value.replaceAll('\n', '\\n')}"`
      }
      return `${key}=${value}`
    })
    .join('\n') + '\n'

/** Short unique part for names: time and randomness, lower case (valid in image repositories). */
export function newRun(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

/**
 * Runs examples/workflows/<file> (or an absolute path) under act against the stack and returns act's status and
 * log. The temporary repository (and act's copy of it) is removed afterwards; registry contents stay for the caller
 * to read back.
 */
export async function runExample(file: string, options: ExampleOptions = {}): Promise<ExampleRun> {
  const path = file.startsWith('/') ? file : join(EXAMPLES, file)
  const name = basename(path).replace(/\.ya?ml$/, '')
  const run = options.run ?? newRun()
  const repository = `examples-${run}/${name}`
  const table = [...substitutions(repository), ...(options.extraSubstitutions ?? [])]
  const workflow = substitute(readFileSync(path, 'utf8'), table)

  let served: string | undefined
  const dir = mkdtempSync(join(tmpdir(), `mpb-example-${name}-`))
  const files = mkdtempSync(join(tmpdir(), `mpb-example-${name}-act-`))
  try {
    const repo = join(dir, 'repo')
    cpSync(options.context ?? DEFAULT_CONTEXT, repo, { recursive: true })
    for (const [relative, content] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(repo, relative)), { recursive: true })
      writeFileSync(join(repo, relative), content)
    }
    if (options.dockerHubReachable) baseFromMirror(repo)
    mkdirSync(join(repo, '.github/workflows'), { recursive: true })
    const workflowPath = join(repo, '.github/workflows', basename(path))
    writeFileSync(workflowPath, workflow)
    const git = (...args: string[]) => gitIn(repo, args)
    await git('init', '-q', '-b', 'main')
    await git('add', '-A')
    await git('-c', 'user.name=examples', '-c', 'user.email=examples@example.com', 'commit', '-q', '-m', name)
    // act derives github.repository from the origin remote.
    await git('remote', 'add', 'origin', `https://github.com/${repository}.git`)
    const sha = (await gitOutput(repo, ['rev-parse', 'HEAD'])).trim()
    const env: Record<string, string> = { GITHUB_RUN_ID: runId(), ...options.env }
    if (options.serveRepository) {
      served = join(stack.STACK_GIT_PROJECT_ROOT, `${repository}.git`)
      mkdirSync(dirname(served), { recursive: true })
      await gitIn(dir, ['clone', '-q', '--bare', repo, served])
      env.GITHUB_SERVER_URL = stack.STACK_GIT_SERVER
    }

    // The action as it is published: action.yml, dist/ and .github/ (reusable workflows) of this working tree.
    const action = join(files, 'action')
    // The reusable workflow is always this repository's; the action it runs may be a stand-in.
    const parts = options.actionStandIn ? ['.github'] : ['action.yml', 'dist', '.github']
    for (const part of parts)
      if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(action, part), { recursive: true })
    if (options.actionStandIn) cpSync(options.actionStandIn, action, { recursive: true })
    const args = [
      options.event ?? 'push',
      '--workflows',
      workflowPath,
      // act's copies of the workspace and of the actions go here, so they are removed with it even after a failure.
      '--action-cache-path',
      join(files, 'act-cache'),
      '--local-repository',
      `${ACTION_REF}=${action}`,
      '--local-repository',
      `actions/checkout@v4=${CHECKOUT_STANDIN}`,
      '--env-file',
      join(files, 'env'),
      '--secret-file',
      join(files, 'secrets'),
      '--var-file',
      join(files, 'vars')
    ]
    for (const label of new Set(['ubuntu-latest', ...runsOnLabels(workflow), ...(options.labels ?? [])]))
      args.push('-P', `${label}=-self-hosted`)
    if (options.actor) args.push('--actor', options.actor)
    writeFileSync(join(files, 'env'), dotenv(env))
    writeFileSync(join(files, 'secrets'), dotenv(options.secrets ?? {}), { mode: 0o600 })
    writeFileSync(join(files, 'vars'), dotenv(options.vars ?? {}))
    if (options.payload) {
      writeFileSync(join(files, 'event.json'), JSON.stringify(options.payload))
      args.push('--eventpath', join(files, 'event.json'))
    }
    const result = await spawnBounded(stack.STACK_ACT, args, repo, options.timeoutMs ?? 300_000)
    return {
      ...result,
      repository,
      githubRepository: repository,
      workflow,
      run,
      sha,
      runId: env.GITHUB_RUN_ID
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    rmSync(files, { recursive: true, force: true })
    if (served) rmSync(dirname(served), { recursive: true, force: true })
  }
}

/** A numeric run id unlikely to repeat (GitHub's are numbers too). */
const runId = () => String(Date.now() * 1000 + Math.floor(Math.random() * 1000))

/** Every Dockerfile below `dir`: `FROM busybox[:tag]` -> the stack mirror as a registry (see dockerHubReachable). */
function baseFromMirror(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/Dockerfile$/.test(entry.name)) continue
    const path = join(entry.parentPath, entry.name)
    const text = readFileSync(path, 'utf8')
    writeFileSync(
      path,
      text.replace(
        /^(FROM\s+(?:--platform=\S+\s+)?)busybox(?=[:@\s]|$)/gim,
        `$1${stack.STACK_MIRROR}/library/busybox`
      )
    )
  }
}

async function gitOutput(cwd: string, args: string[]): Promise<string> {
  const result = await spawnBounded('git', args, cwd, 30_000, GIT_ENV)
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.log}`)
  return result.log
}

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }

function gitIn(cwd: string, args: string[]): Promise<void> {
  return spawnBounded('git', args, cwd, 30_000, {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null'
  }).then(result => {
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.log}`)
  })
}

/** Runs a command with a hard timeout (SIGTERM, then SIGKILL 10 s later), collecting stdout and stderr. */
export function spawnBounded(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env: Record<string, string> = {}
): Promise<{ status: number | null; log: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ACT_DISABLE_VERSION_CHECK: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk))
    let timedOut = false
    let kill: NodeJS.Timeout | undefined
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
      kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    }, timeoutMs)
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', status => {
      clearTimeout(timer)
      if (kill) clearTimeout(kill)
      resolve({ status, log: Buffer.concat(chunks).toString('utf8'), timedOut })
    })
  })
}

/** examples/workflows/*.yml, sorted. */
export function exampleFiles(): string[] {
  if (!existsSync(EXAMPLES)) return []
  return readdirSync(EXAMPLES)
    .filter(file => /\.ya?ml$/.test(file))
    .sort()
}

/** What the caller's job `job` printed as `name: value` lines, from act's log. */
export function printed(log: string, job: string, name: string): string[] {
  const pattern = new RegExp(`^\\[[^/\\]]+/${job}\\s*\\]\\s+\\|\\s${name}: (.*)$`)
  return log
    .split('\n')
    .map(line => pattern.exec(line)?.[1]?.trim())
    .filter((value): value is string => value !== undefined)
}
