import { loopbackNamesIn } from '../../src/run/hosts-file'

describe('loopbackNamesIn', () => {
  const hosts = [
    '127.0.0.1 localhost',
    '::1 localhost ip6-localhost',
    '127.0.0.1 registry.test Proxy.Test # mapped for CI',
    '10.1.2.3 remote.test',
    '127.0.0.1 split.test',
    '192.0.2.7 split.test',
    '# 127.0.0.1 commented.test'
  ].join('\n')
  it('finds names mapped only to loopback addresses', () => {
    expect([
      ...loopbackNamesIn(hosts, [
        'registry.test',
        'proxy.test',
        'remote.test',
        'split.test',
        'commented.test',
        'unknown.test'
      ])
    ]).toEqual(['registry.test', 'proxy.test'])
  })
})
