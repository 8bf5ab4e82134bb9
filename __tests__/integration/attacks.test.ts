import {
  existsSync,
  readFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeDocker } from '../support/fake-docker'
import { parse } from 'yaml'
import { ActionRun, leakedLines, ROOT, runAction, runPostOnly } from '../support/run-action'
import { GITHUB_COMMANDS, maskedLog, parseRunnerOutput } from '../support/runner-commands'
import { interceptingProxy, selfSignedCertificate, tokenRegistry } from '../support/tls-servers'
import { listenOnLoopback } from '../support/loopback-server'

/**
 * Attacks on the bundle, run as the runner runs it (INPUT_*, files, state, post) against a recording fake
 * docker. Every value an attacker controls (a branch, tag or PR title in an input, a RUN step's output, a
 * state file) tries to make the runner execute a workflow command, make post run or delete something main
 * would not, leak a credential, or read a file outside the workspace. The pass condition of each is read the
 * way the runner reads output (support/runner-commands.ts, GitHub's runner and act).
 */

// Each attack starts the bundle (and post) as the runner would: seconds each on a busy machine.
jest.setTimeout(60_000)

const MARK = 'PWNED'
/** Ways to smuggle a workflow command into a line of the log. */
const PAYLOADS: Record<string, string> = {
  newline: `v\n::set-output name=${MARK}::1`,
  'bare CR': `v\r::save-state name=saved::{"builder":"${MARK}"}`,
  'legacy form mid-line': `v ##[set-env name=${MARK};]1`,
  'leading spaces': `  ::add-path::/${MARK}`,
  'line separator': `v\u2028::error::${MARK}`,
  'annotation with properties': `v\n::warning file=${MARK},line=1::x`,
  'zero-width space between the colons': `v\n:\u200b:set-output name=${MARK}::1`,
  'zero-width space in the legacy prefix': `v #\u200b#[set-output name=${MARK};]1`,
  'NEL before the colons': `\u0085::set-output name=${MARK}::1`
}
/** Inputs whose values reach an echoed command line, the TOML or a table; each gets every payload. */
const VALUE_INPUTS: Record<string, (payload: string) => string> = {
  labels: p => `org.label=${p}`,
  'build-args': p => `TITLE=${p}`,
  annotations: p => `index:org.opencontainers.image.title=${p}`,
  'cache-from': p => `type=registry,ref=r.example/c:${p}`,
  'cache-to': p => `type=inline,x=${p}`,
  target: p => p,
  file: p => `Dockerfile${p}`,
  'add-hosts': p => `h${p}:127.0.0.1`,
  outputs: p => `type=registry,name=r.example/app:${p}`,
  'buildkitd-config-inline': p => `[worker.oci]\ngc = true\n[dns]\nnameservers = [${JSON.stringify(p)}]`,
  'driver-opts': p => `env.TITLE=${p}`,
  network: p => p
}
const BASE = { tags: 'r.example/app:1', platforms: 'linux/amd64,linux/arm64', 'mirror-check': 'off' }
/** What main writes to GITHUB_STATE and GITHUB_OUTPUT: nothing else may appear there. */
const STATE_KEYS = ['isPost', 'saved']
const OUTPUT_KEYS = Object.keys(
  (parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { outputs: Record<string, unknown> }).outputs
)

/**
 * Workflow commands the runner (or act) would run from this run's output that the action did not mean: any
 * command the runner knows other than the ones the action writes, an annotation whose text starts with the
 * attacker's mark (ours only ever quote a refused value inside a sentence), or a mark in a command's properties.
 */
function injected(run: {
  main: { stdout: string; stderr: string }
  post?: { stdout: string; stderr: string }
}) {
  const streams = [run.main.stdout, run.main.stderr, run.post?.stdout ?? '', run.post?.stderr ?? '']
  const ours = new Set([
    'debug',
    'notice',
    'warning',
    'error',
    'group',
    'endgroup',
    'add-mask',
    'stop-commands'
  ])
  return streams.flatMap(text =>
    (['github', 'act'] as const).flatMap(flavour =>
      parseRunnerOutput(text, { flavour })
        .commands.filter(
          command =>
            (GITHUB_COMMANDS.includes(command.name) && !ours.has(command.name)) ||
            command.data.startsWith(MARK) ||
            JSON.stringify(command.properties).includes(MARK)
        )
        .map(command => `${flavour}: ${command.name} ${JSON.stringify(command.data)}`)
    )
  )
}

function expectNoInjection(run: ActionRun): void {
  expect(injected(run)).toEqual([])
  expect(Object.keys(run.state).filter(key => !STATE_KEYS.includes(key))).toEqual([])
  expect(Object.keys(run.outputs).filter(key => !OUTPUT_KEYS.includes(key))).toEqual([])
  expect(run.summary).not.toMatch(/<(img|script|a|iframe)\b/i)
}

const valueRows = Object.entries(VALUE_INPUTS).flatMap(([input, shape]) =>
  Object.entries(PAYLOADS).map(([payload, text]) => [input, payload, shape(text)] as const)
)

describe('workflow commands in input values', () => {
  it.concurrent.each(valueRows)(
    '%s with a command after a %s never runs it',
    async (input, _payload, value) => {
      const docker = fakeDocker()
      const run = await runAction({ inputs: { ...BASE, [input]: value }, env: docker.env() })
      expectNoInjection(run)
      // Either the value is refused, naming its input, or the build ran with it as one argument.
      if (run.main.code !== 0) expect(run.main.stdout).toContain(`Input "${input}"`)
    }
  )
})

describe('workflow commands in what docker prints', () => {
  const lines = Object.values(PAYLOADS).join('\n')
  it.concurrent.each([
    ['build', 'stdout'],
    ['build', 'stderr'],
    ['create', 'stdout'],
    ['create', 'stderr'],
    ['rm', 'stdout']
  ])('buildx %s printing commands on %s is relayed inert', async (command, stream) => {
    const docker = fakeDocker()
    const print = { [command]: { [stream]: `#7 [2/2] RUN echo\n${lines}\n#7 DONE 0.1s\n` } }
    const run = await runAction({
      inputs: BASE,
      env: docker.env({ FAKE_DOCKER_PRINT: JSON.stringify(print) })
    })
    expect(run.main.code).toBe(0)
    expectNoInjection(run)
    // The lines are still in the log for a reader.
    expect(run.main.stdout + run.post.stdout).toContain(`::set-output name=${MARK}::1`)
  })

  it.concurrent(
    'a build printing a guessed stop token, a nested stop and a line without end stays inert',
    async () => {
      const docker = fakeDocker()
      const text = [
        '::stop-commands::attacker',
        `::attacker::`,
        `::set-output name=${MARK}::1`,
        '::00000000000000000000000000000000::',
        `::error::${MARK}`,
        `no newline at the end ::warning::${MARK}`
      ].join('\n')
      const run = await runAction({
        inputs: BASE,
        env: docker.env({ FAKE_DOCKER_PRINT: JSON.stringify({ build: { stdout: text, stderr: text } }) })
      })
      expect(run.main.code).toBe(0)
      expectNoInjection(run)
    }
  )

  it.concurrent('a failing build whose error text holds commands fails with them inert', async () => {
    const docker = fakeDocker()
    const text = `ERROR: failed to solve: ${PAYLOADS['legacy form mid-line']}\nERROR: ${PAYLOADS.newline}\n`
    const run = await runAction({
      inputs: BASE,
      env: docker.env({
        FAKE_DOCKER_FAIL: 'build',
        FAKE_DOCKER_PRINT: JSON.stringify({ build: { stderr: text } })
      })
    })
    expect(run.main.code).toBe(1)
    expectNoInjection(run)
  })
})

describe('post trusts only what it can check', () => {
  const victim = () => {
    const dir = mkdtempSync(join(tmpdir(), 'victim-'))
    writeFileSync(join(dir, 'keep'), 'x')
    return dir
  }
  const saved = (state: Record<string, unknown>) => ({
    isPost: 'true',
    saved: JSON.stringify({
      builder: 'b1',
      workDir: '/nonexistent',
      cleanup: true,
      keepState: false,
      ...state
    })
  })
  it.concurrent.each([
    ['stored argv of a privileged container', { removeArgs: ['run', '--privileged', '-v', '/:/host', 'x'] }],
    ['a builder name that is an option', { builder: '--help' }],
    ['a builder name with a shell payload', { builder: 'b;rm -rf /' }],
    ['a builder name with a newline', { builder: 'b\n::set-output name=PWNED::1' }],
    ['cleanup as a string', { cleanup: 'yes' }]
  ])('%s runs no docker command but a checked removal', async (_name, state) => {
    const docker = fakeDocker()
    const run = await runPostOnly({ state: saved(state), env: docker.env() })
    expect(injected({ main: run })).toEqual([])
    for (const call of docker.calls()) {
      expect(call.argv.slice(0, 3)).toEqual(['buildx', 'rm', '--'])
      expect(call.argv.at(-1)).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)
    }
  })

  it.concurrent.each([
    ['a folder outside RUNNER_TEMP', (dir: string) => dir],
    ['RUNNER_TEMP itself', () => '__RUNNER_TEMP__'],
    ['a path that climbs out of RUNNER_TEMP', (dir: string) => `__RUNNER_TEMP__/../../${dir}`],
    ['a folder of another name in RUNNER_TEMP', () => '__RUNNER_TEMP__/other']
  ])('deletes nothing when the work dir is %s', async (_name, where) => {
    const docker = fakeDocker()
    const target = victim()
    const dir = mkdtempSync(join(tmpdir(), 'action-post-'))
    const runnerTemp = join(dir, 'runner-temp')
    const workDir = where(target).replace('__RUNNER_TEMP__', runnerTemp)
    mkdirSync(join(runnerTemp, 'other'), { recursive: true })
    const run = await runPostOnly({ dir, state: saved({ workDir }), env: docker.env() })
    expect(run.code).toBe(0)
    expect(existsSync(join(target, 'keep'))).toBe(true)
    expect(existsSync(runnerTemp)).toBe(true)
    expect(existsSync(join(runnerTemp, 'other'))).toBe(true)
  })

  it.concurrent('deletes nothing through a work dir that is a symlink to elsewhere', async () => {
    const docker = fakeDocker()
    const target = victim()
    const dir = mkdtempSync(join(tmpdir(), 'action-post-'))
    const runnerTemp = join(dir, 'runner-temp')
    mkdirSync(runnerTemp)
    const link = join(runnerTemp, 'multi-platform-build-0123456789ab')
    symlinkSync(target, link)
    const run = await runPostOnly({ dir, state: saved({ workDir: link }), env: docker.env() })
    expect(run.code).toBe(0)
    expect(existsSync(join(target, 'keep'))).toBe(true)
  })

  it.concurrent('leaves a buildx link alone that points outside the tool cache', async () => {
    const docker = fakeDocker()
    const config = mkdtempSync(join(tmpdir(), 'docker-config-'))
    mkdirSync(join(config, 'cli-plugins'))
    const plugin = join(config, 'cli-plugins/docker-buildx')
    symlinkSync('/usr/bin/true', plugin)
    const run = await runPostOnly({
      state: saved({ buildxPlugin: { path: plugin, dir: '/usr/bin' } }),
      env: docker.env({ DOCKER_CONFIG: config, RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'tools-')) })
    })
    expect(run.code).toBe(0)
    expect(existsSync(plugin)).toBe(true)
  })

  it.concurrent('warns and does nothing on a state that is not JSON', async () => {
    const docker = fakeDocker()
    const run = await runPostOnly({ state: { isPost: 'true', saved: 'not json' }, env: docker.env() })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('::warning::Nothing cleaned up')
    expect(docker.calls()).toEqual([])
  })
})

describe('credentials', () => {
  const token = 'ghs_Sup3rS3cretT0ken'
  it.concurrent.each([
    ['gitlab.com', 'https://gitlab.com/o/r.git', undefined],
    ['an attacker host', 'https://evil.example/o/r.git', undefined],
    ['a host hidden behind user info', `https://github.com@evil.example/o/r.git`, undefined],
    ['the same host on another port', 'https://github.com:8443/o/r.git', undefined],
    ['an scp-style address elsewhere', 'git@evil.example:o/r.git', undefined]
  ])('github-token is never offered to %s', async (_name, context) => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: { ...BASE, context, 'github-token': token }, env: docker.env() })
    expect(run.main.code).toBe(0)
    const build = docker.calls().find(call => call.argv[1] === 'build')
    expect(build?.argv.join(' ')).not.toContain('GIT_AUTH_TOKEN')
  })

  // A run of o/r on a Git server with a port: {{defaultContext}} is http://127.0.0.1:3000/o/r.git#<sha>.
  const RUN = {
    GITHUB_SERVER_URL: 'http://127.0.0.1:3000',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_SHA: 'c'.repeat(40)
  }

  it.concurrent('github-token goes to the workflow server with its port, by environment only', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...BASE, context: '{{defaultContext}}', 'github-token': token },
      env: docker.env(RUN)
    })
    expect(run.main.code).toBe(0)
    const build = docker.calls().find(call => call.argv[1] === 'build')
    expect(build?.argv).toContain('id=GIT_AUTH_TOKEN.127.0.0.1:3000,env=MPB_GIT_AUTH_TOKEN')
    expect(build?.argv.join(' ')).not.toContain(token)
  })

  it.concurrent.each([
    // Its Dockerfile could read the token with RUN --mount=type=secret,id=GIT_AUTH_TOKEN.127.0.0.1:3000.
    [
      'another repository on the workflow server',
      { context: 'http://127.0.0.1:3000/attacker/x.git#main' },
      []
    ],
    [
      "the user's own GIT_AUTH_TOKEN (BuildKit would try the job token first)",
      { context: '{{defaultContext}}', secrets: 'GIT_AUTH_TOKEN=ghp_UserPat' },
      ['MPB_BUILD_SECRET_0: ghp_UserPat']
    ]
  ])('github-token reaches no build it is not for: %s', async (_name, inputs, printed) => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...BASE, ...inputs, 'github-token': token },
      env: docker.env({ ...RUN, FAKE_DOCKER_PRINT_SECRETS: '1' })
    })
    expect(run.main.code).toBe(0)
    const build = docker.calls().find(call => call.argv[1] === 'build')
    expect(build?.argv.filter(arg => arg.includes('GIT_AUTH_TOKEN.'))).toEqual([])
    // The fake build prints every secret it was given, as a RUN step could read it.
    const secrets = run.main.stdout.split('\n').filter(line => line.startsWith('#9 MPB_'))
    expect(secrets.map(line => line.slice('#9 '.length))).toEqual(printed)
  })

  it.concurrent.each([
    ['registry-mirrors', 'https://user:S3cretPw@mirror.example/x y'],
    ['registry-mirrors', 'ftp://user:S3cretPw@mirror.example'],
    ['insecure-registries', 'http://user:S3cretPw@registry.example:5000/path'],
    ['insecure-registries', 'user:S3cretPw@registry.example:5000'],
    ['registry-mirrors', 'user:S3cretPw@mirror.example'],
    ['http-proxy', 'http://user:S3cretPw@proxy.example:3128/path'],
    ['https-proxy', 'ftp://user:S3cretPw@proxy.example:3128'],
    ['buildx-download-url', 'https://user:S3cretPw@dl.example/{bad}'],
    ['context', '--file=https://user:S3cretPw@evil.example/x']
  ])('a password in a refused %s is never printed', async (input, value) => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: { ...BASE, [input]: value }, env: docker.env() })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(`Input "${input}"`)
    const shown = (run.main.stdout + run.main.stderr)
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
    expect(shown.filter(line => line.includes('S3cretPw'))).toEqual([])
  })

  it.concurrent('a Git context with a token in its URL shows it masked in every echoed line', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...BASE, context: 'https://x-access-token:S3cretPw@github.com/o/r.git' },
      env: docker.env({ RUNNER_DEBUG: '1' })
    })
    expect(run.main.code).toBe(0)
    const shown = run.main.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
    expect(shown.filter(line => line.includes('S3cretPw'))).toEqual([])
    expect(parseRunnerOutput(run.main.stdout).masks).toContain('S3cretPw')
  })

  it.concurrent.each([
    ['a lone CR', 'first-Part1\rsecond-Part2'],
    ['CRLF', 'first-Part1\r\nsecond-Part2'],
    ['a PEM-like LF', 'first-Part1\nsecond-Part2']
  ])('a secret split by %s is masked in every part when a RUN step prints it', async (_name, value) => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...BASE, secrets: `KEY="${value}"` },
      env: docker.env({ FAKE_DOCKER_PRINT_SECRETS: '1' })
    })
    const { masks } = parseRunnerOutput(run.main.stdout)
    const log = maskedLog(run.main.stdout + run.main.stderr, masks)
    expect(log).not.toContain('first-Part1')
    expect(log).not.toContain('second-Part2')
  })
})

describe('secret-bearing input that does not parse', () => {
  const PASSWORD = 'Hunter2-q7Zx9LmW'
  /** Every 5-character piece of the password: no part of it may reach a stream. */
  const pieces = Array.from({ length: PASSWORD.length - 4 }, (_, i) => PASSWORD.slice(i, i + 5))
  /** The registry is a closed loopback port: a login the old code let through fails fast, offline. */
  const entry = (password: string) => `- registry: 127.0.0.1:9\n  username: ci\n  password: ${password}\n`
  /** Masks the runner was given (both runners' parsers) that would hide text other than a secret. */
  const shortMasks = (run: ActionRun) =>
    (['github', 'act'] as const).flatMap(flavour =>
      parseRunnerOutput(run.main.stdout, { flavour }).masks.filter(mask => mask.trim().length < 4)
    )

  it.concurrent.each([
    ['an alias (*)', `*${PASSWORD}`],
    ['an anchor (&)', `&${PASSWORD} rest`],
    ['a tag (!)', `!${PASSWORD} rest`],
    ['a reserved first character (@)', `@${PASSWORD}`],
    ['a bad escape', `"${PASSWORD}\\q"`],
    ['an unclosed quote', `"${PASSWORD}`]
  ])(
    'a registry-auth password written as %s is refused by line and column, no part of it shown',
    async (_name, password) => {
      const docker = fakeDocker()
      const run = await runAction({
        inputs: { ...BASE, 'registry-auth': entry(password) },
        env: docker.env()
      })
      expect(run.main.code).toBe(1)
      expect(run.main.stdout).toMatch(/::error::Input "registry-auth": .*at line \d+, column \d+/)
      expect(leakedLines(run, pieces)).toEqual([])
      expect(shortMasks(run)).toEqual([])
      expect(docker.calls()).toEqual([])
    }
  )

  it.concurrent.each([
    ['100,000 "[" deep', '['.repeat(100_000), 'is longer than'],
    ['15,000 "- " deep', '- '.repeat(15_000), 'nests deeper than 16 levels'],
    ['larger than the input takes', entry(`${PASSWORD}${'x'.repeat(40_000)}`), 'is longer than']
  ])('a registry-auth %s is refused naming the input, not a crash', async (_name, text, reason) => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: { ...BASE, 'registry-auth': text }, env: docker.env() })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(`::error::Input "registry-auth": ${reason}`)
    expect(leakedLines(run, pieces)).toEqual([])
    expect(docker.calls()).toEqual([])
  })

  // A base64 secret not quoted whole: `secrets: key=${{ secrets.B64 }}` with a value that spans lines.
  const FIRST = 'Zm9vYmFyYmF6cXV4Zm9vYmFy'
  const LAST = 'YmFzZTY0cGFkZGVkVmFsdWU'
  const lastPieces = Array.from({ length: LAST.length - 4 }, (_, i) => LAST.slice(i, i + 5))

  it.concurrent(
    'a secret line ending in "==" is refused, never made an id, and "=" is never a mask',
    async () => {
      const docker = fakeDocker()
      const run = await runAction({
        inputs: { ...BASE, secrets: `key=${FIRST}\n${LAST}==` },
        env: docker.env({ RUNNER_DEBUG: '1' })
      })
      expect(run.main.code).toBe(1)
      expect(run.main.stdout).toContain(
        '::error::Input "secrets": entry 2 has a value shorter than 4 characters'
      )
      expect(leakedLines(run, lastPieces)).toEqual([])
      expect(shortMasks(run)).toEqual([])
      expect(docker.calls()).toEqual([])
    }
  )

  it.concurrent(
    'a secret line ending in "=" is left out by its entry number, never shown as an id',
    async () => {
      const docker = fakeDocker()
      const run = await runAction({
        inputs: { ...BASE, secrets: `key=${FIRST}\n${LAST}=` },
        env: docker.env({ RUNNER_DEBUG: '1' })
      })
      expect(run.main.code).toBe(0)
      expect(run.main.stdout).toContain('::warning::Input "secrets": entry 2 has an empty value')
      const build = docker.calls().find(call => call.argv[1] === 'build')
      expect(build?.argv.filter(arg => arg.startsWith('id='))).toEqual(['id=key,env=MPB_BUILD_SECRET_0'])
      expect(leakedLines(run, lastPieces)).toEqual([])
      expect(shortMasks(run)).toEqual([])
    }
  )
})

describe('credentials on the wire', () => {
  // Every server is on loopback; registry.example and the other names only exist inside the test's proxy,
  // which tunnels each CONNECT to a server here and answers plain-HTTP requests itself.
  const USER = 'ci-bot'
  const PASSWORD = 'Wire-S3cret#pw'
  const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
  const login = (registry: string) =>
    `- registry: ${registry}\n  username: ${USER}\n  password-env: REGISTRY_PASSWORD\n`
  const warnings = (run: ActionRun) =>
    parseRunnerOutput(run.main.stdout)
      .commands.filter(command => command.name === 'warning')
      .map(command => command.data)

  it.concurrent(
    'an intercepting proxy with a certificate of its own gets no registry-auth password',
    async () => {
      // The interceptor answers for registry.example with a certificate no CA the runner trusts vouches for.
      const interceptor = await tokenRegistry({
        basic: BASIC,
        tls: selfSignedCertificate(['registry.example'])
      })
      const proxy = await interceptingProxy({ tunnelTo: interceptor.port })
      try {
        const docker = fakeDocker()
        const run = await runAction({
          inputs: {
            ...BASE,
            tags: 'registry.example/app:1',
            'https-proxy': `http://127.0.0.1:${proxy.port}`,
            'registry-auth': login('registry.example')
          },
          env: docker.env({ REGISTRY_PASSWORD: PASSWORD })
        })
        expect(interceptor.seen.filter(request => request.authorization !== undefined)).toEqual([])
        expect(warnings(run)).toContainEqual(
          expect.stringContaining('the certificate of registry.example is not trusted')
        )
        expect(leakedLines(run, [PASSWORD, BASIC])).toEqual([])
      } finally {
        await interceptor.close()
        await proxy.close()
      }
    }
  )

  it.concurrent(
    'a registry that names a plain-HTTP token realm elsewhere gets no password sent there',
    async () => {
      const certificate = selfSignedCertificate(['registry.example'])
      const registry = await tokenRegistry({
        basic: BASIC,
        tls: certificate,
        realm: () => 'http://collector.example/token'
      })
      // CONNECT goes to the registry; the plain-HTTP realm request would reach this proxy in the clear.
      const proxy = await interceptingProxy({ tunnelTo: registry.port })
      try {
        const docker = fakeDocker()
        const run = await runAction({
          inputs: {
            ...BASE,
            tags: 'registry.example/app:1',
            'http-proxy': `http://127.0.0.1:${proxy.port}`,
            'https-proxy': `http://127.0.0.1:${proxy.port}`,
            'registry-auth': login('registry.example'),
            'buildkitd-config-inline': `[registry."registry.example"]\nca = [${JSON.stringify(certificate.certPath)}]`
          },
          env: docker.env({ REGISTRY_PASSWORD: PASSWORD })
        })
        expect(proxy.seen.filter(request => request.authorization !== undefined)).toEqual([])
        expect(registry.seen.filter(request => request.authorization !== undefined)).toEqual([])
        expect(warnings(run)).toContainEqual(
          expect.stringContaining('its token realm http://collector.example is plain HTTP')
        )
        expect(leakedLines(run, [PASSWORD, BASIC])).toEqual([])
      } finally {
        await registry.close()
        await proxy.close()
      }
    }
  )

  it.concurrent('an https proxy whose certificate is not trusted gets no proxy password', async () => {
    const upstream = await tokenRegistry({ basic: BASIC })
    const proxy = await interceptingProxy({
      tunnelTo: upstream.port,
      tls: selfSignedCertificate(['proxy.example'])
    })
    try {
      const docker = fakeDocker()
      const run = await runAction({
        inputs: {
          ...BASE,
          'mirror-check': 'warn',
          'registry-mirrors': 'mirror.example',
          'https-proxy': `https://proxy-user:Pr0xy-S3cret@127.0.0.1:${proxy.port}`
        },
        env: docker.env()
      })
      expect(proxy.seen.filter(request => request.proxyAuthorization !== undefined)).toEqual([])
      expect(warnings(run)).toContainEqual(
        expect.stringMatching(
          /^Registry mirror mirror\.example .*proxy: untrusted certificate: \w+\); kept it\.$/
        )
      )
      expect(leakedLines(run, ['Pr0xy-S3cret'])).toEqual([])
    } finally {
      await upstream.close()
      await proxy.close()
    }
  })

  it.concurrent(
    'a password in buildx-download-url goes as a header and is printed nowhere, debug lines included',
    async () => {
      const binary = '#!/bin/sh\necho "github.com/docker/buildx v9.9.9 fake"\n'
      const checksum = createHash('sha256').update(binary).digest('hex')
      const seen: string[] = []
      const server = createServer((request, response) => {
        seen.push(request.headers.authorization ?? '')
        if (request.url === '/v9.9.9/buildx') return void response.end(binary)
        if (request.url === '/v9.9.9/checksums.txt') return void response.end(`${checksum} *buildx\n`)
        response.writeHead(404).end()
      })
      const port = await listenOnLoopback(server)
      try {
        const docker = fakeDocker()
        const run = await runAction({
          inputs: {
            ...BASE,
            'buildx-version': '9.9.9',
            'buildx-download-url': `http://dl-user:Dl-S3cret@127.0.0.1:${port}/{version}/buildx`
          },
          env: docker.env({
            RUNNER_DEBUG: '1',
            DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'docker-config-')),
            RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'tools-')),
            // The runner's buildx cannot create the builder, so the action downloads one.
            FAKE_DOCKER_FAIL: 'create',
            FAKE_DOCKER_PRINT: JSON.stringify({
              create: { stderr: "docker: 'buildx' is not a docker command.\n" }
            })
          })
        })
        const basic = `Basic ${Buffer.from('dl-user:Dl-S3cret').toString('base64')}`
        expect(seen).toEqual([basic, basic])
        expect(leakedLines(run, ['Dl-S3cret', basic.slice(6)])).toEqual([])
      } finally {
        server.closeAllConnections()
        await new Promise(resolve => server.close(resolve))
      }
    }
  )
})

describe('warm builder names', () => {
  it.concurrent(
    'are no password oracle: two runs with proxies differing only in the password give names no guess can be tested against',
    async () => {
      const warmRun = async (password: string, store: string) => {
        const docker = fakeDocker()
        const run = await runAction({
          inputs: {
            ...BASE,
            'warm-builder': 'true',
            'warm-builder-cache': '10GB',
            'https-proxy': `http://user:${password}@proxy.example:3128`
          },
          env: docker.env({ BUILDX_CONFIG: store })
        })
        expect(run.main.code).toBe(0)
        const create = docker.calls().find(call => call.argv[1] === 'create')
        const name = run.outputs.builder
        expect(run.main.stdout).toContain(`Created warm builder ${name}.`)
        expect(create?.argv).toContain(name)
        return { name, create: create as { argv: string[]; config?: string } }
      }
      const stores = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'warm-state-')))
      const runs = { Guess1: await warmRun('Guess1', stores[0]), Other2: await warmRun('Other2', stores[1]) }
      // What an attacker who reads the log can rebuild: the shape, with a password guessed (the config and
      // the create arguments are in the log but for the password; the test takes them from the fake docker).
      const unkeyed = ({ name, create }: (typeof runs)['Guess1'], password: string, guess: string) => {
        const node = create.argv
          .filter(arg => arg !== '--bootstrap')
          .map(arg => (arg === name || arg.endsWith('/buildkitd.toml') ? '' : arg.replace(password, guess)))
        const image = node.find(arg => arg.startsWith('image='))?.slice('image='.length)
        const shape = { configToml: create.config, nodes: [node], buildkitImage: image }
        return [shape, { ...shape, files: [] }].map(
          form => `mpb-warm-${createHash('sha256').update(JSON.stringify(form)).digest('hex').slice(0, 16)}`
        )
      }
      for (const [password, run] of Object.entries(runs)) {
        for (const guess of ['Guess1', 'Other2'])
          expect(unkeyed(run, password, guess)).not.toContain(run.name)
        expect(
          statSync(join(stores[password === 'Guess1' ? 0 : 1], 'multi-platform-build', 'key')).mode & 0o777
        ).toBe(0o600)
      }
      // The same inputs under the other runner's secret: another name, so a name says nothing without it.
      expect((await warmRun('Guess1', stores[1])).name).not.toBe(runs.Guess1.name)
      expect(runs.Other2.name).not.toBe(runs.Guess1.name)
    }
  )
})

describe('files the inputs name', () => {
  const workspace = () => {
    const dir = mkdtempSync(join(tmpdir(), 'workspace-'))
    writeFileSync(join(dir, 'big.toml'), '#'.repeat(2 * 1024 * 1024))
    mkdirSync(join(dir, 'folder'))
    symlinkSync('/etc/hostname', join(dir, 'link.toml'))
    execFileSync('mkfifo', [join(dir, 'fifo.toml')])
    return dir
  }
  it.concurrent.each([
    ['/proc/self/environ', 'outside the workspace'],
    ['../../../../etc/passwd', 'outside the workspace'],
    ['link.toml', 'outside the workspace'],
    ['/dev/zero', 'outside the workspace'],
    ['fifo.toml', 'not a regular file'],
    ['folder', 'not a regular file'],
    ['big.toml', 'larger than']
  ])('buildkitd-config %s is refused (%s) without reading it into the log', async (path, reason) => {
    const docker = fakeDocker()
    const dir = workspace()
    const run = await runAction({
      inputs: { ...BASE, 'buildkitd-config': path },
      env: docker.env({ GITHUB_WORKSPACE: dir, ATTACK_MARKER_IN_ENVIRON: MARK }),
      timeoutMs: 30_000
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain('Input "buildkitd-config"')
    expect(run.main.stdout).toContain(reason)
    expect(run.main.stdout).not.toContain(MARK)
    expect(docker.calls()).toEqual([])
  })

  it.concurrent('makes a new private work dir each run, never one that was there before', async () => {
    const docker = fakeDocker()
    const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
    const runnerTemp = join(dir, 'runner-temp')
    mkdirSync(runnerTemp)
    // What an earlier session of the old naming would have left, world-writable.
    const planted = join(runnerTemp, 'multi-platform-build-ci-builder')
    mkdirSync(planted, { mode: 0o777 })
    const run = await runAction({
      dir,
      inputs: { ...BASE, 'builder-name': 'ci-builder' },
      env: docker.env(),
      skipPost: true
    })
    expect(run.main.code).toBe(0)
    const create = docker.calls().find(call => call.argv[1] === 'create')?.argv ?? []
    const config = create[create.indexOf('--buildkitd-config') + 1]
    expect(config.startsWith(planted)).toBe(false)
    const workDir = join(config, '..')
    expect(statSync(workDir).mode & 0o777).toBe(0o700)
    expect(readdirSync(planted)).toEqual([])
  })
})

describe('values that would become options', () => {
  it.concurrent.each([
    ['context', '--file=/etc/passwd'],
    ['context', '-'],
    ['endpoint', '-H=tcp://evil.example:2375'],
    ['builder', '--help'],
    ['driver-opts', 'image=--privileged'],
    ['driver-opts', 'privileged=true'],
    ['driver-opts', 'no-equals-sign'],
    ['append', '- name: n1\n  endpoint: --tlsverify=false'],
    ['buildkit-image', '-v /:/host']
  ])('%s %j is refused before any docker command', async (input, value) => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: { ...BASE, [input]: value }, env: docker.env() })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(`Input "${input}"`)
    expect(docker.calls()).toEqual([])
  })
})

describe('summary and hostile builder output', () => {
  it.concurrent('renders what buildx reports as text, never as HTML', async () => {
    const docker = fakeDocker()
    const html = '<img src=x onerror=alert(1)>'
    const print = {
      inspect: {
        stdout: `Name: b\n\nNodes:\nName: ${html}\nEndpoint: <script>x</script>\nPlatforms: linux/amd64\n`
      }
    }
    const run = await runAction({
      inputs: BASE,
      env: docker.env({ FAKE_DOCKER_PRINT: JSON.stringify(print) })
    })
    expect(run.main.code).toBe(0)
    expect(run.summary).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expectNoInjection(run)
  })
})

describe('signing inputs and what signing reports', () => {
  const KEYLESS = { ...BASE, sign: 'true', 'sigstore-identity-token': 'eyJhbGciOiJub25lIn0.e30.sig' }
  const signRows = [
    ...Object.entries(PAYLOADS).flatMap(([payload, text]) => [
      ['sigstore-fulcio-url', payload, `https://fulcio.example/${text}`] as const,
      ['sigstore-rekor-url', payload, `https://rekor.example/${text}`] as const
    ]),
    ...Object.entries(PAYLOADS).map(([payload, text]) => ['sign-key', payload, text] as const),
    ['sigstore-fulcio-url', 'an option', '--insecure'] as const,
    ['sigstore-rekor-url', 'another host in user info', 'https://rekor.example@evil.example'] as const
  ]
  it.concurrent.each(signRows)(
    '%s with %s is refused before any docker or cosign call',
    async (input, _, value) => {
      const docker = fakeDocker()
      const run = await runAction({ inputs: { ...KEYLESS, [input]: value }, env: docker.env() })
      expect(run.main.code).toBe(1)
      expect(run.main.stdout).toContain(`Input "${input}"`)
      expect(docker.calls()).toEqual([])
      expectNoInjection(run)
    }
  )

  it.concurrent.each(Object.entries(PAYLOADS))(
    'an identity token whose claims hold a command after a %s: verify-command and summary stay text',
    async (_, text) => {
      const claims = {
        iss: 'https://token.actions.githubusercontent.com',
        job_workflow_ref: `o/r/.github/workflows/x.yml@refs/heads/${text}<img src=x>`
      }
      const token = ['{"alg":"none"}', JSON.stringify(claims), 'sig']
        .map(part => Buffer.from(part).toString('base64url'))
        .join('.')
      const docker = fakeDocker()
      const run = await runAction({
        inputs: { ...KEYLESS, 'sigstore-identity-token': token },
        env: docker.env()
      })
      expect(run.main.code).toBe(0)
      expect(run.outputs.signed).toBe('true')
      // The identity is one single-quoted shell word, whatever it holds.
      expect(run.outputs['verify-command']).toContain(`--certificate-identity 'https://github.com/o/r/`)
      expect(docker.calls().filter(call => call.tool === 'cosign' && call.argv[0] === 'sign')).toHaveLength(1)
      expect(JSON.stringify(docker.calls().map(call => call.argv))).not.toContain(token)
      expect(leakedLines(run, [token])).toEqual([])
      expectNoInjection(run)
    }
  )
})

describe('what other local users and a dead mirror could get', () => {
  const PROXY_PASSWORD = 'Pr0xy-S3cret-9'

  it.concurrent('a proxy password is on no command line (any local user reads those in /proc)', async () => {
    const docker = fakeDocker()
    const proxy = `http://ci:${PROXY_PASSWORD}@proxy.example:3128`
    const run = await runAction({
      inputs: { ...BASE, 'http-proxy': proxy, 'https-proxy': proxy },
      env: docker.env()
    })
    expect(run.main.code).toBe(0)
    expect(docker.calls().filter(call => call.argv.join(' ').includes(PROXY_PASSWORD))).toEqual([])
    // The builder still gets it: buildx's record of the builder carries it to the container.
    expect(docker.bootedWith(run.outputs.builder)?.['env.HTTPS_PROXY']).toBe(proxy)
    expect(leakedLines(run, [PROXY_PASSWORD])).toEqual([])
  })

  it.concurrent(
    'a loopback proxy in the runner environment does not put RUN steps on the host network silently',
    async () => {
      const docker = fakeDocker()
      const run = await runAction({
        inputs: BASE,
        env: docker.env({ https_proxy: `http://ci:${PROXY_PASSWORD}@127.0.0.1:3128` })
      })
      expect(run.main.code).toBe(0)
      const notices = parseRunnerOutput(run.main.stdout).commands.filter(command => command.name === 'notice')
      expect(notices.map(notice => notice.data)).toEqual([
        expect.stringContaining('https_proxy=http://***@127.0.0.1:3128')
      ])
      expect(docker.calls().find(call => call.argv[1] === 'create')?.argv).toContain('network=host')
      expect(leakedLines(run, [PROXY_PASSWORD])).toEqual([])
    }
  )

  it.concurrent('a mirror the preflight found dead is never pulled from', async () => {
    const { createServer } = await import('node:net')
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const dead = `127.0.0.1:${(closed.address() as { port: number }).port}`
    await new Promise(resolve => closed.close(resolve))
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...BASE, 'mirror-check': 'warn', 'registry-mirrors': `http://${dead}` },
      env: docker.env({ FAKE_DOCKER_MISSING: 'moby/buildkit:buildx-stable-1' })
    })
    expect(run.main.code).toBe(0)
    expect(docker.calls().filter(call => call.argv[0] === 'pull')).toEqual([])
  })
})

describe('a warm lock left behind', () => {
  it.concurrent(
    'a lock folder with no holder (a job killed mid-way) does not wedge the next warm job: it is broken once stale',
    async () => {
      const docker = fakeDocker()
      const store = mkdtempSync(join(tmpdir(), 'warm-state-'))
      // What a job killed between making the lock folder and writing its holder leaves, an hour ago.
      const lock = join(store, 'multi-platform-build', 'lock')
      mkdirSync(lock, { recursive: true })
      const anHourAgo = new Date(Date.now() - 3600_000)
      utimesSync(lock, anHourAgo, anHourAgo)
      const started = Date.now()
      const run = await runAction({
        inputs: { ...BASE, 'warm-builder': 'true', 'warm-builder-cache': '10GB' },
        env: docker.env({ BUILDX_CONFIG: store })
      })
      expect(run.main.code).toBe(0)
      expect(run.main.stdout).toContain(`Created warm builder ${run.outputs.builder}.`)
      // Broken at once, not waited out (a live holder is waited for up to 15 minutes).
      expect(Date.now() - started).toBeLessThan(50_000)
    }
  )
})
