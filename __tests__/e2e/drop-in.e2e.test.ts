import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildWith, expectClean, failure, fixture, run, stack } from '../support/e2e'
import { ActionRun, leakedLines } from '../support/run-action'
import { parseRunnerOutput } from '../support/runner-commands'
import { dockerText, gitLogEntries, gitShow, logOffset, logSince, Registry } from '../support/stack'

// Drop-in for docker/build-push-action on the real stack: what a workflow moved over from it relies on.
//   a. context `{{defaultContext}}:subdir` builds the workflow's commit from the workflow's Git server (the stack's
//      read-only smart-HTTP server on 127.0.0.1, stack/git-server.mjs);
//   b. a multi-line PEM key in `secrets` (CSV-quoted over several lines) reaches RUN --mount=type=secret byte for
//      byte and nothing pushed or logged;
//   c. Dockerfile build-check warnings become ::warning annotations at the Dockerfile's line;
//   d. `network: host` works without an `allow` input.
// Each shows necessity where there is one: the same build without the part under test fails (or lacks the result).

jest.setTimeout(900_000)

const registry = new Registry(stack.STACK_PUSH_REGISTRY)
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const ARCH: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' }

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY']
/** The step environment without proxy variables: every request of these builds goes straight to loopback. */
const NO_PROXY_ENV = Object.fromEntries(
  PROXY_VARIABLES.flatMap(name => [
    [name, ''],
    [name.toLowerCase(), '']
  ])
)

/** Everything a run printed: the action's lines and the buildx output it relays. */
const output = (result: ActionRun) => `${result.main.stdout}\n${result.main.stderr}`
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** What a successful run must look like; on failure the diff shows the action's error lines. */
const succeeded = (result: ActionRun) => ({ code: result.main.code, error: failure(result) })
const SUCCESS = { code: 0, error: '' }

/** Runs the action once (unique builder, no retries), checks that the builder is gone, removes the run's files. */
async function attempt(
  name: string,
  inputs: Record<string, string>,
  env: Record<string, string> = NO_PROXY_ENV,
  inspect?: (builder: string, result: ActionRun) => void
): Promise<ActionRun> {
  const { builder, result } = await buildWith(
    name,
    { retries: '0', ...inputs },
    { env, skipPost: inspect !== undefined }
  )
  try {
    if (inspect) {
      inspect(builder, result)
      result.post = await result.runPost()
    }
    expectClean(builder)
    expect(result.post.code).toBe(0)
  } finally {
    rmSync(result.dir, { recursive: true, force: true })
  }
  expect(existsSync(result.dir)).toBe(false)
  return result
}

/** The tag is one index with exactly linux/amd64 and linux/arm64; each platform's content of `path`. */
async function pushedFiles(repository: string, path: string): Promise<Record<string, string | undefined>> {
  const { platforms } = await registry.platformManifests(repository, '1')
  expect(Object.keys(platforms).sort()).toEqual(PLATFORMS)
  const files: Record<string, string | undefined> = {}
  for (const platform of PLATFORMS)
    files[platform] = await registry.readFile(repository, platforms[platform].digest, path)
  return files
}

describe('a: {{defaultContext}} builds the workflow commit from the workflow Git server', () => {
  const repository = stack.STACK_GIT_REPOSITORY
  const gitPath = `/${repository}.git`
  /** The variables a runner sets for a workflow of that repository on that server. */
  const runnerEnv = {
    ...NO_PROXY_ENV,
    GITHUB_SERVER_URL: stack.STACK_GIT_SERVER,
    GITHUB_REPOSITORY: repository,
    GITHUB_SHA: stack.STACK_GIT_SHA,
    GITHUB_REF: stack.STACK_GIT_REF
  }

  it('a1: `{{defaultContext}}:app` builds app/ at GITHUB_SHA on both platforms; the repository root is another build', async () => {
    const want = gitShow(stack, stack.STACK_GIT_SHA, `${stack.STACK_GIT_SUBDIR}/payload.txt`)
    const tip = gitShow(stack, stack.STACK_GIT_REF_SHA, `${stack.STACK_GIT_SUBDIR}/payload.txt`)
    // GITHUB_SHA is not the branch tip (a re-run after the branch moved on): only a build of the commit gives `want`.
    expect(want).not.toBe(tip)
    const token = `ghs_${randomBytes(18).toString('hex')}`

    // Necessity of ":app": the repository root holds a Dockerfile that fails on purpose, with its own message, so
    // this also shows the context came from the Git server and not from the workspace.
    const rootRepository = `e2e/dropin-git-root-${run}`
    const root = await attempt(
      'git-root',
      {
        context: '{{defaultContext}}',
        tags: `${stack.STACK_PUSH_REGISTRY}/${rootRepository}:1`,
        platforms: PLATFORMS.join(',')
      },
      runnerEnv
    )
    expect(root.main.code).toBe(1)
    expect(output(root)).toContain('built from the repository root instead of app/')
    expect(await registry.hasTag(rootRepository, '1')).toBe(false)

    const imageRepository = `e2e/dropin-git-${run}`
    const logAt = logOffset(stack.STACK_GIT_LOG)
    const sub = await attempt(
      'git-subdir',
      {
        context: `{{defaultContext}}:${stack.STACK_GIT_SUBDIR}`,
        tags: `${stack.STACK_PUSH_REGISTRY}/${imageRepository}:1`,
        platforms: PLATFORMS.join(','),
        'github-token': token
      },
      runnerEnv
    )
    expect(succeeded(sub)).toEqual(SUCCESS)
    expect(await pushedFiles(imageRepository, 'drop-in/payload.txt')).toEqual({
      'linux/amd64': want,
      'linux/arm64': want
    })
    const arch = await pushedFiles(imageRepository, 'drop-in/arch')
    for (const platform of PLATFORMS) expect(arch[platform]?.trim()).toBe(ARCH[platform])

    // The Git server saw the fetch: the smart-HTTP ref advertisement and at least one upload-pack POST, from loopback.
    const requests = gitLogEntries(logSince(stack.STACK_GIT_LOG, logAt)).filter(entry =>
      entry.path.startsWith(`${gitPath}/`)
    )
    expect(requests).toContainEqual(
      expect.objectContaining({
        method: 'GET',
        path: `${gitPath}/info/refs`,
        service: 'git-upload-pack',
        status: 200
      })
    )
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'POST', path: `${gitPath}/git-upload-pack`, status: 200 })
    )
    expect(requests.every(entry => entry.source.startsWith('127.0.0.1:') && entry.status === 200)).toBe(true)

    // github-token: BuildKit sends a GIT_AUTH_TOKEN.<host:port> secret as HTTP Basic, user x-access-token. Asserted
    // only when it is sent; what was seen is printed either way.
    const authorized = requests.filter(entry => entry.auth !== null)
    console.info(
      `a1: ${requests.length} Git server requests, ${authorized.length} with an Authorization header: ` +
        JSON.stringify(authorized.map(entry => entry.auth))
    )
    for (const entry of authorized)
      expect(entry.auth).toEqual({ scheme: 'basic', user: 'x-access-token', passwordSha256: sha256(token) })
    // The token itself is in no line of the job log but the mask command.
    expect(leakedLines(sub, [token])).toEqual([])
  })

  it('a2: a Git server on loopback alone gives the builder host networking (FROM scratch, local output)', async () => {
    const scratch = stack.STACK_GIT_SCRATCH_SUBDIR
    const want = gitShow(stack, stack.STACK_GIT_SHA, `${scratch}/payload.txt`)
    // No mirror, no registry, no proxy: the Git server is the only loopback address the builder has to reach.
    const inputs = (dest: string) => ({
      context: `{{defaultContext}}:${scratch}`,
      'registry-mirrors': '',
      push: 'false',
      outputs: `type=local,dest=${dest}`,
      platforms: PLATFORMS.join(',')
    })
    const dir = mkdtempSync(join(tmpdir(), 'dropin-scratch-'))
    try {
      // Necessity of host networking: the same build in a builder without a network fails at the Git fetch.
      const isolated = await attempt(
        'git-nonet',
        { ...inputs(join(dir, 'none')), 'driver-opts': 'network=none' },
        runnerEnv
      )
      expect(isolated.main.code).toBe(1)
      expect(output(isolated)).toMatch(/127\.0\.0\.1(:| port )\d+[^\n]*(Connection refused|Couldn't connect)/)
      expect(existsSync(join(dir, 'none', 'linux_amd64', 'drop-in', 'payload.txt'))).toBe(false)

      let networkMode = ''
      const chosen = await attempt('git-hostnet', inputs(join(dir, 'out')), runnerEnv, builder => {
        networkMode = dockerText([
          'inspect',
          '--format',
          '{{.HostConfig.NetworkMode}}',
          `buildx_buildkit_${builder}0`
        ]).trim()
      })
      expect(succeeded(chosen)).toEqual(SUCCESS)
      expect(networkMode).toBe('host')
      for (const platform of PLATFORMS)
        expect(
          readFileSync(join(dir, 'out', platform.replace('/', '_'), 'drop-in', 'payload.txt'), 'utf8')
        ).toBe(want)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(existsSync(dir)).toBe(false)
  })
})

describe('b: a multi-line PEM key in `secrets`', () => {
  // A fresh RSA key each run, as PKCS#8 PEM (about 28 lines). The value between the CSV quotes is the PEM without
  // its last newline, so that is what RUN must see.
  const pem = execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], {
    encoding: 'utf8',
    timeout: 60_000
  }).trimEnd()
  const pemLines = pem.split('\n')
  const other = `plain-${run}-${randomBytes(6).toString('hex')}`
  const repository = `e2e/dropin-pem-${run}`
  // As build-push-action users write it: `secrets: |` with the key CSV-quoted over several lines, then another entry.
  const secrets = `"KEY=${pem}"\nOTHER=${other}\n`
  let result: ActionRun

  beforeAll(async () => {
    expect(pemLines.length).toBeGreaterThan(20)
    expect(pemLines[0]).toBe('-----BEGIN PRIVATE KEY-----')
    result = await attempt('pem', {
      context: fixture('pem-secret'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: PLATFORMS.join(','),
      secrets,
      provenance: 'mode=max',
      'no-cache': 'true'
    })
  })

  it('b1: reaches RUN --mount=type=secret byte for byte on both platforms; without it the RUN step fails', async () => {
    expect(succeeded(result)).toEqual(SUCCESS)
    const digests = await pushedFiles(repository, 'drop-in/key.sha256')
    expect(Object.fromEntries(Object.entries(digests).map(([p, d]) => [p, d?.trim()]))).toEqual({
      'linux/amd64': sha256(pem),
      'linux/arm64': sha256(pem)
    })
    const others = await pushedFiles(repository, 'drop-in/other.sha256')
    for (const platform of PLATFORMS) expect(others[platform]?.trim()).toBe(sha256(other))

    // Necessity: the RUN step requires the secret, so the build fails without the KEY entry.
    const withoutRepository = `e2e/dropin-pem-none-${run}`
    const without = await attempt('pem-none', {
      context: fixture('pem-secret'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${withoutRepository}:1`,
      platforms: PLATFORMS.join(','),
      secrets: `OTHER=${other}`,
      'no-cache': 'true'
    })
    expect(without.main.code).toBe(1)
    expect(output(without)).toContain('secret KEY: not found')
    expect(await registry.hasTag(withoutRepository, '1')).toBe(false)
  })

  it('b2: neither the key nor any of its lines is in a pushed blob (layers, configs, attestations)', async () => {
    const blobs = await registry.everyBlobText(repository, '1')
    expect(blobs.some(text => text.includes('https://slsa.dev/provenance'))).toBe(true)
    expect(blobs.filter(text => pemLines.some(line => text.includes(line)))).toEqual([])
    expect(blobs.filter(text => text.includes(other))).toEqual([])
  })

  it('b3: neither the key nor any of its lines is in the job log, outputs or summary (but ::add-mask::)', () => {
    expect(leakedLines(result, [...pemLines, other])).toEqual([])
  })
})

describe('c: Dockerfile build checks become annotations', () => {
  const dockerfile = '__tests__/e2e/fixtures/build-check-warning/Dockerfile'
  /** The warning commands the runner acts on (its own parser, emulated: stop-commands blocks are plain text). */
  const fileWarnings = (result: ActionRun) =>
    parseRunnerOutput(result.main.stdout).commands.filter(
      command => command.name === 'warning' && command.properties.file !== undefined
    )
  const inputs = (name: string) => ({
    context: fixture('build-check-warning'),
    tags: `${stack.STACK_PUSH_REGISTRY}/e2e/dropin-check-${name}-${run}:1`,
    platforms: PLATFORMS.join(',')
  })

  it('c1: FromAsCasing gives ::warning file=<Dockerfile from the workspace>,line=2; DOCKER_BUILD_CHECKS_ANNOTATIONS=false none', async () => {
    const annotated = await attempt('check-on', inputs('on'))
    expect(succeeded(annotated)).toEqual(SUCCESS)
    const warnings = fileWarnings(annotated)
    expect(warnings).toEqual([
      expect.objectContaining({
        properties: expect.objectContaining({ file: dockerfile, line: '2' }),
        data: expect.stringContaining('FromAsCasing')
      })
    ])

    // Necessity of the setting: the same build with DOCKER_BUILD_CHECKS_ANNOTATIONS=false annotates nothing.
    const quiet = await attempt('check-off', inputs('off'), {
      ...NO_PROXY_ENV,
      DOCKER_BUILD_CHECKS_ANNOTATIONS: 'false'
    })
    expect(succeeded(quiet)).toEqual(SUCCESS)
    expect(fileWarnings(quiet)).toEqual([])
  })
})

describe('d: `network: host` without an `allow` input', () => {
  const requests: { path: string; client: string }[] = []
  let server: Server
  let port = 0
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push({ path: request.url ?? '', client: request.socket.remoteAddress ?? '' })
      response.end(`fetched ${request.url}\n`)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
  })
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve))
  })

  it('d1: a RUN step reaches a server on 127.0.0.1 with `network: host` and not without it', async () => {
    const path = `/dropin-${run}`
    const repository = `e2e/dropin-nethost-${run}`
    const inputs = {
      context: fixture('proxy-only-run'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: PLATFORMS.join(','),
      'build-args': `FETCH_URL=http://127.0.0.1:${port}${path}`,
      'no-cache': 'true',
      // BuildKit runs RUN steps in the builder's own network namespace unless a CNI network is configured (and
      // this builder has the host's, for the loopback mirror): the stack image's opt-in CNI network gives each RUN
      // step a namespace of its own, as a bridge network would, so 127.0.0.1 there is not the runner's.
      'buildkitd-config-inline': [
        '[worker.oci]',
        'networkMode = "cni"',
        'cniConfigPath = "/etc/buildkit/cni-isolated.conflist"',
        'cniBinaryPath = "/opt/cni/bin"'
      ].join('\n')
    }

    const without = await attempt('nethost-off', inputs)
    expect(without.main.code).toBe(1)
    expect(output(without)).toMatch(/wget: can't connect to remote host \(127\.0\.0\.1\): Connection refused/)
    expect(requests).toEqual([])
    expect(await registry.hasTag(repository, '1')).toBe(false)

    const withHost = await attempt('nethost-on', { ...inputs, network: 'host' })
    expect(succeeded(withHost)).toEqual(SUCCESS)
    expect(requests).toEqual([
      { path, client: '127.0.0.1' },
      { path, client: '127.0.0.1' }
    ])
    expect(await pushedFiles(repository, 'fetched')).toEqual({
      'linux/amd64': `fetched ${path}\n`,
      'linux/arm64': `fetched ${path}\n`
    })
  })
  it('d2: `allow: security.insecure` grants RUN --security=insecure on the builder the action makes', async () => {
    // setup-buildx-action's default builder allows it (buildkitd-flags --allow-insecure-entitlement security.insecure
    // and network.host); a workflow moved over keeps `allow: security.insecure` and expects the same.
    const repository = `e2e/dropin-insecure-${run}`
    const inputs = {
      context: fixture('insecure-run'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: PLATFORMS.join(','),
      'no-cache': 'true'
    }
    // Necessity: without the input BuildKit refuses the step.
    const without = await attempt('insecure-off', inputs)
    expect(without.main.code).toBe(1)
    expect(output(without)).toMatch(/security\.insecure is not allowed/)
    expect(await registry.hasTag(repository, '1')).toBe(false)

    const allowed = await attempt('insecure-on', { ...inputs, allow: 'security.insecure' })
    expect(succeeded(allowed)).toEqual(SUCCESS)
    // The step ran privileged: CAP_SYS_ADMIN (bit 21) is among its effective capabilities, on both platforms.
    const capeff = await pushedFiles(repository, 'capeff')
    for (const platform of PLATFORMS) {
      const mask = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)/.exec(capeff[platform] ?? '')?.[1] ?? '0'}`)
      expect({ platform, sysAdmin: (mask >> 21n) & 1n }).toEqual({ platform, sysAdmin: 1n })
    }
  })
})
