import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loginVerdict, parseChallenge, tokenRequestUrl } from '../../src/plan/preflight'
import { writePrivateDockerConfig } from '../../src/run/docker/config-files'
import { LOGINS as logins } from '../support/registry-logins'

describe('the private Docker config', () => {
  describe('on disk', () => {
    let root: string
    beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'registry-auth-'))))
    afterEach(() => rmSync(root, { recursive: true, force: true }))

    it('is a 0700 folder in the work dir with a 0600 config.json, the user plugins and contexts linked, builders where they were', () => {
      const user = join(root, 'user-docker')
      mkdirSync(join(user, 'cli-plugins'), { recursive: true })
      writeFileSync(join(user, 'config.json'), JSON.stringify({ auths: { 'x.example': { auth: 'eA==' } } }))
      const workDir = join(root, 'work')
      mkdirSync(workDir)
      const env = writePrivateDockerConfig(workDir, logins, { DOCKER_CONFIG: user })
      const dir = join(workDir, 'docker-config')
      expect(env).toEqual({ DOCKER_CONFIG: dir, BUILDX_CONFIG: join(user, 'buildx') })
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600)
      expect(Object.keys(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).auths)).toEqual([
        'x.example',
        'ghcr.io',
        'https://index.docker.io/v1/'
      ])
      expect(readlinkSync(join(dir, 'cli-plugins'))).toBe(join(user, 'cli-plugins'))
      // contexts does not exist yet; the link shows it once the user makes one.
      expect(lstatSync(join(dir, 'contexts')).isSymbolicLink()).toBe(true)
      expect(readFileSync(join(user, 'config.json'), 'utf8')).toBe(
        JSON.stringify({ auths: { 'x.example': { auth: 'eA==' } } })
      )
    })
    it('keeps a BUILDX_CONFIG the step already sets', () => {
      mkdirSync(join(root, 'work'))
      expect(
        writePrivateDockerConfig(join(root, 'work'), logins, { DOCKER_CONFIG: root, BUILDX_CONFIG: '/b' })
          .BUILDX_CONFIG
      ).toBe('/b')
    })
    it('refuses a user config.json that is not JSON, without quoting it', () => {
      writeFileSync(join(root, 'config.json'), '{"auths": {"x": "secret-ish"')
      mkdirSync(join(root, 'work'))
      expect(() => writePrivateDockerConfig(join(root, 'work'), logins, { DOCKER_CONFIG: root })).toThrow(
        /Cannot read .*config.json to extend it with "registry-auth"/
      )
    })
  })
})

describe('the login check of the preflight', () => {
  it('reads a Bearer challenge with its realm and service, and Basic', () => {
    expect(
      parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="x"')
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.example/token',
      service: 'registry.example'
    })
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic' })
    expect(parseChallenge('')).toBeUndefined()
    expect(parseChallenge('Bearer realm="file:///etc/passwd"')).toBeUndefined()
    expect(parseChallenge('Negotiate')).toBeUndefined()
  })
  it('asks the realm for a token the way docker login does', () => {
    expect(tokenRequestUrl({ realm: 'https://auth.example/token?x=1', service: 'reg istry' }, 'bot')).toBe(
      'https://auth.example/token?x=1&service=reg+istry&account=bot'
    )
  })
  it('fails on 401 and 403 naming the input and the registry, passes on 2xx, warns otherwise', () => {
    expect(loginVerdict('ghcr.io', 401, 'HTTP 401').error).toMatch(
      /^Input "registry-auth": registry ghcr.io rejected the username and password \(HTTP 401\)/
    )
    expect(loginVerdict('ghcr.io', 403, 'HTTP 403').error).toMatch(/HTTP 403/)
    expect(loginVerdict('ghcr.io', 200, 'HTTP 200')).toEqual({
      registry: 'ghcr.io',
      status: 'login accepted'
    })
    const unknown = loginVerdict('ghcr.io', undefined, 'timeout after 3000 ms')
    expect(unknown.error).toBeUndefined()
    expect(unknown.warning).toMatch(
      /Could not check the "registry-auth" login for ghcr.io \(timeout after 3000 ms\)/
    )
    expect(loginVerdict('ghcr.io', 500, 'HTTP 500').warning).toBeDefined()
  })
})
