import { emulatedArchitectures, hostGoArch } from '../../src/model/platform'

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
