import TOML from '@iarna/toml'
import { parseInputs } from '../../src/inputs/parse'
import { makePlan } from '../../src/plan/plan'
import { inputSource, PUSHABLE } from '../support/inputs'
import { PLAN_CONTEXT as context } from '../support/plan'

describe('values that look wrong but are accepted give exactly the intended config', () => {
  const plan = (values: Record<string, string>) =>
    makePlan(parseInputs(inputSource({ ...PUSHABLE, ...values })), context)

  it.each([
    [
      'scheme and host in upper case, a leading-zero port, a trailing slash',
      { 'registry-mirrors': ' HTTP://M.Example:05000/hub/ ' },
      { 'docker.io': { mirrors: ['m.example:5000/hub'] }, 'm.example:5000': { http: true } }
    ],
    [
      'spaces around "=", a Docker Hub alias, IPv6 in brackets',
      { 'registry-mirrors': ' ghcr.io = https://g.example/ \nIndex.Docker.IO=[::1]:5001' },
      { 'ghcr.io': { mirrors: ['g.example'] }, 'docker.io': { mirrors: ['[::1]:5001'] } }
    ],
    [
      'CRLF, tabs, blank lines, a quoted entry and a duplicate',
      {
        'registry-mirrors': '\r\n\t"a.example"\t,\r\n\r\nb.example , a.example\r\n',
        'insecure-registries': 'HTTPS://R.Example:5000\r\n\r\nr.example:5000\r\n'
      },
      {
        'docker.io': { mirrors: ['a.example', 'b.example'] },
        'r.example:5000': { http: true, insecure: true }
      }
    ]
  ])('%s', (_name, values, registry) => {
    const { configToml, registryModel } = plan(values)
    expect(TOML.parse(configToml)).toEqual({ registry })
    expect(Object.fromEntries(registryModel)).toEqual(
      Object.fromEntries(
        Object.entries(registry).map(([host, options]) => [host, { mirrors: [], ...options }])
      )
    )
  })

  it('keeps "__proto__" and "constructor" keys of the user TOML as plain keys, polluting nothing', () => {
    const { configToml } = plan({
      'buildkitd-config-inline':
        '\ufeffconstructor = 1\n[__proto__]\npolluted = "yes"\n[worker.__proto__]\nmirrors = ["p.example"]',
      'registry-mirrors': 'm.example'
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(TOML.parse(configToml))).toBe(
      JSON.stringify(
        JSON.parse(
          '{"constructor":1,"__proto__":{"polluted":"yes"},"worker":{"__proto__":{"mirrors":["p.example"]}},' +
            '"registry":{"docker.io":{"mirrors":["m.example"]}}}'
        )
      )
    )
  })

  it('passes an "@" inside a proxy password through whole, and masks all of it', () => {
    const { proxyEnv, redactions, hostNetworkReasons } = plan({
      'http-proxy': 'HTTP://u:s3cr3t@pa55@127.0.0.1:3128',
      'https-proxy': 'socks5h://u:p%40ss,w0rd@proxy.corp:1080'
    })
    expect(proxyEnv.HTTP_PROXY).toBe('HTTP://u:s3cr3t@pa55@127.0.0.1:3128')
    expect(proxyEnv.HTTPS_PROXY).toBe('socks5h://u:p%40ss,w0rd@proxy.corp:1080')
    expect(redactions).toEqual([
      ['HTTP://u:s3cr3t@pa55@127.0.0.1:3128', 'HTTP://***@127.0.0.1:3128'],
      ['socks5h://u:p%40ss,w0rd@proxy.corp:1080', 'socks5h://***@proxy.corp:1080']
    ])
    expect(hostNetworkReasons).toEqual(['proxy HTTP://***@127.0.0.1:3128 is on loopback'])
  })

  it('accepts the NO_PROXY forms Go understands', () => {
    const entries = 'localhost,127.0.0.1,.corp.example.com,*.svc,my_host,::1,[::1]:8080,10.0.0.0/8,fd00::/8,*'
    expect(parseInputs(inputSource({ ...PUSHABLE, 'no-proxy': entries })).proxy.noProxy).toEqual(
      entries.split(',')
    )
  })
})
