import { matchesNoProxy, parseNoProxy } from '../../../src/model/no-proxy'

describe('matchesNoProxy', () => {
  it.each<[string, string, number, boolean]>([
    // [NO_PROXY, host, port, matches]
    ['', 'example.com', 443, false],
    ['*', 'example.com', 443, true],
    ['*', '10.0.0.1', 80, true],
    ['other.org,*', 'example.com', 443, true],
    ['example.com', 'example.com', 443, true],
    ['example.com', 'registry.example.com', 443, true],
    ['example.com', 'a.b.example.com', 443, true],
    ['example.com', 'fooexample.com', 443, false],
    ['example.com', 'example.com.evil.net', 443, false],
    ['.example.com', 'registry.example.com', 443, true],
    ['.example.com', 'example.com', 443, false],
    ['*.example.com', 'registry.example.com', 443, true],
    ['*.example.com', 'example.com', 443, false],
    ['Example.COM', 'REGISTRY.example.com', 443, true],
    ['  example.com  ', 'example.com', 443, true],
    ['example.com:5000', 'example.com', 5000, true],
    ['example.com:5000', 'example.com', 443, false],
    ['.example.com:443', 'mirror.example.com', 443, true],
    ['.example.com:443', 'mirror.example.com', 80, false],
    ['*.example.com:80', 'mirror.example.com', 80, true],
    ['10.1.2.3', '10.1.2.3', 443, true],
    ['10.1.2.3', '10.1.2.4', 443, false],
    ['10.1.2.3:5000', '10.1.2.3', 5000, true],
    ['10.1.2.3:5000', '10.1.2.3', 443, false],
    ['10.0.0.0/8', '10.200.1.1', 443, true],
    ['10.0.0.0/8', '11.0.0.1', 443, false],
    ['10.0.0.0/8', 'ten.example.com', 443, false],
    ['192.168.1.0/24', '192.168.1.77', 80, true],
    ['192.168.1.0/24', '192.168.2.1', 80, false],
    ['192.168.1.9/24', '192.168.1.200', 80, true],
    ['172.16.0.0/12', '172.31.255.255', 80, true],
    ['172.16.0.0/12', '172.32.0.1', 80, false],
    ['0.0.0.0/0', '203.0.113.5', 80, true],
    ['0.0.0.0/0', '[2001:db8::1]', 80, false],
    ['::/0', '203.0.113.5', 80, false],
    ['::/0', '[2001:db8::1]', 80, true],
    ['fd00::/8', '[fd12:3456::1]', 443, true],
    ['fd00::/8', 'fd12:3456::1', 443, true],
    ['fd00::/8', '[fe80::1]', 443, false],
    ['fd00::/8', '10.0.0.1', 443, false],
    ['fd00::1', '[fd00:0:0::1]', 443, true],
    ['fd00::1', '[fd00::2]', 443, false],
    ['[fd00::1]:5000', '[fd00::1]', 5000, true],
    ['[fd00::1]:5000', '[fd00::1]', 443, false],
    ['::ffff:10.0.0.1', '10.0.0.1', 443, true],
    ['10.0.0.1', '[::ffff:10.0.0.1]', 443, true],
    ['::ffff:10.0.0.0/104', '10.9.9.9', 443, true],
    // Go ignores an entry without a host, and reads "[v6]" without a port as a (never matching) domain.
    [':5000', 'example.com', 5000, false],
    ['[fd00::1]', '[fd00::1]', 443, false],
    // Host names are only compared as names, even when they look like a prefix of an address.
    ['10.0.0', '10.0.0.1', 443, false],
    ['corp', 'registry.corp', 443, true],
    ['corp', 'registrycorp', 443, false]
  ])('NO_PROXY=%j, host %s port %d → %s', (noProxy, host, port, expected) => {
    expect(matchesNoProxy(host, port, noProxy.split(','))).toBe(expected)
  })

  it('matches when any of several entries does', () => {
    expect(matchesNoProxy('ghcr.io', 443, parseNoProxy('localhost,10.0.0.0/8 .corp.example\nghcr.io'))).toBe(
      true
    )
    expect(matchesNoProxy('quay.io', 443, parseNoProxy('localhost,10.0.0.0/8 .corp.example\nghcr.io'))).toBe(
      false
    )
  })
})

describe('parseNoProxy', () => {
  it('accepts commas, spaces and newlines and removes duplicates', () => {
    expect(parseNoProxy('localhost, 127.0.0.1\n.corp.example.com,10.0.0.0/8,localhost')).toEqual([
      'localhost',
      '127.0.0.1',
      '.corp.example.com',
      '10.0.0.0/8'
    ])
  })
  it('rejects entries that are not hosts', () => {
    expect(() => parseNoProxy('good.example,bad;host')).toThrow(/Input "no-proxy".*"bad;host"/)
  })
})
