import { buildxDownloadUrl, DEFAULT_BUILDX_DOWNLOAD_URL } from '../../src/model/buildx-release'
import { isHost, isLoopbackHost, unbracket } from '../../src/model/hosts'
import { goArchOf, hostGoArch } from '../../src/model/platform'

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

describe('Node arch names', () => {
  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
    ['arm', 'arm'],
    ['ia32', '386'],
    ['ppc64', 'ppc64le'],
    ['loong64', 'loong64']
  ])('%s is GOARCH %s', (node, go) => {
    expect(goArchOf(node)).toBe(go)
    expect(hostGoArch(node)).toBe(go)
  })
  it('knows no arch outside the table', () => {
    expect(goArchOf('mips')).toBeUndefined()
    expect(goArchOf('constructor')).toBeUndefined()
    expect(hostGoArch('mips')).toBe('mips')
  })
  it('downloads buildx only for the GOARCHes it is fetched for', () => {
    for (const arch of ['loong64', 'mips', 'constructor']) {
      expect(() => buildxDownloadUrl(DEFAULT_BUILDX_DOWNLOAD_URL, '0.37.2', 'linux', arch)).toThrow(
        `buildx is not published for this runner (linux/${arch})`
      )
    }
  })
})
