import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { Call, fakeDocker } from '../support/fake-docker'
import { leakedLines, runAction } from '../support/run-action'
import { listenOnLoopback } from '../support/loopback-server'

// Signing, run as the runner runs the bundle, against the recording fake docker and fake cosign: what cosign is
// given (argv, environment), and when, relative to the build and the merge.

jest.setTimeout(60_000)

const KEY_BODY = ['eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6e30sInNhbHQiOiJ4In0s', 'ImNpcGhlciI6e319Cg==']
const KEY = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${KEY_BODY.join('\n')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`
const PASSWORD = 'Key-Pa55word-9x'
const BUILD_DIGEST = `sha256:${'a'.repeat(64)}`
const BASE = {
  tags: 'r.example/team/app:1,r.example/team/app:latest,mirror.example:5000/app:1',
  platforms: 'linux/amd64,linux/arm64',
  'mirror-check': 'off',
  'insecure-registries': 'mirror.example:5000',
  'https-proxy': 'http://proxy.example:3128',
  sign: 'true',
  'sign-key': KEY,
  'sign-key-password': PASSWORD
}

const label = (call: Call) =>
  call.tool === 'cosign' ? `cosign ${call.argv[0]}` : call.argv.slice(0, 2).join(' ')
const cosignCalls = (calls: Call[], command: string) =>
  calls.filter(call => call.tool === 'cosign' && call.argv[0] === command)

describe('sign: true with a key', () => {
  it('readies cosign and the key before the build, signs each repository@digest after it, secrets by env only', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: BASE, env: docker.env() })
    expect(run.main.code).toBe(0)
    const calls = docker.calls()
    const order = calls.map(label)
    const build = order.indexOf('buildx build')
    expect(order.indexOf('cosign version')).toBeLessThan(build)
    expect(order.indexOf('cosign public-key')).toBeLessThan(build)
    expect(order.lastIndexOf('cosign public-key')).toBeLessThan(build)
    const signs = cosignCalls(calls, 'sign')
    expect(signs.map(call => call.argv.at(-1))).toEqual([
      `r.example/team/app@${BUILD_DIGEST}`,
      `mirror.example:5000/app@${BUILD_DIGEST}`
    ])
    expect(order.indexOf('cosign sign')).toBeGreaterThan(build)
    // The key and password reach cosign in its environment, never its argv; the build's proxy comes along.
    for (const call of [...signs, ...cosignCalls(calls, 'public-key')]) {
      expect(call.env.COSIGN_SIGN_KEY).toBe(KEY.trim())
      expect(call.env.COSIGN_PASSWORD).toBe(PASSWORD)
      expect(JSON.stringify(call.argv)).not.toContain(KEY_BODY[0])
      expect(JSON.stringify(call.argv)).not.toContain(PASSWORD)
      expect(call.env.HTTPS_PROXY).toBe('http://proxy.example:3128')
      expect(call.env.TUF_ROOT).toMatch(/\/sigstore$/)
    }
    // Plain HTTP and unchecked TLS only for the registry declared insecure.
    expect(signs[0].argv).not.toContain('--allow-http-registry')
    expect(signs[1].argv).toEqual(
      expect.arrayContaining(['--allow-http-registry', '--allow-insecure-registry'])
    )
    // No docker call saw the key.
    expect(JSON.stringify(calls.filter(call => call.tool !== 'cosign'))).not.toContain(KEY_BODY[0])
    expect(run.outputs.signed).toBe('true')
    expect(run.outputs['verify-command']).toBe(
      [
        `cosign verify --key cosign.pub --insecure-ignore-tlog=true r.example/team/app@${BUILD_DIGEST}`,
        `cosign verify --key cosign.pub --insecure-ignore-tlog=true --allow-http-registry --allow-insecure-registry mirror.example:5000/app@${BUILD_DIGEST}`
      ].join('\n')
    )
    expect(run.summary).toContain('Public key fingerprint')
    expect(leakedLines(run, [...KEY_BODY, PASSWORD])).toEqual([])
    expect(existsSync(run.runnerTemp) ? readdirSync(run.runnerTemp) : []).toEqual([])
  })

  it('fails on a wrong password before anything is built, naming the input', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: { ...BASE, 'sign-key-password': 'wrong' }, env: docker.env() })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain('::error::Input "sign-key": cosign cannot read the key')
    expect(docker.calls().map(label)).not.toContain('buildx build')
    expect(run.outputs.signed).toBe('false')
  })

  it('says the image is pushed but unsigned when cosign cannot sign it', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: BASE, env: docker.env({ FAKE_COSIGN_FAIL: 'sign' }) })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(
      `Signing r.example/team/app@${BUILD_DIGEST} failed; the image is pushed but unsigned`
    )
    expect(run.outputs.signed).toBe('false')
    expect(leakedLines(run, [...KEY_BODY, PASSWORD])).toEqual([])
  })

  it('takes a cosign older than v3 on PATH as missing and fetches cosign-version, failing closed', async () => {
    // A mirror that has no such file: the step fails before the build, saying where it looked.
    const requested: string[] = []
    const server = createServer((request, response) => {
      requested.push(request.url ?? '')
      response.statusCode = 404
      response.end()
    })
    const port = await listenOnLoopback(server)
    try {
      const docker = fakeDocker()
      const run = await runAction({
        inputs: {
          ...BASE,
          'cosign-download-url': `http://127.0.0.1:${port}/{version}/cosign-{os}-{arch}{ext}`
        },
        env: docker.env({ FAKE_COSIGN_VERSION: 'v2.6.1', RUNNER_TOOL_CACHE: `${docker.dir}/tool-cache` })
      })
      expect(run.main.code).toBe(1)
      expect(run.main.stdout).toContain('is not v3.0.0 or newer: installing one.')
      expect(run.main.stdout).toContain(
        `Downloading cosign from http://127.0.0.1:${port}/v3.1.3/cosign-linux-`
      )
      expect(requested).toEqual([expect.stringMatching(/^\/v3\.1\.3\/cosign-linux-/)])
      expect(docker.calls().map(label)).not.toContain('buildx build')
    } finally {
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  })
})

describe('signing in a split build', () => {
  it('a push-by-digest leg with sign: auto does not sign; the merge signs the merged index only', async () => {
    const legDocker = fakeDocker()
    const leg = await runAction({
      inputs: {
        ...BASE,
        tags: 'r.example/team/app',
        platforms: 'linux/amd64',
        sign: 'auto',
        'push-by-digest': 'true'
      },
      env: legDocker.env()
    })
    expect(leg.main.code).toBe(0)
    expect(leg.main.stdout).toContain('sign: auto does not sign in this step: this step pushes by digest')
    expect(legDocker.calls().filter(call => call.tool === 'cosign')).toEqual([])
    expect(leg.outputs.signed).toBe('false')

    const docker = fakeDocker()
    const merge = await runAction({
      inputs: {
        ...BASE,
        tags: 'r.example/team/app:1',
        'merge-digests': `sha256:${'d'.repeat(64)}\nsha256:${'e'.repeat(64)}`
      },
      env: docker.env()
    })
    expect(merge.main.code).toBe(0)
    const calls = docker.calls()
    const merged = merge.outputs.digest
    expect(merged).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(merged).not.toBe(`sha256:${'d'.repeat(64)}`)
    const signs = cosignCalls(calls, 'sign')
    expect(signs.map(call => call.argv.at(-1))).toEqual([`r.example/team/app@${merged}`])
    const pushed = calls.map(label).lastIndexOf('buildx imagetools')
    expect(calls.indexOf(signs[0])).toBeGreaterThan(pushed)
    expect(merge.outputs.signed).toBe('true')
  })
})

describe('sign: auto', () => {
  it('does not sign, and runs no cosign, when no way to sign is configured', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...BASE, sign: 'auto', 'sign-key': '', 'sign-key-password': '' },
      env: docker.env({ ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' })
    })
    expect(run.main.code).toBe(0)
    expect(docker.calls().filter(call => call.tool === 'cosign')).toEqual([])
    expect(run.outputs.signed).toBe('false')
    expect(run.summary).toContain('no (sign: auto: no way to sign is configured')
  })
})
