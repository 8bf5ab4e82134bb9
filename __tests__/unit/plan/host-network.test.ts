import { isOnLoopback, parseHostsFile } from '../../../src/plan/host-network'

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
