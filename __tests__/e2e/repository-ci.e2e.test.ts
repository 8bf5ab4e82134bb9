import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { node24Path } from '../../scripts/lib/runner.cjs'
import { ROOT } from '../support/run-action'
import { loadStack } from '../support/stack'
import { spawnBounded } from '../support/examples'
import { shellcheckRunScripts } from '../support/workflow-scripts'

// This repository's own CI (.github/workflows/ci.yml) under nektos/act on this machine: the jobs lint,
// typecheck, unit (Node 20 and 24) and dist run as written, on a copy of this working tree committed to a
// temporary repository; then dist runs once more on a commit with a stale dist/ and must fail.
//
// Not run here: integration (its own project runs the same tests), the action jobs (their registry:2 service
// container cannot be pulled offline; the e2e suite runs the action on the stack instead) and the reusable
// workflow (it pushes to ghcr.io).
//
// What differs from GitHub, because nothing can be downloaded here:
//   - actions/checkout (pinned by commit in ci.yml) is not fetched: act skips it for the workflow's own
//     repository and copies the working folder into the job's workspace itself, .git included, which is what the
//     jobs need (dist's git diff reads .git). It is also mapped to __tests__/e2e/fixtures/checkout-standin, which
//     fails saying why, should act ever run it.
//   - actions/setup-node (pinned by commit) is mapped with act's --local-repository to
//     __tests__/e2e/fixtures/setup-node-standin: it puts a Node of the requested major first on PATH, taken from
//     the ones on this machine (the system's Node 20 and the node24 the integration tests install) instead of
//     downloading it; its npm cache is not restored or saved.
//   - `npm ci` runs as written, with npm_config_offline=true: npm takes every package from this machine's npm
//     cache (it holds package-lock.json's packages since the project was installed) and fails rather than reach
//     the npm registry.
//   - runs-on: ubuntu-latest is this machine (act's -P ubuntu-latest=-self-hosted), with its shellcheck.

jest.setTimeout(900_000)
const stack = loadStack()
const CI = '.github/workflows/ci.yml'
const CHECKOUT_STANDIN = join(ROOT, '__tests__/e2e/fixtures/checkout-standin')
const SETUP_NODE_STANDIN = join(ROOT, '__tests__/e2e/fixtures/setup-node-standin')
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }

interface Run {
  status: number | null
  log: string
  timedOut: boolean
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await spawnBounded('git', args, cwd, 60_000, GIT_ENV)
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.log}`)
  return result.log
}

/** The commit ci.yml pins each third-party action to, e.g. actions/setup-node -> 40 hex digits. */
function pinnedActions(): Record<string, string> {
  const workflow = parse(readFileSync(join(ROOT, CI), 'utf8')) as {
    jobs: Record<string, { steps?: Array<{ uses?: string }> }>
  }
  const pinned: Record<string, string> = {}
  for (const job of Object.values(workflow.jobs))
    for (const { uses } of job.steps ?? []) {
      const match = /^([^./][^@]*)@([0-9a-f]{40})$/.exec(uses ?? '')
      if (match) pinned[match[1]] = match[2]
    }
  return pinned
}

let work: string
let repo: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mpb-repository-ci-'))
  repo = join(work, 'repo')
  // The working tree as it is on disk, tracked files and new ones alike, without what .gitignore leaves out.
  const files = (await git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'))
    .split('\0')
    .filter(file => file !== '' && file !== 'node_modules' && existsSync(join(ROOT, file)))
  for (const file of files) {
    mkdirSync(dirname(join(repo, file)), { recursive: true })
    cpSync(join(ROOT, file), join(repo, file), { verbatimSymlinks: true })
  }
  await git(repo, 'init', '-q', '-b', 'main')
  await git(repo, 'add', '-A')
  await git(
    repo,
    '-c',
    'user.name=ci',
    '-c',
    'user.email=ci@example.com',
    'commit',
    '-q',
    '-m',
    'working tree'
  )
  // act derives github.repository from the origin remote.
  await git(
    repo,
    'remote',
    'add',
    'origin',
    'https://github.com/ci-under-act/multi-platform-build-action.git'
  )
})

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

/** Runs one job of ci.yml (one matrix entry with `matrix`) on the temporary repository under act. */
async function runJob(job: string, matrix?: string): Promise<Run> {
  const pinned = pinnedActions()
  expect(Object.keys(pinned).sort()).toEqual(['actions/checkout', 'actions/setup-node'])
  const files = mkdtempSync(join(work, 'act-'))
  writeFileSync(
    join(files, 'env'),
    [
      // npm ci from this machine's npm cache only (see the head of this file).
      'npm_config_offline=true',
      `SETUP_NODE_STANDIN_NODES=${['/usr/bin/node', node24Path()].join(':')}`
    ].join('\n') + '\n'
  )
  const args = [
    'push',
    '--workflows',
    join(repo, CI),
    '--job',
    job,
    ...(matrix ? ['--matrix', matrix] : []),
    '-P',
    'ubuntu-latest=-self-hosted',
    '--action-cache-path',
    join(files, 'act-cache'),
    '--local-repository',
    `actions/checkout@${pinned['actions/checkout']}=${CHECKOUT_STANDIN}`,
    '--local-repository',
    `actions/setup-node@${pinned['actions/setup-node']}=${SETUP_NODE_STANDIN}`,
    '--env-file',
    join(files, 'env')
  ]
  const run = await spawnBounded(stack.STACK_ACT, args, repo, 600_000, { ACT_DISABLE_VERSION_CHECK: 'true' })
  // Jest and git colour their output; the assertions read the text.
  return { ...run, log: run.log.replace(ANSI_COLOUR, '') }
}

/** Expects act to have run the job to success, showing the end of its log otherwise. */
function expectSuccess(run: Run): void {
  const tail = run.status === 0 && !run.timedOut ? '' : run.log.slice(-6000)
  expect({ status: run.status, timedOut: run.timedOut, tail }).toEqual({
    status: 0,
    timedOut: false,
    tail: ''
  })
}

describe(`${CI} under act`, () => {
  it('has the node24 the unit job on Node 24 takes (installed by the integration tests)', () => {
    expect(existsSync(node24Path())).toBe(true)
  })

  it('lint: ESLint, Prettier and shellcheck pass on the working tree', async () => {
    const run = await runJob('lint')
    expectSuccess(run)
    expect(run.log).toContain('All matched files use Prettier code style!')
    expect(run.log).toMatch(/Success - Main npm run lint/)
    expect(run.log).toContain('Job succeeded')
  })

  it('typecheck: tsc passes', async () => {
    const run = await runJob('typecheck')
    expectSuccess(run)
    expect(run.log).toMatch(/Success - Main npm run typecheck/)
    expect(run.log).toContain('Job succeeded')
  })

  it.each([
    ['20', 'v20.'],
    ['24', 'v24.']
  ])('unit on Node %s: every unit test passes under that Node', async (node, version) => {
    const run = await runJob('unit', `node:${node}`)
    expectSuccess(run)
    expect(run.log).toContain(`setup-node stand-in: Node ${version}`)
    // The `node --version` step, after the stand-in put that Node first on PATH.
    expect(run.log).toMatch(new RegExp(`\\| ${version.replace('.', '\\.')}\\d+\\.\\d+`))
    expect(run.log).toMatch(/Tests: +\d+ passed, \d+ total/)
    expect(run.log).not.toMatch(/Tests: .*failed/)
    expect(run.log).toContain('Job succeeded')
  })

  it('dist: the committed dist/ is what npm run build makes', async () => {
    const run = await runJob('dist')
    expectSuccess(run)
    expect(run.log).toMatch(/Success - Main Compare with the committed dist\//)
    expect(run.log).toContain('Job succeeded')
  })

  it('dist: fails on a commit whose dist/ is not what npm run build makes, saying how to fix it', async () => {
    const bundle = join(repo, 'dist/index.js')
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}// stale\n`)
    writeFileSync(join(repo, 'dist/chunks/left-over.js'), '// a chunk no build makes\n')
    await git(repo, 'add', '-A')
    await git(
      repo,
      '-c',
      'user.name=ci',
      '-c',
      'user.email=ci@example.com',
      'commit',
      '-q',
      '-m',
      'stale dist'
    )
    const run = await runJob('dist')
    expect(run.status).not.toBe(0)
    expect(run.log).toMatch(/Failure - Main Compare with the committed dist\//)
    expect(run.log).toContain(
      'dist/ is not what npm run build makes of src/; run npm run build and commit dist/.'
    )
    expect(run.log).toContain('Job failed')
  })
})

describe('the run: scripts of ci.yml and release.yml', () => {
  it('pass shellcheck (warnings and errors), as bash', () => {
    const check = shellcheckRunScripts([CI, '.github/workflows/release.yml'].map(file => join(ROOT, file)))
    expect(check.scripts).toBeGreaterThan(20)
    expect({ status: check.status, output: check.output }).toEqual({ status: 0, output: '' })
  })
})
