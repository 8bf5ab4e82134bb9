import { parseInputs } from '../../src/inputs/parse'
import { isOnLoopback, parseHostsFile } from '../../src/plan/host-network'
import { makePlan } from '../../src/plan/plan'
import { inheritedProxyNotice } from '../../src/report/notices'
import { inputSource } from '../support/inputs'

describe('isOnLoopback with a hosts file', () => {
  const hosts = parseHostsFile(
    [
      '127.0.0.1 localhost',
      '::1 localhost ip6-localhost',
      '127.0.0.1 registry.test Proxy.Test # mapped for CI',
      '10.1.2.3 remote.test',
      '127.0.0.1 split.test',
      '192.0.2.7 split.test',
      '# 127.0.0.1 commented.test'
    ].join('\n')
  )
  it('finds names mapped only to loopback addresses', () => {
    expect(
      ['registry.test', 'proxy.test', 'remote.test', 'split.test', 'commented.test', 'unknown.test'].filter(
        name => isOnLoopback(name, hosts)
      )
    ).toEqual(['registry.test', 'proxy.test'])
  })
  it('takes loopback addresses and names as they are, with or without a hosts file', () => {
    expect(
      ['127.0.0.2', '[::1]', 'localhost', 'a.localhost'].every(host => isOnLoopback(host, new Map()))
    ).toBe(true)
    expect(isOnLoopback('10.1.2.3', hosts)).toBe(false)
  })
})

describe('the builder network for registries only the tags and cache refs name', () => {
  const planOf = (values: Record<string, string>) =>
    makePlan(parseInputs({ ...inputSource(values), defaultBuilderName: 'b1' }), {
      workDir: '/tmp/run',
      hostsFile: '127.0.0.1 registry.test'
    })
  it.each([
    ['a tag on 127.0.0.1', { tags: '127.0.0.1:5000/team/app:1' }, 'registry 127.0.0.1:5000 is on loopback'],
    ['a tag on localhost', { tags: 'localhost:5000/app' }, 'registry localhost:5000 is on loopback'],
    [
      'a tag on a name mapped to loopback',
      { tags: 'registry.test/app' },
      'registry registry.test is on loopback'
    ],
    [
      'a cache ref on loopback',
      { tags: 'r.example/app', 'cache-to': 'type=registry,ref=127.0.0.1:5002/cache:1,mode=max' },
      'registry 127.0.0.1:5002 is on loopback'
    ],
    [
      'the cache shorthand next to a loopback tag',
      { tags: '[::1]:5000/app', cache: 'registry' },
      'registry [::1]:5000 is on loopback'
    ]
  ])('shares the host network for %s', (_, values, reason) => {
    const plan = planOf(values)
    expect(plan.hostNetworkReasons).toEqual([reason])
    expect(plan.commands.create).toContain('network=host')
  })
  it('keeps the bridge network for registries elsewhere', () => {
    const plan = planOf({ tags: 'r.example/app:1', 'cache-from': 'type=local,src=/tmp/x' })
    expect(plan.hostNetworkReasons).toEqual([])
  })
})

describe('a loopback proxy from the runner environment', () => {
  const planOf = (values: Record<string, string>, env: Record<string, string>) =>
    makePlan(parseInputs({ ...inputSource(values, env), defaultBuilderName: 'b1' }), {
      workDir: '/tmp/run',
      hostsFile: '127.0.0.1 proxy.test'
    })
  it('is recorded with the variable it came from, and announced with the way out', () => {
    const proxy = 'http://u:pw@proxy.test:3128'
    const plan = planOf({ tags: 'r.example/app:1' }, { HTTP_PROXY: proxy, https_proxy: proxy })
    expect(plan.commands.create).toContain('network=host')
    expect(plan.inheritedLoopbackProxies.map(url => [url.fromEnvironment, url.display])).toEqual([
      ['HTTP_PROXY', 'http://***@proxy.test:3128'],
      ['https_proxy', 'http://***@proxy.test:3128']
    ])
    const notice = inheritedProxyNotice(plan.inheritedLoopbackProxies) ?? ''
    expect(notice).toContain('HTTP_PROXY=http://***@proxy.test:3128')
    expect(notice).toContain(
      'set HTTP_PROXY: "", http_proxy: "", HTTPS_PROXY: "", https_proxy: "" in this step\'s env'
    )
    expect(notice).not.toContain('pw')
  })
  it('is not announced when an input names the proxy, or when it is not on loopback', () => {
    const fromInput = planOf({ tags: 'r.example/app:1', 'https-proxy': 'http://127.0.0.1:3128' }, {})
    expect(fromInput.commands.create).toContain('network=host')
    expect(inheritedProxyNotice(fromInput.inheritedLoopbackProxies)).toBeUndefined()
    const remote = planOf({ tags: 'r.example/app:1' }, { HTTPS_PROXY: 'http://proxy.example:3128' })
    expect(inheritedProxyNotice(remote.inheritedLoopbackProxies)).toBeUndefined()
  })
})
