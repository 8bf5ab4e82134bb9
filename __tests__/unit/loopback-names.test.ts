import { parseInputs } from '../../src/inputs/parse'
import { isOnLoopback, parseHostsFile } from '../../src/plan/host-network'
import { makePlan } from '../../src/plan/plan'
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
