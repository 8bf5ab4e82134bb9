import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, IncomingMessage, Server } from 'node:http'
import { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeDocker } from '../support/fake-docker'
import { leakedLines, runAction } from '../support/run-action'
import { parseRunnerOutput } from '../support/runner-commands'
import {
  interceptingProxy,
  Listening,
  selfSignedCertificate,
  tokenRegistry as tlsTokenRegistry
} from '../support/tls-servers'

// Each test starts the bundle (main and post) with a fake docker: seconds on a busy machine.
jest.setTimeout(60_000)

const USER = 'ci-bot'
const PASSWORD = 'r3g:is=try#Pa55'
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')

/** A registry on loopback that asks for a Bearer token from its own /token, which only takes USER:PASSWORD. */
function tokenRegistry(): Promise<{ server: Server; host: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = []
  const server = createServer((request, response) => {
    requests.push(request)
    const { port } = server.address() as AddressInfo
    if (request.url === '/v2/') {
      response.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake-registry"`
      })
      response.end()
    } else if (request.url?.startsWith('/token')) {
      const ok = request.headers.authorization === `Basic ${BASIC}`
      response.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' })
      response.end(ok ? '{"token":"t"}' : '{"errors":[{"code":"UNAUTHORIZED"}]}')
    } else {
      response.writeHead(404)
      response.end()
    }
  })
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests })
    )
  )
}

describe('registry-auth', () => {
  let registry: Awaited<ReturnType<typeof tokenRegistry>>
  let userConfig: string
  const userJson = JSON.stringify({
    auths: { 'other.example': { auth: 'b3RoZXI6eA==' } },
    detachKeys: 'ctrl-x'
  })
  beforeEach(async () => {
    registry = await tokenRegistry()
    userConfig = mkdtempSync(join(tmpdir(), 'user-docker-config-'))
    mkdirSync(join(userConfig, 'cli-plugins'))
    writeFileSync(join(userConfig, 'config.json'), userJson)
  })
  afterEach(() => registry.server.close())

  const inputs = (password: string) => ({
    tags: `${registry.host}/team/app:1`,
    platforms: 'linux/amd64,linux/arm64',
    'insecure-registries': registry.host,
    'registry-auth': `- registry: ${registry.host}\n  username: ${USER}\n  password-env: REGISTRY_PASSWORD\n`,
    REGISTRY_PASSWORD: password
  })

  it('gives every docker command a private config with the login, checks it first, and leaves nothing', async () => {
    const docker = fakeDocker()
    const { REGISTRY_PASSWORD, ...withInputs } = inputs(PASSWORD)
    const run = await runAction({
      inputs: withInputs,
      env: docker.env({ DOCKER_CONFIG: userConfig, REGISTRY_PASSWORD })
    })
    expect(run.main.code).toBe(0)
    expect(run.post.code).toBe(0)
    expect(run.main.stdout).toContain(`registry-auth ${registry.host}: login accepted`)
    // The check asked the realm once, with the credentials, the way docker login does.
    const tokenRequests = registry.requests.filter(request => request.url?.startsWith('/token'))
    expect(tokenRequests.map(request => [request.url, request.headers.authorization])).toEqual([
      [`/token?service=fake-registry&account=${USER}`, `Basic ${BASIC}`]
    ])

    const calls = docker.calls()
    expect(calls.map(call => call.argv.slice(0, 2))).toEqual(
      expect.arrayContaining([
        ['buildx', 'create'],
        ['buildx', 'build'],
        ['buildx', 'rm']
      ])
    )
    const main = calls.filter(call => !(call.argv[1] === 'rm'))
    for (const call of main) {
      expect(call.dockerConfig?.dir).toMatch(
        new RegExp(`^${run.runnerTemp}/multi-platform-build-[0-9a-f]{12}/docker-config$`)
      )
      expect(call.dockerConfig?.json).toEqual({
        auths: { 'other.example': { auth: 'b3RoZXI6eA==' }, [registry.host]: { auth: BASIC } },
        detachKeys: 'ctrl-x'
      })
      expect(call.env.BUILDX_CONFIG).toBe(join(userConfig, 'buildx'))
    }
    // Post removes the builder with the user's own config, and the private one goes with the work dir.
    const post = calls.filter(call => call.argv[1] === 'rm')
    expect(post.map(call => call.dockerConfig?.dir)).toEqual([userConfig])
    expect(readdirSync(run.runnerTemp)).toEqual([])
    expect(readFileSync(join(userConfig, 'config.json'), 'utf8')).toBe(userJson)
    // buildx keeps its builders in the user's own buildx folder, as it would without registry-auth; post's rm
    // took this one out of it.
    expect(readdirSync(userConfig).sort()).toEqual(['buildx', 'cli-plugins', 'config.json'])
    expect(readdirSync(join(userConfig, 'buildx', 'instances'))).toEqual([])

    expect(run.main.stdout).toContain(`::add-mask::${BASIC}`)
    expect(leakedLines(run, [PASSWORD, BASIC])).toEqual([])
  })

  it('fails in the preflight on a wrong password, naming the input and the registry, before any docker command', async () => {
    const docker = fakeDocker()
    const { REGISTRY_PASSWORD, ...withInputs } = inputs('wrong-Pa55word')
    const run = await runAction({
      inputs: withInputs,
      env: docker.env({ DOCKER_CONFIG: userConfig, REGISTRY_PASSWORD })
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(
      `::error::Input "registry-auth": registry ${registry.host} rejected the username and password (HTTP 401).`
    )
    expect(docker.calls()).toEqual([])
    expect(run.post.code).toBe(0)
    expect(readdirSync(run.runnerTemp)).toEqual([])
    const wrongBasic = Buffer.from(`${USER}:wrong-Pa55word`).toString('base64')
    expect(leakedLines(run, ['wrong-Pa55word', wrongBasic])).toEqual([])
  })

  it('never quotes a password from a refused input', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: {
        tags: 'r.example/a:1',
        'registry-auth': `- registry: https://r.example\n  username: u\n  password: ${PASSWORD}\n`
      },
      env: docker.env()
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(
      '::error::Input "registry-auth": entry 1 needs a registry as host[:port]'
    )
    expect(leakedLines(run, [PASSWORD, BASIC])).toEqual([])
  })
})

describe('registry-auth sends the password only over TLS it can check', () => {
  // registry.example is reached through a proxy on loopback that tunnels every CONNECT to a TLS registry there,
  // whose certificate is its own CA: nothing leaves the machine, and the name is not a loopback one.
  const NAME = 'registry.example'
  const certificate = selfSignedCertificate([NAME])
  let registry: Listening
  let proxy: Listening
  beforeEach(async () => {
    registry = await tlsTokenRegistry({ basic: BASIC, tls: certificate })
    proxy = await interceptingProxy({ tunnelTo: registry.port })
  })
  afterEach(async () => {
    await registry.close()
    await proxy.close()
  })

  const login = async (inputs: Record<string, string> = {}, env: Record<string, string> = {}) => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: {
        tags: `${NAME}/team/app:1`,
        platforms: 'linux/amd64',
        'https-proxy': `http://127.0.0.1:${proxy.port}`,
        'registry-auth': `- registry: ${NAME}\n  username: ${USER}\n  password-env: REGISTRY_PASSWORD\n`,
        ...inputs
      },
      env: docker.env({ REGISTRY_PASSWORD: PASSWORD, ...env })
    })
    expect(leakedLines(run, [PASSWORD, BASIC])).toEqual([])
    return run
  }
  const sentPassword = () => registry.seen.filter(request => request.authorization !== undefined)

  it('sends nothing to a registry whose certificate is not trusted, and warns naming the host', async () => {
    const run = await login()
    expect(run.main.code).toBe(0)
    expect(sentPassword()).toEqual([])
    const warnings = parseRunnerOutput(run.main.stdout)
      .commands.filter(command => command.name === 'warning')
      .map(command => command.data)
    expect(warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Could not check the "registry-auth" login for ${NAME}: the certificate of ${NAME} is not trusted ` +
            '\\(\\w+\\), so the password was not sent\\. BuildKit would refuse it too: .*ca = '
        )
      )
    )
  })

  it('sends it when the buildkitd config names the CA for that host', async () => {
    const run = await login({
      'buildkitd-config-inline': `[registry."${NAME}"]\n  ca = [${JSON.stringify(certificate.certPath)}]\n`
    })
    expect(run.main.stdout).toContain(`registry-auth ${NAME}: login accepted`)
    expect(sentPassword()).toEqual([
      { method: 'GET', url: `/token?service=fake-registry&account=${USER}`, authorization: `Basic ${BASIC}` }
    ])
  })

  it('sends it when NODE_EXTRA_CA_CERTS names the CA', async () => {
    const run = await login({}, { NODE_EXTRA_CA_CERTS: certificate.certPath })
    expect(run.main.stdout).toContain(`registry-auth ${NAME}: login accepted`)
    expect(sentPassword()).toHaveLength(1)
  })

  it('sends it unchecked to a registry listed in insecure-registries, over TLS as BuildKit will', async () => {
    const run = await login({ 'insecure-registries': NAME })
    expect(run.main.stdout).toContain(`registry-auth ${NAME}: login accepted`)
    expect(sentPassword()).toHaveLength(1)
    expect(proxy.seen.map(request => [request.method, request.url])).toContainEqual([
      'CONNECT',
      `${NAME}:443`
    ])
  })
})

describe('a plain-HTTP registry listed as http://', () => {
  it('is checked over plain HTTP as BuildKit reaches it, with no TLS warning', async () => {
    const registry = await tlsTokenRegistry({ basic: BASIC })
    try {
      const docker = fakeDocker()
      const host = `127.0.0.1:${registry.port}`
      const run = await runAction({
        inputs: {
          tags: `${host}/team/app:1`,
          platforms: 'linux/amd64',
          'insecure-registries': `http://${host}`,
          'registry-auth': `- registry: ${host}\n  username: ${USER}\n  password-env: REGISTRY_PASSWORD\n`
        },
        env: docker.env({ REGISTRY_PASSWORD: PASSWORD })
      })
      expect(run.main.code).toBe(0)
      expect(run.main.stdout).toContain(`registry-auth ${host}: login accepted`)
      expect(run.main.stdout).toMatch(new RegExp(`\\| ${host} +\\| registry +\\| yes +\\| HTTP 401 +\\|`))
      expect(run.main.stdout + run.main.stderr).not.toMatch(/TLS|certificate/)
      expect(parseRunnerOutput(run.main.stdout).commands.filter(c => c.name === 'warning')).toEqual([])
    } finally {
      await registry.close()
    }
  })
})
