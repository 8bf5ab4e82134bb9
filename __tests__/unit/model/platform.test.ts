import {
  emulatedArchitectures,
  hostGoArch,
  goArchOf,
  isPlatform,
  suggestPlatform,
  canonicalPlatform,
  indexPlatformProblems
} from '../../../src/model/platform'

describe('emulatedArchitectures', () => {
  it('needs nothing for native platforms', () => {
    expect(emulatedArchitectures(['linux/amd64', 'linux/386'], 'amd64')).toEqual([])
    expect(emulatedArchitectures([], 'amd64')).toEqual([])
  })
  it('names the qemu binaries for foreign platforms, once each', () => {
    expect(
      emulatedArchitectures(
        ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/s390x'],
        'amd64'
      )
    ).toEqual(['aarch64', 'arm', 's390x'])
    expect(emulatedArchitectures(['linux/amd64', 'linux/arm64'], 'arm64')).toEqual(['x86_64'])
  })
  it('maps Node architecture names to Go ones', () => {
    expect(hostGoArch('x64')).toBe('amd64')
    expect(hostGoArch('arm64')).toBe('arm64')
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
})

describe('references', () => {
  it('bounds platform components', () => {
    expect(isPlatform(`linux/${'a'.repeat(32)}`)).toBe(true)
    expect(isPlatform(`linux/${'a'.repeat(33)}`)).toBe(false)
  })
  it('never suggests an Object.prototype member as an architecture', () => {
    expect(['constructor', 'linux/constructor', 'linux/__proto__', 'toString'].map(suggestPlatform)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined
    ])
    expect(isPlatform('linux/constructor')).toBe(true)
  })
})

describe('the platforms of a merged index', () => {
  it('finds what is missing and what is there twice, spelling variants alike', () => {
    expect(indexPlatformProblems(['linux/amd64', 'linux/arm64'], ['linux/amd64', 'linux/arm64/v8'])).toEqual({
      missing: [],
      duplicated: []
    })
    expect(indexPlatformProblems(['linux/amd64', 'linux/arm64'], ['linux/amd64'])).toEqual({
      missing: ['linux/arm64'],
      duplicated: []
    })
    expect(indexPlatformProblems([], ['linux/amd64', 'linux/amd64/v1'])).toEqual({
      missing: [],
      duplicated: ['linux/amd64']
    })
    expect(canonicalPlatform('linux/arm')).toBe('linux/arm/v7')
    expect(canonicalPlatform('linux/arm/v6')).toBe('linux/arm/v6')
  })
})
