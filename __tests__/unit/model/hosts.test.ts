import { isHost, isLoopbackHost, unbracket, isPort } from '../../../src/model/hosts'

describe('unbracket', () => {
  it.each([
    ['[::1]', '::1'],
    ['[fe80::1%eth0]', 'fe80::1%eth0'],
    ['::1', '::1'],
    ['proxy.corp', 'proxy.corp'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1', '[::1'],
    ['[]', '']
  ])('%s → %s', (host, bare) => {
    expect(unbracket(host)).toBe(bare)
  })
  it('is how hosts and loopback see an IPv6 address', () => {
    expect(isHost('[::1]')).toBe(true)
    expect(isLoopbackHost('[::1]')).toBe(true)
    expect(isLoopbackHost('::1')).toBe(true)
  })
})

describe('hosts', () => {
  it('reads IPv6 literals as addresses, not as hex and colons', () => {
    expect(['[::1]', '[fe80::1%eth0]', '[::ffff:127.0.0.1]'].map(isHost)).toEqual([true, true, true])
    expect(['[:]', '[:::]', '[1::2::3]', '[::1%]', '[::1%a%b]'].map(isHost)).toEqual([
      false,
      false,
      false,
      false,
      false
    ])
  })
  it('reads ports as 1 to 65535 in ASCII digits', () => {
    expect(['1', '65535', '05000'].map(isPort)).toEqual([true, true, true])
    expect(['0', '65536', '+80', '８０', '', '123456'].map(isPort)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false
    ])
  })
})
