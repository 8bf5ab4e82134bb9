import { authKey, privateDockerConfig, registryApiHost } from '../../../src/model/docker-config'
import { base64, LOGINS as logins, PASSWORD } from '../../support/registry-logins'

describe('the private Docker config', () => {
  it('keys Docker Hub the way docker login does and probes its API host', () => {
    expect([authKey('docker.io'), authKey('r.example:5000')]).toEqual([
      'https://index.docker.io/v1/',
      'r.example:5000'
    ])
    expect([registryApiHost('docker.io'), registryApiHost('ghcr.io')]).toEqual([
      'registry-1.docker.io',
      'ghcr.io'
    ])
  })
  it('keeps the user config and puts the logins in auths', () => {
    const original = {
      auths: { 'other.example': { auth: 'b3RoZXI=' }, 'ghcr.io': { auth: 'b2xk' } },
      credHelpers: { 'ecr.example': 'ecr-login', 'ghcr.io': 'gh' },
      proxies: { default: { httpProxy: 'http://p:3128' } },
      cliPluginsExtraDirs: ['/opt/plugins'],
      detachKeys: 'ctrl-x'
    }
    expect(privateDockerConfig(original, logins)).toEqual({
      auths: {
        'other.example': { auth: 'b3RoZXI=' },
        'ghcr.io': { auth: base64(`bot:${PASSWORD}`) },
        'https://index.docker.io/v1/': { auth: base64('hub:tok') }
      },
      credHelpers: { 'ecr.example': 'ecr-login' },
      proxies: { default: { httpProxy: 'http://p:3128' } },
      cliPluginsExtraDirs: ['/opt/plugins'],
      detachKeys: 'ctrl-x'
    })
  })
  it('turns a credsStore into helpers of the registries it holds, so it cannot answer for ours', () => {
    expect(
      privateDockerConfig({ credsStore: 'desktop', auths: { 'a.example': {}, 'ghcr.io': {} } }, logins)
    ).toEqual({
      credHelpers: { 'a.example': 'desktop' },
      auths: {
        'a.example': {},
        'ghcr.io': { auth: base64(`bot:${PASSWORD}`) },
        'https://index.docker.io/v1/': { auth: base64('hub:tok') }
      }
    })
  })
  it('starts empty without a user config', () => {
    expect(privateDockerConfig(undefined, logins.slice(1))).toEqual({
      auths: { 'https://index.docker.io/v1/': { auth: base64('hub:tok') } }
    })
  })
})
