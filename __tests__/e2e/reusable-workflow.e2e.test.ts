import { shellcheckRunScripts } from '../support/workflow-scripts'
import { printed } from '../support/examples'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { buildWith, expectClean, failure } from '../support/e2e'
import { ExampleRun, newRun, runExample, stack } from '../support/examples'
import { ROOT } from '../support/run-action'
import {
  dockerText,
  gitLogEntries,
  leftovers,
  logOffset,
  logSince,
  Registry,
  TokenRegistry
} from '../support/stack'

// The reusable workflow (.github/workflows/multi-platform-build.yml) on the real stack, called the way an org
// repository calls it, under nektos/act in host mode (__tests__/support/examples.ts):
//   - its file: the four leg jobs are one job, and the plan (plain bash) groups platforms by runner and refuses
//     hostile values before any of them reaches runs-on or a later job;
//   a. examples/workflows/reusable-workflow.yml: linux/amd64 and linux/arm64 on two runner labels (both this
//      machine; arm64 under QEMU stands in for a native runner), the caller's commit as the Git context from the
//      stack's Git server, login through the registry-auth secret: one index, both platforms once, the caller's
//      outputs equal to the registry's, the same content as one single-step build, nothing left behind;
//   b+c. the same through the proxy-only token registry, with the caller's Git server also reachable only through
//      the proxy (its name resolves nowhere else), the proxy given as a secret that overrides the proxy inputs;
//   d. a merge missing a platform fails naming it and writes no tag; a failing leg stops the merge;
//   - why the legs are fixed jobs and there is no fail-fast input: what act does with a matrix.
//
// act maps runs-on labels to this machine with -P; examples.ts does that for the caller's static labels, and for the
// label the reusable workflow computes (ubuntu-24.04-arm) through its labels option.

jest.setTimeout(900_000)

const WORKFLOW = join(ROOT, '.github/workflows/multi-platform-build.yml')
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const ARCH: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' }
const DIGEST = /^sha256:[0-9a-f]{64}$/
/** The runner label the reusable workflow computes for linux/arm64 (runs-on from the plan), mapped to this machine. */
const LABELS = ['ubuntu-24.04-arm']
/** Each platform records where it ran; the stamp is in this run's commit only. */
const DOCKERFILE = 'FROM busybox\nCOPY stamp /stamp\nRUN uname -m > /arch\n'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

interface Job {
  name?: string
  needs?: string | string[]
  if?: string
  'runs-on'?: unknown
  outputs?: Record<string, string>
  steps?: Array<Record<string, unknown>>
}
const workflow = () => parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, Job> }

/** Builders the action created in this run (from its echoed `buildx create` commands), and anything else named after the run. */
function builders(result: ExampleRun): string[] {
  return [...new Set([...result.log.matchAll(/buildx create --name (\S+)/g)].map(match => match[1]))]
}

/** No builder, BuildKit container or volume of the run is left, by name and by the run id in default names. */
function expectNothingLeft(result: ExampleRun, expectedBuilders: number) {
  const names = builders(result)
  expect(names.length).toBe(expectedBuilders)
  for (const name of names) expect(leftovers(name)).toEqual({ containers: [], volumes: [], builders: [] })
  const byRunId = (args: string[]) =>
    dockerText(args)
      .split('\n')
      .filter(line => line.includes(result.runId))
  expect(byRunId(['ps', '-a', '--format', '{{.Names}}'])).toEqual([])
  expect(byRunId(['volume', 'ls', '--format', '{{.Name}}'])).toEqual([])
  expect(byRunId(['buildx', 'ls', '--format', '{{.Name}}'])).toEqual([])
}

/** With E2E_ACT_LOG_DIR set, act's whole log of each run is kept there (act logs are long; failures show a tail). */
function keepLog(name: string, result: ExampleRun) {
  const dir = process.env.E2E_ACT_LOG_DIR
  if (dir) writeFileSync(join(dir, `${name}-${result.run}.log`), result.log)
}

/** Lines act printed for one job of a caller, e.g. job(log, 'image', 'merge') for `[image/multi-platform build/merge …]`. */
function jobLines(log: string, caller: string, job: string): string[] {
  const prefix = `[${caller}/multi-platform build/${job}`
  return log.split('\n').filter(line => line.startsWith(prefix))
}

describe('the workflow file', () => {
  it('leg-2, leg-3 and leg-4 are leg-1 with their own number', () => {
    const { jobs } = workflow()
    const leg1 = JSON.stringify(jobs['leg-1'])
    for (const n of [2, 3, 4]) {
      const expected = leg1
        .replaceAll('platforms-1', `platforms-${n}`)
        .replaceAll('runs-on-1', `runs-on-${n}`)
      expect(JSON.stringify(jobs[`leg-${n}`])).toBe(expected)
    }
    expect(Object.keys(jobs).sort()).toEqual(['image', 'leg-1', 'leg-2', 'leg-3', 'leg-4', 'plan'])
    // Every leg's digest reaches the merge, and only from a leg that succeeded.
    const merge = jobs.image.steps?.find(step => step.id === 'merge') as { with: Record<string, string> }
    for (const n of [1, 2, 3, 4])
      expect(merge.with['merge-digests']).toContain(
        `\${{ needs.leg-${n}.result == 'success' && needs.leg-${n}.outputs.digest || '' }}`
      )
    // No `${{ }}` inside any run: script (values reach shell through env: only).
    for (const job of Object.values(jobs))
      for (const step of job.steps ?? []) expect(String(step.run ?? '')).not.toContain('${{')
  })

  it('every run: script passes shellcheck (warnings and errors), as bash', () => {
    const check = shellcheckRunScripts([WORKFLOW])
    expect(check.scripts).toBe(7)
    expect({ status: check.status, output: check.output }).toEqual({ status: 0, output: '' })
  })

  describe('the plan job (its bash, run here as the runner runs it)', () => {
    const script = workflow().jobs.plan.steps?.[0].run as string
    /** Runs the plan step with these inputs (as its env: maps them) and returns its exit code, outputs and log. */
    function plan(inputs: Partial<Record<string, string>>) {
      const dir = mkdtempSync(join(tmpdir(), 'reusable-plan-'))
      try {
        const output = join(dir, 'output')
        writeFileSync(output, '')
        const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
          encoding: 'utf8',
          timeout: 10_000,
          env: {
            PATH: process.env.PATH,
            GITHUB_OUTPUT: output,
            TAGS: 'registry.example.com/team/app:1',
            PLATFORMS: 'linux/amd64,linux/arm64',
            RUNNER: 'ubuntu-latest',
            PLATFORM_RUNNERS: '',
            CONTEXT: '',
            FETCH_SOURCE: 'false',
            ...inputs
          }
        })
        const outputs = Object.fromEntries(
          readFileSync(output, 'utf8')
            .split('\n')
            .filter(line => line.includes('='))
            .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
        )
        return { code: result.status, outputs, log: `${result.stdout}${result.stderr}` }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }

    it('one runner for every platform: one build, no legs', () => {
      const { code, outputs } = plan({})
      expect(code).toBe(0)
      expect(outputs).toMatchObject({
        split: 'false',
        platforms: 'linux/amd64,linux/arm64',
        context: '{{defaultContext}}',
        'image-runs-on': '["ubuntu-latest"]',
        'platforms-1': '',
        'platforms-4': ''
      })
      // Even an unused leg gets a valid runs-on.
      for (const n of [1, 2, 3, 4]) expect(outputs[`runs-on-${n}`]).toBe('["ubuntu-latest"]')
      // All platforms on one other runner: still one build, there.
      const other = plan({ PLATFORM_RUNNERS: 'linux/amd64=big\nlinux/arm64=big' })
      expect(other.outputs).toMatchObject({ split: 'false', 'image-runs-on': '["big"]' })
    })

    it('groups platforms by runner, in order, with a JSON list of labels; merges on the default runner', () => {
      const { code, outputs, log } = plan({
        TAGS: 'registry.example.com/team/app:1\n registry.example.com/team/app:latest,',
        PLATFORMS: 'linux/amd64\nlinux/arm64, linux/arm/v7,linux/riscv64',
        RUNNER: '[ "self-hosted" , "x64"]',
        PLATFORM_RUNNERS:
          'linux/arm64=["self-hosted","arm64"]\r\nlinux/arm/v7=["self-hosted","arm64"]\n linux/riscv64 = rv',
        CONTEXT: 'docker',
        FETCH_SOURCE: 'true'
      })
      expect({ code, log }).toMatchObject({ code: 0 })
      expect(outputs).toEqual({
        split: 'true',
        tags: 'registry.example.com/team/app:1,registry.example.com/team/app:latest',
        platforms: 'linux/amd64,linux/arm64,linux/arm/v7,linux/riscv64',
        context: 'docker',
        'image-runs-on': '["self-hosted","x64"]',
        'platforms-1': 'linux/amd64',
        'runs-on-1': '["self-hosted","x64"]',
        'platforms-2': 'linux/arm64,linux/arm/v7',
        'runs-on-2': '["self-hosted","arm64"]',
        'platforms-3': 'linux/riscv64',
        'runs-on-3': '["rv"]',
        'platforms-4': '',
        'runs-on-4': '["self-hosted","x64"]'
      })
      // fetch-source without a context builds the fetched workspace.
      expect(plan({ FETCH_SOURCE: 'true' }).outputs.context).toBe('.')
    })

    it('takes no tags when meta-images is set: the action makes them from the Git ref in every job', () => {
      const { code, outputs } = plan({ TAGS: '', META_IMAGES: 'registry.example.com/team/app' })
      expect({ code, tags: outputs.tags }).toEqual({ code: 0, tags: '' })
      expect(plan({ TAGS: '', META_IMAGES: ' \n ' }).code).not.toBe(0)
    })

    it.each([
      ['tags', { TAGS: '' }, 'tags is empty'],
      [
        'tags',
        { TAGS: 'registry.example.com/app:$(id)' },
        'tags: "registry.example.com/app???id?" is not an image reference'
      ],
      ['platforms', { PLATFORMS: 'linux/amd64,linux/amd64' }, 'platforms: linux/amd64 is given twice'],
      ['platforms', { PLATFORMS: 'arm64' }, 'platforms: "arm64" is not os/arch[/variant]'],
      ['runner', { RUNNER: 'self-hosted,arm64' }, 'runner: "self-hosted,arm64" is not a runner label'],
      ['runner', { RUNNER: '["a","b c"]' }, 'runner: "b c" is not a runner label'],
      ['runner', { RUNNER: '["a"' }, 'runner: "[?a?" is not a JSON list of labels'],
      [
        'platform-runners',
        { PLATFORM_RUNNERS: 'linux/arm64=x\n::set-output name=runs-on-1::evil' },
        'platform-runners: "??set-output name" is not os/arch[/variant]'
      ],
      [
        'platform-runners',
        { PLATFORM_RUNNERS: 'linux/arm64=::warning::x' },
        'platform-runners (linux/arm64): "??warning??x" is not a runner label'
      ],
      [
        'platform-runners',
        { PLATFORM_RUNNERS: 'linux/s390x=z' },
        'names linux/s390x, which is not in platforms'
      ],
      [
        'five runners',
        {
          PLATFORMS: 'linux/amd64,linux/arm64,linux/arm/v7,linux/ppc64le,linux/s390x',
          PLATFORM_RUNNERS: 'linux/arm64=a\nlinux/arm/v7=b\nlinux/ppc64le=c\nlinux/s390x=d'
        },
        'platforms need 5 different runners; this workflow has 4 build jobs'
      ],
      ['context', { CONTEXT: 'app\u0007' }, 'context contains a line break or control character'],
      ['a huge input', { PLATFORMS: 'linux/amd64,'.repeat(1000) }, 'platforms is longer than 8192 characters']
    ])('refuses %s (case %#)', (_what, inputs, message) => {
      const { code, outputs, log } = plan(inputs)
      expect(code).toBe(1)
      // One error annotation, written by the plan itself; the hostile text cannot start a workflow command.
      const commands = log.split('\n').filter(line => line.includes('::'))
      expect(commands).toHaveLength(1)
      expect(commands[0]).toMatch(/^::error title=multi-platform build inputs::/)
      expect(commands[0]).toContain(message)
      expect(outputs).toEqual({})
    })
  })
})

describe('a: examples/workflows/reusable-workflow.yml, split over two runners', () => {
  const run = newRun()
  const registry = new Registry(stack.STACK_AUTH_REGISTRY, {
    user: stack.STACK_AUTH_USER,
    password: stack.STACK_AUTH_PASSWORD
  })
  let result: ExampleRun
  let gitRequests: ReturnType<typeof gitLogEntries>

  beforeAll(async () => {
    const gitLog = logOffset(stack.STACK_GIT_LOG)
    result = await runExample('reusable-workflow.yml', {
      run,
      serveRepository: true,
      dockerHubReachable: true,
      actor: stack.STACK_AUTH_USER,
      secrets: { GITHUB_TOKEN: stack.STACK_AUTH_PASSWORD },
      labels: LABELS,
      files: { Dockerfile: DOCKERFILE, stamp: `commit of run ${run}\n` },
      timeoutMs: 420_000
    })
    keepLog('a', result)
    gitRequests = gitLogEntries(logSince(stack.STACK_GIT_LOG, gitLog)).filter(entry =>
      entry.path.startsWith(`/${result.githubRepository}.git/`)
    )
  })

  it('runs plan, one leg per runner and the merge', () => {
    expect({ status: result.status, tail: result.log.slice(-4000) }).toMatchObject({ status: 0 })
    expect(result.log).toContain('leg-1 builds linux/amd64 on ["ubuntu-latest"]')
    expect(result.log).toContain('leg-2 builds linux/arm64 on ["ubuntu-24.04-arm"]')
    for (const job of ['build linux/amd64', 'build linux/arm64', 'merge linux/amd64,linux/arm64'])
      expect(jobLines(result.log, 'image', job).join('\n')).toContain('Job succeeded')
    // Each leg built its own platform only, pushed by digest; the merge built nothing.
    expect(jobLines(result.log, 'image', 'build linux/amd64').join('\n')).toContain('--platform linux/amd64 ')
    expect(jobLines(result.log, 'image', 'build linux/arm64').join('\n')).toContain('--platform linux/arm64 ')
    expect(jobLines(result.log, 'image', 'merge').join('\n')).not.toContain('buildx build')
  })

  it("pushes one index with both platforms once under both tags; the caller's outputs are the registry's", async () => {
    const image = result.githubRepository
    const bySha = await registry.platformManifests(image, result.sha)
    const latest = await registry.platformManifests(image, 'latest')
    expect(latest.digest).toBe(bySha.digest)
    expect(Object.keys(bySha.platforms).sort()).toEqual(PLATFORMS)
    const images = (bySha.index.manifests ?? []).filter(
      m => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest'
    )
    expect(images.map(m => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual(PLATFORMS)

    expect(printed(result.log, 'deploy', 'index')).toEqual([bySha.digest])
    expect(bySha.digest).toMatch(DIGEST)
    expect(printed(result.log, 'deploy', 'tags')).toEqual([
      `${stack.STACK_AUTH_REGISTRY}/${image}:${result.sha},${stack.STACK_AUTH_REGISTRY}/${image}:latest`
    ])
    expect(printed(result.log, 'deploy', 'platforms')).toEqual(['linux/amd64,linux/arm64'])
    expect(printed(result.log, 'deploy', 'per platform').map(text => JSON.parse(text))).toEqual([
      Object.fromEntries(PLATFORMS.map(p => [p, bySha.platforms[p].digest]))
    ])
  })

  it("built the caller's commit from its Git server (the default context), on each platform's own arch", async () => {
    const { platforms } = await registry.platformManifests(result.githubRepository, 'latest')
    for (const platform of PLATFORMS) {
      expect(
        (await registry.readFile(result.githubRepository, platforms[platform].digest, 'arch'))?.trim()
      ).toBe(ARCH[platform])
      expect(await registry.readFile(result.githubRepository, platforms[platform].digest, 'stamp')).toBe(
        `commit of run ${run}\n`
      )
    }
    // BuildKit fetched the commit: one smart-HTTP fetch per leg at least, from this machine, all answered.
    const fetches = gitRequests.filter(
      entry => entry.method === 'POST' && entry.path.endsWith('/git-upload-pack')
    )
    expect(fetches.length).toBeGreaterThanOrEqual(2)
    expect(gitRequests.every(entry => entry.status === 200)).toBe(true)
  })

  it('leaves no builder, container or volume (three builders: two legs and the merge)', () => {
    expectNothingLeft(result, 3)
  })

  it('gives the same platforms and content as one single-step build of the same files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reusable-single-'))
    const repository = `e2e/reusable-single-${run}`
    const push = new Registry(stack.STACK_PUSH_REGISTRY)
    try {
      writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE)
      writeFileSync(join(dir, 'stamp'), `commit of run ${run}\n`)
      const { builder, result: single } = await buildWith(`reusable-single-${run}`, {
        context: dir,
        tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
        platforms: PLATFORMS.join(','),
        retries: '0'
      })
      expect({ code: single.main.code, error: failure(single) }).toEqual({ code: 0, error: '' })
      expectClean(builder)
      const one = await push.platformManifests(repository, '1')
      const split = await registry.platformManifests(result.githubRepository, 'latest')
      expect(Object.keys(split.platforms).sort()).toEqual(Object.keys(one.platforms).sort())
      for (const platform of PLATFORMS) {
        for (const path of ['arch', 'stamp']) {
          expect(
            await registry.readFile(result.githubRepository, split.platforms[platform].digest, path)
          ).toBe(await push.readFile(repository, one.platforms[platform].digest, path))
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('b+c: through the proxy-only token registry, the Git context through the proxy too', () => {
  const run = newRun()
  const tokens = new TokenRegistry(stack)
  const proxyPassword = `pw-${randomBytes(6).toString('hex')}`
  const proxyUrl = `http://ci:${proxyPassword}@${new URL(stack.STACK_NAMED_PROXY).host}`
  const githubToken = `ghs_${randomBytes(18).toString('hex')}`
  const gitServer = `http://${stack.STACK_PROXY_ONLY_WEB_NAME}:${new URL(stack.STACK_GIT_SERVER).port}`
  let result: ExampleRun
  let gitRequests: ReturnType<typeof gitLogEntries>

  beforeAll(async () => {
    const gitLog = logOffset(stack.STACK_GIT_LOG)
    result = await runExample(join(ROOT, '__tests__/e2e/workflows/split-reusable-proxy.yml'), {
      run,
      serveRepository: true,
      env: { SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR },
      vars: { REGISTRY_USER: stack.STACK_TOKEN_USER },
      secrets: {
        REGISTRY_TOKEN: stack.STACK_TOKEN_PASSWORD,
        CORP_PROXY: proxyUrl,
        GITHUB_TOKEN: githubToken
      },
      labels: LABELS,
      files: {
        // The caller's server by a name only the named proxy resolves: act reads flags from ./.actrc, and its
        // --env wins over the env file where examples.ts sets GITHUB_SERVER_URL to the server's loopback address.
        '.actrc': `--env GITHUB_SERVER_URL=${gitServer}\n`,
        Dockerfile: DOCKERFILE,
        stamp: `commit of run ${run}\n`
      },
      timeoutMs: 420_000
    })
    keepLog('b-c', result)
    gitRequests = gitLogEntries(logSince(stack.STACK_GIT_LOG, gitLog)).filter(entry =>
      entry.path.startsWith(`/${result.githubRepository}.git/`)
    )
  })

  it('the Git server and the registry cannot be reached without the proxy from this machine', () => {
    const direct = spawnSync('git', ['ls-remote', `${gitServer}/${stack.STACK_GIT_REPOSITORY}.git`], {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        HOME: tmpdir()
      }
    })
    expect(direct.status).not.toBe(0)
    expect(direct.stderr).toMatch(/Could not resolve host: web\.proxy-only\.onion/)
    expect(() => execFileSync('getent', ['hosts', stack.STACK_TOKEN_REGISTRY.split(':')[0]])).toThrow()
  })

  it('splits over two runners and merges under the tag; the outputs are the registry index', async () => {
    expect({ status: result.status, tail: result.log.slice(-4000) }).toMatchObject({ status: 0 })
    expect(jobLines(result.log, 'image', 'merge linux/amd64,linux/arm64').join('\n')).toContain(
      'Job succeeded'
    )
    const { digest, platforms, index } = await tokens.platformManifests(result.repository, '1')
    expect(Object.keys(platforms).sort()).toEqual(PLATFORMS)
    expect(
      (index.manifests ?? []).filter(
        m => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest'
      )
    ).toHaveLength(2)
    expect(printed(result.log, 'show', 'index')).toEqual([digest])
    expect(printed(result.log, 'show', 'split')).toEqual(['true'])
    expect(printed(result.log, 'show', 'per platform').map(text => JSON.parse(text))).toEqual([
      Object.fromEntries(PLATFORMS.map(p => [p, platforms[p].digest]))
    ])
    // Each leg and the merge logged in with the registry-auth secret.
    expect(result.log.match(/registry-auth registry\.proxy-only\.onion:5444: login accepted/g)?.length).toBe(
      3
    )
  })

  it("fetched the caller's commit through the proxy, with the run's token", () => {
    const fetches = gitRequests.filter(
      entry => entry.method === 'POST' && entry.path.endsWith('/git-upload-pack')
    )
    expect(fetches.length).toBeGreaterThanOrEqual(2)
    // Every request came from the named proxy's source address, none straight from this machine.
    expect(gitRequests.map(entry => entry.source.split(':')[0])).toEqual(
      gitRequests.map(() => stack.STACK_NAMED_PROXY_SOURCE)
    )
    const authorized = gitRequests.filter(entry => entry.auth !== null)
    console.info(`b+c: ${gitRequests.length} Git server requests, ${authorized.length} with a token`)
    for (const entry of authorized)
      expect(entry.auth).toEqual({
        scheme: 'basic',
        user: 'x-access-token',
        passwordSha256: sha256(githubToken)
      })
  })

  it('the pushed images hold the commit and their own arch; no password or token in the log; nothing left', async () => {
    const { platforms } = await tokens.platformManifests(result.repository, '1')
    expect(Object.keys(platforms).sort()).toEqual(PLATFORMS)
    for (const secret of [stack.STACK_TOKEN_PASSWORD, proxyPassword, githubToken])
      expect(
        result.log.split('\n').filter(line => line.includes(secret) && !line.includes('::add-mask::'))
      ).toEqual([])
    expectNothingLeft(result, 3)
  })
})

describe('d: no tag when a platform is missing or a leg fails', () => {
  const run = newRun()
  const registry = new Registry(stack.STACK_PUSH_REGISTRY)
  let result: ExampleRun

  beforeAll(async () => {
    result = await runExample(join(ROOT, '__tests__/e2e/workflows/split-reusable-failures.yml'), {
      run,
      serveRepository: true,
      labels: LABELS,
      files: {
        'fails-on-arm64/Dockerfile':
          'FROM busybox\nRUN if [ "$(uname -m)" = aarch64 ]; then echo "fails on aarch64 on purpose" >&2; exit 1; fi\n'
      },
      timeoutMs: 420_000
    })
    keepLog('d', result)
  })

  it('the act run fails', () => {
    expect(result.status).not.toBe(0)
    expect(result.timedOut).toBe(false)
  })

  it('missing runner: the merge names linux/arm64 and writes no tag', async () => {
    expect(result.log).toContain('Skipping unsupported platform -- Try running with `-P no-such-runner=...`')
    const merge = jobLines(result.log, 'missing-runner', 'merge linux/amd64,linux/arm64').join('\n')
    expect(merge).toContain('no image for linux/arm64 among the digests')
    expect(merge).toContain('No tag was written.')
    expect(merge).toContain('Job failed')
    expect(await registry.hasTag(result.repository, 'missing')).toBe(false)
  })

  it('failing leg: linux/arm64 fails, the merge job does not run, no tag', async () => {
    const arm = jobLines(result.log, 'failing-leg', 'build linux/arm64').join('\n')
    expect(arm).toContain('fails on aarch64 on purpose')
    expect(arm).toContain('Job failed')
    // The amd64 leg built the fetched path and pushed it by digest.
    const amd = jobLines(result.log, 'failing-leg', 'build linux/amd64').join('\n')
    expect(amd).toContain(`workspace: ${result.githubRepository} at ${result.sha}`)
    expect(amd).toContain('Job succeeded')
    expect(jobLines(result.log, 'failing-leg', 'merge')).toEqual([])
    expect(await registry.hasTag(result.repository, 'failing')).toBe(false)
  })

  it('leaves nothing behind (three legs that built, one merge that failed)', () => {
    expectNothingLeft(result, 4)
  })
})

describe('pass-through: each input and secret reaches the action steps it is for, and no other', () => {
  const CALLER = join(ROOT, '__tests__/e2e/workflows/split-reusable-passthrough.yml')
  /** What the legs build with: the image's content and its attestations. */
  const LEG_INPUTS = ['annotations', 'sbom', 'provenance']
  const META_INPUTS = ['meta-images', 'meta-tags', 'meta-flavor', 'meta-labels', 'meta-annotations']
  /** Signing happens once, where the index is pushed: the merge, or the one build. */
  const SIGN_INPUTS = [
    'sign',
    'sigstore-fulcio-url',
    'sigstore-rekor-url',
    'cosign-version',
    'cosign-download-url'
  ]
  const SIGN_SECRETS = ['sign-key', 'sign-key-password', 'sigstore-identity-token']
  const secrets = {
    SIGN_KEY: `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----${randomBytes(24).toString('base64')}`,
    SIGN_KEY_PASSWORD: `pw-${randomBytes(8).toString('hex')}`,
    IDENTITY_TOKEN: `eyJ${randomBytes(24).toString('hex')}`
  }
  const secretOf: Record<string, string> = {
    'sign-key': secrets.SIGN_KEY,
    'sign-key-password': secrets.SIGN_KEY_PASSWORD,
    'sigstore-identity-token': secrets.IDENTITY_TOKEN
  }
  type Callers = { jobs: Record<'split' | 'single', { with: Record<string, string> }> }
  const callers = (parse(readFileSync(CALLER, 'utf8')) as Callers).jobs
  /** The split caller's `with:` values as act ran them (after the stack's addresses were put in). */
  let given: Record<string, string>
  /** Files the hostile values would create if a shell ran them. */
  const ran = ['/tmp/annotation-ran', '/tmp/sbom-ran']
  let result: ExampleRun

  beforeAll(async () => {
    for (const path of ran) rmSync(path, { force: true })
    result = await runExample(CALLER, {
      actionStandIn: join(ROOT, '__tests__/e2e/fixtures/action-standin'),
      labels: LABELS,
      secrets,
      timeoutMs: 300_000
    })
    keepLog('pass-through', result)
    given = (parse(result.workflow) as Callers).jobs.split.with
  })

  /** input name -> sha256 of the value the action step of this job got. */
  function received(caller: string, job: string): Record<string, string> {
    const lines = jobLines(result.log, caller, job)
    expect({ job, succeeded: lines.some(line => line.includes('Job succeeded')) }).toEqual({
      job,
      succeeded: true
    })
    return Object.fromEntries(
      lines
        .map(line => /stand-in input (\S+) sha256=([0-9a-f]{64})$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map(match => [match[1], match[2]])
    )
  }
  const expected = (names: string[]) =>
    Object.fromEntries(names.map(name => [name, sha256(secretOf[name] ?? given[name])]))
  const without = (inputs: Record<string, string>, names: string[]) => names.filter(name => name in inputs)

  it('both callers give the same values', () => {
    expect(callers.single.with).toEqual({ ...callers.split.with, 'platform-runners': undefined })
  })

  it('the run succeeds, and no hostile value ran as a command or a workflow command', () => {
    expect({ status: result.status, tail: result.log.slice(-3000) }).toMatchObject({ status: 0 })
    for (const path of ran) expect(existsSync(path)).toBe(false)
    expect(result.log).not.toContain('injected')
  })

  it('every leg gets sbom, provenance, annotations and the meta-* inputs unchanged, and nothing of signing', () => {
    for (const job of ['build linux/amd64', 'build linux/arm64']) {
      const inputs = received('split', job)
      expect(inputs).toMatchObject(expected([...LEG_INPUTS, ...META_INPUTS]))
      expect(without(inputs, [...SIGN_INPUTS, ...SIGN_SECRETS])).toEqual([])
    }
  })

  it('the merge gets annotations, meta-* and every sign input and secret; no sbom or provenance (it builds nothing)', () => {
    const inputs = received('split', 'merge linux/amd64,linux/arm64')
    expect(inputs).toMatchObject(expected(['annotations', ...META_INPUTS, ...SIGN_INPUTS, ...SIGN_SECRETS]))
    expect(without(inputs, ['sbom', 'provenance'])).toEqual([])
  })

  it('one build (no legs) gets everything: it builds, pushes and signs', () => {
    const inputs = received('single', 'build linux/amd64,linux/arm64')
    expect(inputs).toMatchObject(expected([...LEG_INPUTS, ...META_INPUTS, ...SIGN_INPUTS, ...SIGN_SECRETS]))
    expect(jobLines(result.log, 'single', 'build linux/amd64 ')).toEqual([])
  })

  it('no secret of signing reaches a leg or the plan, as an input or in any environment variable', () => {
    const hashes = Object.values(secretOf).map(sha256)
    for (const job of ['build linux/amd64', 'build linux/arm64', 'plan']) {
      const lines = jobLines(result.log, 'split', job)
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.filter(line => hashes.some(hash => line.includes(hash)))).toEqual([])
    }
    // Nor is any of them printed anywhere, masked or not.
    for (const secret of Object.values(secretOf))
      expect(result.log.split('\n').filter(line => line.includes(secret))).toEqual([])
  })

  it("the workflow's signed and verify-command outputs come from the image job's action step", () => {
    for (const caller of ['split', 'single']) {
      expect(printed(result.log, 'show', `${caller} signed`)).toEqual(['true'])
      const [digest] = printed(result.log, 'show', `${caller} digest`)
      expect(digest).toMatch(DIGEST)
      expect(printed(result.log, 'show', `${caller} verify`)).toEqual([`cosign verify stand-in@${digest}`])
    }
  })
})

describe('why the legs are not a matrix: act 0.2.89 neither cancels matrix legs nor keeps their outputs apart', () => {
  let result: ExampleRun

  beforeAll(async () => {
    result = await runExample(join(ROOT, '__tests__/e2e/workflows/matrix-under-act.yml'), {
      timeoutMs: 120_000
    })
    keepLog('matrix', result)
  })

  it('with fail-fast: true, the slow leg runs to its end after the quick one failed', () => {
    expect(result.timedOut).toBe(false)
    const lines = result.log.split('\n')
    const failed = lines.findIndex(line => line.endsWith('fail-fast leg quick fails'))
    const finished = lines.findIndex(line => line.endsWith('fail-fast leg slow ran to its end'))
    expect({ failed: failed >= 0, finished: finished >= 0 }).toEqual({ failed: true, finished: true })
    expect(finished).toBeGreaterThan(failed)
  })

  it('each leg sets an output name of its own, yet the first to finish fixes them all: the slow one is lost', () => {
    expect(result.log).toContain('outputs leg slow set its digest')
    expect(printed(result.log, 'show', 'quick')).toEqual(['sha256:quick'])
    expect(printed(result.log, 'show', 'slow')).toEqual([''])
  })
})
