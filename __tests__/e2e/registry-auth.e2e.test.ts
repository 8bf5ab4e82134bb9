import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { buildWith, commandLine, expectClean, failure, run, stack } from '../support/e2e'
import { ActionRun, leakedLines } from '../support/run-action'
import { logOffset, logSince, TokenRegistry, tokenLogEntries } from '../support/stack'

// registry-auth on the real stack: the token registry and its token service have names only the named proxy
// resolves (*.proxy-only.onion), so `docker login` (through dockerd, which has no proxy) cannot reach them. The
// action logs in for its own step instead, and checks the login through the proxy before any builder exists.

jest.setTimeout(900_000)

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY']
/** No proxy variables in the step, so only the proxy inputs give the action a proxy; the stack CA for the buildx client. */
const ENV = {
  ...Object.fromEntries(
    PROXY_VARIABLES.flatMap(name => [
      [name, ''],
      [name.toLowerCase(), '']
    ])
  ),
  SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR
}
const NAMED_PROXY = stack.STACK_NAMED_PROXY
const USER = stack.STACK_TOKEN_USER
const base64 = (password: string) => Buffer.from(`${USER}:${password}`).toString('base64')
const USER_CONFIG = join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json')
const userConfig = () => (existsSync(USER_CONFIG) ? readFileSync(USER_CONFIG, 'utf8') : undefined)

const inputs = (repository: string) => ({
  retries: '0',
  tags: `${stack.STACK_TOKEN_REGISTRY}/${repository}:1`,
  platforms: 'linux/amd64,linux/arm64',
  'buildkitd-config-inline': `[registry."${stack.STACK_TOKEN_REGISTRY}"]\nca = ["${stack.STACK_TLS_CA}"]`,
  'http-proxy': NAMED_PROXY,
  'https-proxy': NAMED_PROXY,
  'registry-auth': `- registry: ${stack.STACK_TOKEN_REGISTRY}\n  username: ${USER}\n  password-env: REGISTRY_TOKEN\n`
})

/** Post succeeded, the builder and this run's folder are gone, the user's Docker config is as it was. */
function expectNothingLeft(result: ActionRun, builder: string, configBefore: string | undefined) {
  expect(result.post.code).toBe(0)
  expectClean(builder)
  expect(existsSync(result.runnerTemp) ? readdirSync(result.runnerTemp) : []).toEqual([])
  expect(userConfig()).toBe(configBefore)
}

describe('registry-auth: a login for this step only, through the proxy', () => {
  const tokens = new TokenRegistry(stack)

  it('pushes to the token registry behind the named proxy with no docker login and no DOCKER_CONFIG of its own', async () => {
    const repository = `e2e/registry-auth-${run}`
    const configBefore = userConfig()
    const authLog = logOffset(stack.STACK_TOKEN_AUTH_LOG)
    const { builder, result } = await buildWith('registry-auth', inputs(repository), {
      env: { ...ENV, REGISTRY_TOKEN: stack.STACK_TOKEN_PASSWORD }
    })
    expect(result.main.code).toBe(0)
    expect(result.main.stdout).toContain(`registry-auth ${stack.STACK_TOKEN_REGISTRY}: login accepted`)
    // Read before the test's own check, which asks the token service directly.
    const requests = tokenLogEntries(logSince(stack.STACK_TOKEN_AUTH_LOG, authLog))
    const { digest, platforms } = await tokens.platformManifests(repository, '1')
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(result.outputs.digest).toBe(digest)
    // The preflight's token request (account=, no scope) and the push's came through the named proxy, authenticated.
    const fromProxy = requests.filter(entry => entry.source.startsWith(`${stack.STACK_NAMED_PROXY_SOURCE}:`))
    expect(fromProxy.length).toBe(requests.length)
    expect(requests.some(entry => entry.user === USER && entry.authenticated && !entry.scope?.length)).toBe(
      true
    )
    expect(
      requests.some(
        entry => entry.user === USER && entry.authenticated && entry.granted?.some(g => g.includes('push'))
      )
    ).toBe(true)
    expect(leakedLines(result, [stack.STACK_TOKEN_PASSWORD, base64(stack.STACK_TOKEN_PASSWORD)])).toEqual([])
    expectNothingLeft(result, builder, configBefore)
  })

  it('fails in the preflight on a wrong password, naming the input and the registry, before any builder exists', async () => {
    const repository = `e2e/registry-auth-wrong-${run}`
    const configBefore = userConfig()
    const wrong = `wrong-${run}-Pa55`
    const { builder, result } = await buildWith('registry-auth-wrong', inputs(repository), {
      env: { ...ENV, REGISTRY_TOKEN: wrong }
    })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain(
      `Input "registry-auth": registry ${stack.STACK_TOKEN_REGISTRY} rejected the username and password (HTTP 401).`
    )
    expect(commandLine(result, 'buildx create')).toBe(-1)
    expect(await tokens.hasTag(repository, '1')).toBe(false)
    expect(leakedLines(result, [wrong, base64(wrong)])).toEqual([])
    expectNothingLeft(result, builder, configBefore)
  })
})
