import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  rmSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer, Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildWith,
  commandLine,
  expectClean,
  failure,
  fixture,
  NO_PROXY_ENV,
  run,
  stack
} from '../support/e2e'
import { runExample } from '../support/examples'
import { ActionRun, leakedLines } from '../support/run-action'
import { logOffset, logSince, Manifest, Registry, TokenRegistry, tokenLogEntries } from '../support/stack'
import { listenOnLoopback } from '../support/loopback-server'
import {
  COSIGN,
  cosignMirror,
  KeyPair,
  keyPair,
  requireCosign,
  secretsOf,
  verify as verifyAs
} from '../support/cosign'

// Signing on the real stack, key mode: cosign signs the pushed index digest offline (no transparency log, no
// Sigstore service, no trust root download) through the same proxy, insecure-registry and login settings as the
// build. Keyless signing needs a Fulcio and a Rekor, which this stack does not have: its argv and environment are
// unit-tested (__tests__/unit/plan/sign-plan.test.ts), not proven here.

jest.setTimeout(900_000)

const work = mkdtempSync(join(tmpdir(), 'sign-e2e-'))
/** A PATH entry that holds cosign, so the action finds the runner's cosign. */
const cosignBin = join(work, 'bin')
const withCosign = { ...NO_PROXY_ENV, PATH: `${cosignBin}:${process.env.PATH}` }

/** A key pair of this test's own. */
const newKeyPair = (name: string): KeyPair => keyPair(work, name, run)
/** `cosign verify` as a user runs it, in a home of this test's own. */
const verify = (args: string[], env: Record<string, string> = {}) =>
  verifyAs(join(work, 'verify-home'), args, env)

/**
 * What a user who verifies on the token registry has: a Docker config with its login, the named proxy (the only
 * way to it) and the stack's CA.
 */
function tokenRegistryUser(): Record<string, string> {
  const config = mkdtempSync(join(work, 'docker-config-'))
  const auth = Buffer.from(`${stack.STACK_TOKEN_USER}:${stack.STACK_TOKEN_PASSWORD}`).toString('base64')
  writeFileSync(
    join(config, 'config.json'),
    JSON.stringify({ auths: { [stack.STACK_TOKEN_REGISTRY]: { auth } } })
  )
  return {
    DOCKER_CONFIG: config,
    HTTPS_PROXY: stack.STACK_NAMED_PROXY,
    SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR
  }
}

/** Every manifest and blob reachable from a reference (an index, its manifests, configs and layers) as text. */
async function reachableText(registry: Registry, repository: string, reference: string): Promise<string[]> {
  const texts: string[] = []
  const walk = async (ref: string, depth: number) => {
    const { manifest } = await registry.manifest(repository, ref)
    texts.push(JSON.stringify(manifest))
    if (depth < 3) for (const entry of manifest.manifests ?? []) await walk(entry.digest, depth + 1)
    for (const blob of [manifest.config, ...(manifest.layers ?? [])].filter(b => b !== undefined)) {
      texts.push((await registry.blob(repository, blob.digest)).toString('latin1'))
    }
  }
  await walk(reference, 0)
  return texts
}

/** The predicate types of an index's attestation manifests (SBOM, provenance). */
async function attestationTypes(registry: Registry, repository: string, index: Manifest): Promise<string[]> {
  const types: string[] = []
  for (const entry of index.manifests ?? []) {
    if (entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest') continue
    const { manifest } = await registry.manifest(repository, entry.digest)
    for (const layer of manifest.layers ?? []) {
      const type = layer.annotations?.['in-toto.io/predicate-type']
      if (type) types.push(type)
    }
  }
  return types
}

/** Samples every process's command line while fn runs: what any local user could read. */
async function watchingArgv<T>(
  needles: string[],
  fn: () => Promise<T>
): Promise<{ value: T; seen: string[] }> {
  const seen = new Set<string>()
  const sampler = setInterval(() => {
    for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
      let cmdline = ''
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      } catch {
        continue
      }
      for (const needle of needles) if (cmdline.includes(needle)) seen.add(needle.slice(0, 8))
    }
  }, 20)
  try {
    return { value: await fn(), seen: [...seen] }
  } finally {
    clearInterval(sampler)
  }
}

function expectDoneAndClean(result: ActionRun, builder: string) {
  expect(result.post.code).toBe(0)
  expectClean(builder)
  expect(existsSync(result.runnerTemp) ? readdirSync(result.runnerTemp) : []).toEqual([])
}

/** The referrers-tag name cosign v3 stores a signature bundle under when the registry has no referrers API. */
const referrersTag = (digest: string) => digest.replace(':', '-')

let signer: KeyPair
let other: KeyPair

// The test's key pairs, configs and tool caches go with it.
afterAll(() => rmSync(work, { recursive: true, force: true }))

beforeAll(() => {
  requireCosign()
  mkdirSync(cosignBin)
  symlinkSync(COSIGN, join(cosignBin, 'cosign'))
  signer = newKeyPair('signer')
  other = newKeyPair('other')
})

describe('sign: true with a key, through the proxy, to a registry addressed by name', () => {
  const registry = new Registry(stack.STACK_PUSH_REGISTRY)
  const proxied = stack.STACK_PROXIED_REGISTRY
  const repositories = [`e2e/sign-a-${run}`, `e2e/sign-b-${run}`]
  const tags = [
    `${proxied}/${repositories[0]}:1`,
    `${proxied}/${repositories[0]}:2`,
    `${proxied}/${repositories[1]}:1`
  ]
  const flags = ['--allow-http-registry', '--allow-insecure-registry']
  let result: ActionRun
  let builder: string
  let digest: string
  let proxyLog: string
  let argvSeen: string[]

  beforeAll(async () => {
    // SBOMs come from a generator image of this test's own (the stack's mirror has no Docker Hub syft scanner).
    const generator = `${stack.STACK_PUSH_REGISTRY}/e2e/sbom-generator-${run}:1`
    const made = await buildWith('sign-sbom-generator', {
      context: fixture('sbom-generator'),
      tags: generator,
      platforms: 'linux/amd64'
    })
    expect(failure(made.result)).toBe('')
    const offset = logOffset(stack.STACK_PROXY_LOG)
    const watched = await watchingArgv(secretsOf(signer), () =>
      buildWith(
        'sign-key',
        {
          tags: tags.join(','),
          platforms: 'linux/amd64,linux/arm64',
          sbom: `generator=${generator}`,
          provenance: 'mode=max',
          'insecure-registries': proxied,
          'http-proxy': stack.STACK_PROXY,
          'https-proxy': stack.STACK_PROXY,
          sign: 'true',
          'sign-key': signer.key,
          'sign-key-password': signer.password
        },
        { env: withCosign }
      )
    )
    ;({ result, builder } = watched.value)
    argvSeen = watched.seen
    proxyLog = logSince(stack.STACK_PROXY_LOG, offset)
    digest = result.outputs.digest
  })

  it('signs the pushed index digest of each repository once, through the proxy, and says how to verify', async () => {
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(result.outputs.signed).toBe('true')
    expect(result.outputs['verify-command'].split('\n')).toEqual(
      repositories.map(
        repository =>
          `cosign verify --key cosign.pub --insecure-ignore-tlog=true ${flags.join(' ')} ${proxied}/${repository}@${digest}`
      )
    )
    // One signature per repository, pushed by cosign through the proxy (the build pushes no sha256-… tag).
    for (const repository of repositories) {
      const puts = proxyLog
        .split('\n')
        .filter(line =>
          line.includes(`"PUT http://${proxied}/v2/${repository}/manifests/${referrersTag(digest)} `)
        )
      expect(puts).toHaveLength(1)
      expect(await registry.hasTag(repository, referrersTag(digest))).toBe(true)
    }
    expect(commandLine(result, 'buildx build')).toBeLessThan(
      result.main.stdout.split('\n').findIndex(line => /^\[command\]cosign sign /.test(line))
    )
    expectDoneAndClean(result, builder)
  })

  it('shows the public key and its fingerprint in the summary', () => {
    const pem = readFileSync(signer.pub, 'utf8').trim()
    const der = Buffer.from(pem.split('\n').slice(1, -1).join(''), 'base64')
    const fingerprint = createHash('sha256').update(der).digest('hex')
    expect(result.summary).toContain(`sha256:${fingerprint}`)
    expect(result.summary).toContain(pem.split('\n')[1])
  })

  it('verifies with cosign verify --key for every tag through the proxy, and fails for another key', async () => {
    for (const tag of tags) {
      const offset = logOffset(stack.STACK_PROXY_LOG)
      const ok = verify(['--key', signer.pub, '--insecure-ignore-tlog=true', ...flags, tag], {
        HTTP_PROXY: stack.STACK_PROXY,
        HTTPS_PROXY: stack.STACK_PROXY
      })
      expect({ tag, code: ok.code }).toEqual({ tag, code: 0 })
      expect(ok.out).toContain(`"docker-manifest-digest":"${digest}"`)
      expect(logSince(stack.STACK_PROXY_LOG, offset)).toContain(`${proxied}/v2/`)
      const wrong = verify(['--key', other.pub, '--insecure-ignore-tlog=true', ...flags, tag], {
        HTTP_PROXY: stack.STACK_PROXY,
        HTTPS_PROXY: stack.STACK_PROXY
      })
      expect(wrong.code).not.toBe(0)
    }
    // The registry flags are needed: without them cosign speaks TLS to the plain-HTTP registry and fails.
    const bare = verify(['--key', signer.pub, '--insecure-ignore-tlog=true', tags[0]], {
      HTTP_PROXY: stack.STACK_PROXY,
      HTTPS_PROXY: stack.STACK_PROXY
    })
    expect(bare.code).not.toBe(0)
  })

  it('has the SBOM and max provenance attestations in the signed index', async () => {
    const { manifest } = await registry.manifest(repositories[0], digest)
    const types = await attestationTypes(registry, repositories[0], manifest)
    expect(types).toEqual(expect.arrayContaining(['https://spdx.dev/Document']))
    expect(types.some(type => type.startsWith('https://slsa.dev/provenance/'))).toBe(true)
  })

  it('leaves nothing of the key or its password in logs, outputs, state, summary, argv or pushed blobs', async () => {
    expect(leakedLines(result, secretsOf(signer))).toEqual([])
    expect(argvSeen).toEqual([])
    for (const repository of repositories) {
      const texts = [
        ...(await reachableText(registry, repository, digest)),
        ...(await reachableText(registry, repository, referrersTag(digest)))
      ]
      expect(texts.length).toBeGreaterThan(3)
      const leaks = secretsOf(signer).filter(secret => texts.some(text => text.includes(secret)))
      expect(leaks).toEqual([])
    }
  })
})

describe('key mode is offline: no route off the machine', () => {
  const registry = new Registry(stack.STACK_PUSH_REGISTRY)
  /** Everything not on loopback goes to the dead proxy, which refuses: a fetch of Sigstore's TUF or services fails. */
  const DEAD = { HTTP_PROXY: stack.STACK_DEAD_PROXY, HTTPS_PROXY: stack.STACK_DEAD_PROXY }

  it('signs and verifies with every off-machine request refused; cosign v3 needs each flag the action gives it', async () => {
    const repository = `e2e/sign-offline-${run}`
    const { builder, result } = await buildWith(
      'sign-offline',
      {
        tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
        platforms: 'linux/amd64',
        'http-proxy': stack.STACK_DEAD_PROXY,
        'https-proxy': stack.STACK_DEAD_PROXY,
        'mirror-check': 'off',
        sign: 'true',
        'sign-key': signer.key,
        'sign-key-password': signer.password
      },
      { env: withCosign }
    )
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    const digest = result.outputs.digest
    const ref = `${stack.STACK_PUSH_REGISTRY}/${repository}@${digest}`
    expect(await registry.hasTag(repository, referrersTag(digest))).toBe(true)
    expect(verify(['--key', signer.pub, '--insecure-ignore-tlog=true', ref], DEAD).code).toBe(0)
    expectDoneAndClean(result, builder)

    // Necessity, with cosign itself: without --insecure-ignore-tlog=true verify fetches Sigstore's trust root.
    const online = verify(['--key', signer.pub, ref], DEAD)
    expect(online.code).not.toBe(0)
    expect(online.out).toContain('TUF')
    // Without --use-signing-config=false, cosign v3 refuses --tlog-upload=false; without --tlog-upload=false it
    // would upload to the public Rekor (through the dead proxy here).
    const sign = (flags: string[]) =>
      spawnSync(COSIGN, ['sign', '--yes', '--key', 'env://KEY', ...flags, ref], {
        env: {
          ...process.env,
          ...NO_PROXY_ENV,
          ...DEAD,
          KEY: signer.key,
          COSIGN_PASSWORD: signer.password,
          HOME: join(work, 'sign-home')
        },
        encoding: 'utf8',
        timeout: 120_000
      })
    const noSigningConfigFlag = sign(['--tlog-upload=false'])
    expect(noSigningConfigFlag.status).not.toBe(0)
    expect(noSigningConfigFlag.stderr).toContain(
      '--tlog-upload=false is not supported with --signing-config or --use-signing-config'
    )
    const noTlogFlag = sign(['--use-signing-config=false'])
    expect(noTlogFlag.status).not.toBe(0)
  })
})

describe('sign: true to the token-auth registry only the named proxy reaches', () => {
  const tokens = new TokenRegistry(stack)
  const repository = `e2e/sign-token-${run}`
  const tag = `${stack.STACK_TOKEN_REGISTRY}/${repository}:1`

  it('signs with the step login, through the named proxy, and the signature verifies there', async () => {
    const authLog = logOffset(stack.STACK_TOKEN_AUTH_LOG)
    const { builder, result } = await buildWith(
      'sign-token',
      {
        tags: tag,
        platforms: 'linux/amd64',
        'buildkitd-config-inline': `[registry."${stack.STACK_TOKEN_REGISTRY}"]\nca = ["${stack.STACK_TLS_CA}"]`,
        'http-proxy': stack.STACK_NAMED_PROXY,
        'https-proxy': stack.STACK_NAMED_PROXY,
        'registry-auth': `- registry: ${stack.STACK_TOKEN_REGISTRY}\n  username: ${stack.STACK_TOKEN_USER}\n  password-env: REGISTRY_TOKEN\n`,
        sign: 'true',
        'sign-key': signer.key,
        'sign-key-password': signer.password
      },
      {
        env: {
          ...withCosign,
          REGISTRY_TOKEN: stack.STACK_TOKEN_PASSWORD,
          SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR
        }
      }
    )
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    const digest = result.outputs.digest
    expect(result.outputs['verify-command']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert ${stack.STACK_TLS_CA} ${stack.STACK_TOKEN_REGISTRY}/${repository}@${digest}`
    )
    // cosign asked the token service for a push token, through the named proxy, as the logged-in user.
    const requests = tokenLogEntries(logSince(stack.STACK_TOKEN_AUTH_LOG, authLog))
    expect(requests.every(entry => entry.source.startsWith(`${stack.STACK_NAMED_PROXY_SOURCE}:`))).toBe(true)
    expect(
      requests.some(
        entry =>
          entry.user === stack.STACK_TOKEN_USER &&
          entry.granted?.some(grant => grant.includes(repository) && grant.includes('push'))
      )
    ).toBe(true)

    // Asked after reading the token service's log: the test's own check asks it directly.
    expect(await tokens.hasTag(repository, referrersTag(digest))).toBe(true)
    // A user verifies with the same login and proxy.
    const env = tokenRegistryUser()
    const args = ['--insecure-ignore-tlog=true', '--registry-cacert', stack.STACK_TLS_CA, tag]
    expect(verify(['--key', signer.pub, ...args], env).code).toBe(0)
    expect(verify(['--key', other.pub, ...args], env).code).not.toBe(0)
    expect(leakedLines(result, [...secretsOf(signer), stack.STACK_TOKEN_PASSWORD])).toEqual([])
    expectDoneAndClean(result, builder)
  })
})

describe('signing a split build', () => {
  const registry = new Registry(stack.STACK_PUSH_REGISTRY)
  const repository = `e2e/sign-split-${run}`
  const image = `${stack.STACK_PUSH_REGISTRY}/${repository}`

  it('signs the merged index in the merge step, never the legs', async () => {
    const signing = { 'sign-key': signer.key, 'sign-key-password': signer.password }
    const legs: string[] = []
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const { builder, result } = await buildWith(
        `sign-leg-${platform.split('/')[1]}`,
        { tags: image, platforms: platform, 'push-by-digest': 'true', sign: 'auto', ...signing },
        { env: withCosign }
      )
      expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
      expect(result.outputs.signed).toBe('false')
      expect(result.main.stdout).toContain(
        'sign: auto does not sign in this step: this step pushes by digest'
      )
      legs.push(result.outputs.digest)
      expectDoneAndClean(result, builder)
    }
    const { builder, result } = await buildWith(
      'sign-merge',
      {
        tags: `${image}:1`,
        platforms: 'linux/amd64,linux/arm64',
        'merge-digests': legs.join('\n'),
        sign: 'true',
        ...signing
      },
      { env: withCosign }
    )
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    const merged = result.outputs.digest
    expect(result.outputs.signed).toBe('true')
    expect(result.outputs['verify-command']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true ${image}@${merged}`
    )
    expect(await registry.hasTag(repository, referrersTag(merged))).toBe(true)
    for (const leg of legs) expect(await registry.hasTag(repository, referrersTag(leg))).toBe(false)
    expect(verify(['--key', signer.pub, '--insecure-ignore-tlog=true', `${image}:1`]).code).toBe(0)
    expect(leakedLines(result, secretsOf(signer))).toEqual([])
    expectDoneAndClean(result, builder)
  })
})

describe('examples/workflows/signing.yml under act', () => {
  let mirror: Awaited<ReturnType<typeof cosignMirror>>

  beforeAll(async () => {
    mirror = await cosignMirror()
  })
  afterAll(() => mirror.close())

  it('signs through the company proxy with the step login, with cosign from the mirror, and prints how to verify', async () => {
    const result = await runExample('signing.yml', {
      dockerHubReachable: true,
      // The runner trusts the company CA (here the stack's); its tool cache is this run's own.
      env: {
        SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR,
        RUNNER_TOOL_CACHE: mkdtempSync(join(work, 'act-tools-'))
      },
      vars: { REGISTRY_USER: stack.STACK_TOKEN_USER },
      secrets: {
        REGISTRY_TOKEN: stack.STACK_TOKEN_PASSWORD,
        COSIGN_PRIVATE_KEY: signer.key.trim(),
        COSIGN_PASSWORD: signer.password
      },
      extraSubstitutions: [{ example: 'https://mirror.corp.example/cosign', stack: mirror.url }]
    })
    expect({ status: result.status, tail: result.log.slice(-3000) }).toMatchObject({ status: 0 })
    expect(mirror.served).toEqual([
      '/cosign/v3.1.3/cosign-linux-amd64',
      '/cosign/v3.1.3/cosign_checksums.txt'
    ])
    expect(result.log).toContain('Cached cosign 3.1.3')
    const tag = `${stack.STACK_TOKEN_REGISTRY}/${result.repository}:${result.sha}`
    const printed = new RegExp(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert ${stack.STACK_TLS_CA} ` +
        `${stack.STACK_TOKEN_REGISTRY}/${result.repository}@(sha256:[0-9a-f]{64})`
    ).exec(result.log)
    expect(printed).not.toBeNull()
    const checked = verify(
      ['--key', signer.pub, '--insecure-ignore-tlog=true', '--registry-cacert', stack.STACK_TLS_CA, tag],
      tokenRegistryUser()
    )
    expect(checked.code).toBe(0)
    expect(checked.out).toContain(printed?.[1])
    for (const secret of secretsOf(signer)) expect(result.log).not.toContain(secret)
  })
})

describe('a step that cannot sign pushes nothing', () => {
  const registry = new Registry(stack.STACK_PUSH_REGISTRY)
  let server: Server
  let base: string
  const served: string[] = []

  beforeAll(async () => {
    // A cosign mirror whose cosign_checksums.txt does not match the file it serves.
    server = createServer((request, response) => {
      served.push(request.url ?? '')
      if (request.url?.endsWith('/cosign_checksums.txt')) {
        response.end(`${'0'.repeat(64)}  cosign-linux-amd64\n${'0'.repeat(64)}  cosign-linux-arm64\n`)
      } else if (/\/cosign-linux-(amd64|arm64)$/.test(request.url ?? '')) {
        response.end('#!/bin/sh\necho "GitVersion:    v3.9.9"\n')
      } else {
        response.statusCode = 404
        response.end()
      }
    })
    const port = await listenOnLoopback(server)
    base = `http://127.0.0.1:${port}`
  })
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

  it('fails closed on a cosign download that does not match its checksum list, before the build', async () => {
    const repository = `e2e/sign-badsum-${run}`
    const { builder, result } = await buildWith(
      'sign-badsum',
      {
        tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
        platforms: 'linux/amd64',
        sign: 'true',
        'sign-key': signer.key,
        'sign-key-password': signer.password,
        'cosign-version': 'v3.9.9',
        'cosign-download-url': `${base}/{version}/cosign-{os}-{arch}{ext}`
      },
      // No cosign on PATH, and a tool cache of this run's own.
      { env: { ...NO_PROXY_ENV, RUNNER_TOOL_CACHE: mkdtempSync(join(work, 'tool-cache-')) } }
    )
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain(`Checksum mismatch for ${base}/v3.9.9/cosign-linux-`)
    expect(failure(result)).toContain('Check "cosign-download-url"')
    expect(served.some(url => url.endsWith('/cosign_checksums.txt'))).toBe(true)
    expect(commandLine(result, 'buildx build')).toBe(-1)
    expect(await registry.hasTag(repository, '1')).toBe(false)
    expect(result.outputs.signed).toBe('false')
    expectDoneAndClean(result, builder)
  })

  it('fails on a wrong key password before the build, naming the input', async () => {
    const repository = `e2e/sign-badpw-${run}`
    const wrong = `wrong-${run}-Pa55`
    const { builder, result } = await buildWith(
      'sign-badpw',
      {
        tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
        platforms: 'linux/amd64',
        sign: 'true',
        'sign-key': signer.key,
        'sign-key-password': wrong
      },
      { env: withCosign }
    )
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain('Input "sign-key": cosign cannot read the key')
    expect(commandLine(result, 'buildx build')).toBe(-1)
    expect(await registry.hasTag(repository, '1')).toBe(false)
    expect(leakedLines(result, [...secretsOf(signer), wrong])).toEqual([])
    expectDoneAndClean(result, builder)
  })
})
