import {
  mkdtempSync,
  rmSync,
  writeFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configuredDockerContext, writePrivateDockerConfig } from '../../../../src/run/docker/config-files'
import { LOGINS as logins } from '../../../support/registry-logins'

describe('configuredDockerContext', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docker-config-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const read = () => configuredDockerContext({ DOCKER_CONFIG: dir })

  it('is empty without a config.json, and without the field', () => {
    expect(read()).toBe('')
    writeFileSync(join(dir, 'config.json'), '{"auths":{"r.example":{"auth":"c2VjcmV0"}}}')
    expect(read()).toBe('')
  })
  it('is the chosen context', () => {
    writeFileSync(join(dir, 'config.json'), '{"currentContext":"colima"}')
    expect(read()).toBe('colima')
  })
  it('is unknown for a file that is not a JSON object or a field that is not a string', () => {
    for (const text of ['{', '[]', 'null', '{"currentContext":7}']) {
      writeFileSync(join(dir, 'config.json'), text)
      expect(read()).toBeUndefined()
    }
  })
})

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
