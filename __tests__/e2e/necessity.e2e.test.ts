import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, Server } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildWith, expectClean, fixture, mirrorInputs, NO_PROXY_ENV, run, stack } from '../support/e2e'
import { ActionRun } from '../support/run-action'
import {
  accessLogLines,
  Descriptor,
  leftoversIn,
  logOffset,
  logSince,
  Registry,
  TokenRegistry,
  tokenLogEntries
} from '../support/stack'

// Necessity on the real stack: every test runs the action twice with inputs that differ in ONE thing (the proxy
// inputs, or the mirror input) and shows that the build fails without it and succeeds with it.
//
// The proxy-only names (*.proxy-only.onion, see stack/up) are in no hosts file but the named proxy's, and Go
// (buildx, BuildKit) never asks DNS about .onion names: a client that bypasses the proxy fails on this machine
// ("no such host"/"no suitable address") without a query leaving it.

jest.setTimeout(900_000)

const NAMED_PROXY = stack.STACK_NAMED_PROXY
const proxyInputs = { 'http-proxy': NAMED_PROXY, 'https-proxy': NAMED_PROXY }
const authHost = new URL(stack.STACK_TOKEN_REALM).host
const viaNamedProxy = (source: string) => source.startsWith(`${stack.STACK_NAMED_PROXY_SOURCE}:`)
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Everything a run printed: the action's lines and the buildx output it relays. */
const output = (result: ActionRun) => `${result.main.stdout}\n${result.main.stderr}`

/** Runs the action (unique builder), checks that the builder is gone, and removes the run's files. */
async function attempt(
  name: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  dockerConfig?: string
): Promise<ActionRun> {
  const { builder, result } = await buildWith(name, { retries: '0', ...inputs }, { env })
  try {
    if (dockerConfig)
      expect(leftoversIn(builder, dockerConfig)).toEqual({ containers: [], volumes: [], builders: [] })
    else expectClean(builder)
    expect(result.post.code).toBe(0)
  } finally {
    rmSync(result.dir, { recursive: true, force: true })
  }
  return result
}

/**
 * A private DOCKER_CONFIG with the token registry's credentials (the action has no login input, and `docker login`
 * would go through dockerd, which has no proxy), plus SSL_CERT_DIR so the buildx client trusts the stack CA: it
 * fetches the registry tokens itself. Removed afterwards, checked gone.
 */
async function withRegistryCredentials(body: (env: Record<string, string>, dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'necessity-docker-config-'))
  try {
    const auth = Buffer.from(`${stack.STACK_TOKEN_USER}:${stack.STACK_TOKEN_PASSWORD}`).toString('base64')
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { [stack.STACK_TOKEN_REGISTRY]: { auth } } }),
      {
        mode: 0o600
      }
    )
    await body({ ...NO_PROXY_ENV, DOCKER_CONFIG: dir, SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR }, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  expect(existsSync(dir)).toBe(false)
}

/** The push to the token registry: multi-platform, its CA given to BuildKit. */
const tokenPush = (repository: string) => ({
  tags: `${stack.STACK_TOKEN_REGISTRY}/${repository}:1`,
  platforms: 'linux/amd64,linux/arm64',
  'buildkitd-config-inline': `[registry."${stack.STACK_TOKEN_REGISTRY}"]\nca = ["${stack.STACK_TLS_CA}"]`
})

interface IndexReader {
  platformManifests(
    repository: string,
    reference: string
  ): Promise<{ digest: string; platforms: Record<string, Descriptor> }>
}

/** The tag is one index with exactly linux/amd64 and linux/arm64, and the outputs name it. */
async function expectPushedIndex(registry: IndexReader, repository: string, result: ActionRun) {
  const { digest, platforms } = await registry.platformManifests(repository, '1')
  expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
  expect(result.outputs.digest).toBe(digest)
  expect(JSON.parse(result.outputs.manifest)).toEqual({
    'linux/amd64': platforms['linux/amd64'].digest,
    'linux/arm64': platforms['linux/arm64'].digest
  })
  return platforms
}

describe('token registry under proxy-only names', () => {
  const tokens = new TokenRegistry(stack)

  it('a: the push reaches registry.proxy-only.onion only with the proxy inputs', async () => {
    await withRegistryCredentials(async (env, dockerConfig) => {
      const repository = `e2e/necessity-push-${run}`
      const proxyLog = logOffset(stack.STACK_NAMED_PROXY_LOG)

      const without = await attempt('need-proxy-off', tokenPush(repository), env, dockerConfig)
      expect(without.main.code).toBe(1)
      expect(output(without)).toMatch(
        new RegExp(
          `${escape(stack.STACK_TOKEN_REGISTRY.replace(/:\d+$/, ''))}: (no such host|no suitable address found)`
        )
      )
      expect(output(without)).not.toContain('pushing manifest')
      expect(logSince(stack.STACK_NAMED_PROXY_LOG, proxyLog)).not.toContain('CONNECT')
      expect(await tokens.hasTag(repository, '1')).toBe(false)

      const registryLog = logOffset(stack.STACK_TOKEN_LOG)
      const withProxy = await attempt(
        'need-proxy-on',
        { ...tokenPush(repository), ...proxyInputs },
        env,
        dockerConfig
      )
      expect(withProxy.main.code).toBe(0)
      await expectPushedIndex(tokens, repository, withProxy)
      const tunnels = logSince(stack.STACK_NAMED_PROXY_LOG, proxyLog)
      expect(tunnels).toContain(`CONNECT ${stack.STACK_TOKEN_REGISTRY} HTTP/`)
      expect(tunnels).toContain(`CONNECT ${authHost} HTTP/`)
      // The manifest PUT arrived from the named proxy's source address, i.e. through the proxy.
      const puts = accessLogLines(logSince(stack.STACK_TOKEN_LOG, registryLog)).filter(
        line => line.method === 'PUT' && line.path === `/v2/${repository}/manifests/1`
      )
      expect(puts.map(line => [line.client, line.status])).toEqual([[stack.STACK_NAMED_PROXY_SOURCE, 201]])
    })
  })

  it('b (moby/buildkit#5839): the buildx client fetches the token, so the proxy only in the builder env is not enough', async () => {
    await withRegistryCredentials(async (env, dockerConfig) => {
      const repository = `e2e/necessity-token-${run}`
      const scopePrefix = `repository:${repository}:`
      // The builder (BuildKit) gets the proxy through its container env, the buildx client does not.
      const builderOnly = {
        ...tokenPush(repository),
        'driver-opts': `env.HTTPS_PROXY=${NAMED_PROXY}\nenv.https_proxy=${NAMED_PROXY}`
      }
      let proxyLog = logOffset(stack.STACK_NAMED_PROXY_LOG)
      let tokenLog = logOffset(stack.STACK_TOKEN_AUTH_LOG)
      let registryLog = logOffset(stack.STACK_TOKEN_LOG)

      const without = await attempt('token-builder-env', builderOnly, env, dockerConfig)
      expect(without.main.code).toBe(1)
      expect(output(without)).toContain(`failed to fetch oauth token: Post "${stack.STACK_TOKEN_REALM}"`)
      expect(output(without)).toMatch(
        new RegExp(`${escape(authHost.replace(/:\d+$/, ''))}: (no such host|no suitable address found)`)
      )
      // BuildKit reached the registry through the proxy and was sent to the token service ...
      const tunnels = logSince(stack.STACK_NAMED_PROXY_LOG, proxyLog)
      expect(tunnels).toContain(`CONNECT ${stack.STACK_TOKEN_REGISTRY} HTTP/`)
      const challenged = accessLogLines(logSince(stack.STACK_TOKEN_LOG, registryLog)).filter(line =>
        line.path.startsWith(`/v2/${repository}/`)
      )
      expect(challenged.length).toBeGreaterThan(0)
      expect(
        challenged.every(line => line.status === 401 && line.client === stack.STACK_NAMED_PROXY_SOURCE)
      ).toBe(true)
      // ... which the client, without the proxy, never reached.
      expect(tunnels).not.toContain(`CONNECT ${authHost} HTTP/`)
      const tokenRequests = tokenLogEntries(logSince(stack.STACK_TOKEN_AUTH_LOG, tokenLog))
      expect(
        tokenRequests.filter(entry => entry.scope?.some(scope => scope.startsWith(scopePrefix)))
      ).toEqual([])
      expect(await tokens.hasTag(repository, '1')).toBe(false)

      proxyLog = logOffset(stack.STACK_NAMED_PROXY_LOG)
      tokenLog = logOffset(stack.STACK_TOKEN_AUTH_LOG)
      registryLog = logOffset(stack.STACK_TOKEN_LOG)
      const withClientProxy = await attempt(
        'token-client-env',
        { ...builderOnly, 'https-proxy': NAMED_PROXY },
        env,
        dockerConfig
      )
      expect(withClientProxy.main.code).toBe(0)
      const issued = tokenLogEntries(logSince(stack.STACK_TOKEN_AUTH_LOG, tokenLog)).filter(entry =>
        entry.scope?.some(scope => scope.startsWith(scopePrefix))
      )
      // The push token: authenticated, pull+push granted, and it came through the named proxy (as every token
      // request for this repository did).
      expect(issued).toContainEqual(
        expect.objectContaining({
          path: '/token',
          authenticated: true,
          user: stack.STACK_TOKEN_USER,
          granted: [`${scopePrefix}pull,push`],
          status: 200
        })
      )
      expect(issued.filter(entry => !viaNamedProxy(entry.source))).toEqual([])
      expect(logSince(stack.STACK_NAMED_PROXY_LOG, proxyLog)).toContain(`CONNECT ${authHost} HTTP/`)
      const written = accessLogLines(logSince(stack.STACK_TOKEN_LOG, registryLog)).filter(
        line => line.method === 'PUT' && line.path === `/v2/${repository}/manifests/1`
      )
      expect(written.map(line => line.status)).toEqual([201])
      await expectPushedIndex(tokens, repository, withClientProxy)
    })
  })
})

describe('RUN steps and proxy-only names', () => {
  const requests: { path: string; client: string; via: string }[] = []
  let server: Server
  let port = 0
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push({
        path: request.url ?? '',
        client: request.socket.remoteAddress ?? '',
        via: String(request.headers.via ?? '')
      })
      response.end(`fetched ${request.url}\n`)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
  })
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve))
  })

  it('c: a RUN step fetches http://web.proxy-only.onion only with the proxy inputs', async () => {
    const path = `/necessity-${run}`
    const repository = `e2e/necessity-run-${run}`
    const registry = new Registry(stack.STACK_PUSH_REGISTRY)
    const inputs = {
      context: fixture('proxy-only-run'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'build-args': `FETCH_URL=http://${stack.STACK_PROXY_ONLY_WEB_NAME}:${port}${path}`,
      'no-cache': 'true',
      // busybox wget resolves with glibc, which does send .onion names to DNS: a loopback nameserver for RUN
      // steps keeps that lookup on this machine (nothing answers on 127.0.0.1:53, so it fails at once).
      'buildkitd-config-inline': '[dns]\nnameservers = ["127.0.0.1"]'
    }

    const without = await attempt('run-proxy-off', inputs, NO_PROXY_ENV)
    expect(without.main.code).toBe(1)
    expect(output(without)).toMatch(/wget: bad address/)
    expect(requests).toEqual([])
    expect(await registry.hasTag(repository, '1')).toBe(false)

    const withProxy = await attempt('run-proxy-on', { ...inputs, ...proxyInputs }, NO_PROXY_ENV)
    expect(withProxy.main.code).toBe(0)
    // One fetch per platform, each through the named proxy (its source address, its Via header).
    expect(requests).toHaveLength(2)
    for (const request of requests) {
      expect(request).toEqual({
        path,
        client: stack.STACK_NAMED_PROXY_SOURCE,
        via: expect.stringContaining('mpb-stack-named-proxy')
      })
    }
    const platforms = await expectPushedIndex(registry, repository, withProxy)
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      expect(await registry.readFile(repository, platforms[platform].digest, 'fetched')).toBe(
        `fetched ${path}\n`
      )
    }
  })
})

describe('base images and the Docker Hub mirror', () => {
  it('d: FROM busybox builds only with the mirror input; Docker Hub itself is refused', async () => {
    expect(stack.STACK_DOCKER_HUB_BLOCKED).toBe('1')
    const refused = await new Promise<NodeJS.ErrnoException>(resolve => {
      const socket = connect(443, 'registry-1.docker.io')
      socket.setTimeout(5000, () =>
        socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))
      )
      socket.on('connect', () => {
        socket.destroy()
        resolve(Object.assign(new Error('connected'), { code: 'CONNECTED' }))
      })
      socket.on('error', resolve)
    })
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', address: '127.0.0.1', port: 443 })

    const repository = `e2e/necessity-hub-${run}`
    const registry = new Registry(stack.STACK_PUSH_REGISTRY)
    // network=host in both runs: without a loopback mirror the action would not choose it by itself.
    const inputs = {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'no-cache': 'true',
      'driver-opts': 'network=host'
    }
    let mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
    const without = await attempt('hub-mirror-off', { ...inputs, 'registry-mirrors': '' }, NO_PROXY_ENV)
    expect(without.main.code).toBe(1)
    expect(output(without)).toMatch(/registry-1\.docker\.io[^\n]*connection refused/)
    expect(
      accessLogLines(logSince(stack.STACK_MIRROR_LOG, mirrorLog)).filter(line =>
        line.path.includes('/busybox/')
      )
    ).toEqual([])
    expect(await registry.hasTag(repository, '1')).toBe(false)

    mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
    const withMirror = await attempt('hub-mirror-on', { ...inputs, ...mirrorInputs }, NO_PROXY_ENV)
    expect(withMirror.main.code).toBe(0)
    await expectPushedIndex(registry, repository, withMirror)
    const served = accessLogLines(logSince(stack.STACK_MIRROR_LOG, mirrorLog))
    const busybox = served.filter(line => line.path.startsWith('/v2/library/busybox/'))
    // index, two image manifests, and a config and a layer per platform at least; all asked with ?ns=docker.io
    expect(busybox.length).toBeGreaterThanOrEqual(7)
    expect(busybox.every(line => line.path.endsWith('ns=docker.io'))).toBe(true)
    expect(busybox.some(line => line.path.includes('/blobs/sha256:'))).toBe(true)
    // every answer of the mirror during the build was a 200: it had everything, nothing fell through upstream
    expect(served.filter(line => line.status !== 200)).toEqual([])
  })
})
