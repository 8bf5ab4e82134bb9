import {
  COSIGN_RELEASE,
  DEFAULT_COSIGN_DOWNLOAD_URL,
  MIN_COSIGN_VERSION,
  parseCosignVersion,
  PINNED_COSIGN_VERSION,
  usableCosign
} from '../../../src/model/cosign-release'
import { checksumUrl, compareVersions, releaseDownloadUrl } from '../../../src/model/release-tool'
import { InputError } from '../../../src/model/input-error'

const VERSION_OUTPUT = (version: string) =>
  `  ______\ncosign: A tool for Container Signing\n\nGitVersion:    ${version}\nGitCommit:     unknown\n`

describe('parseCosignVersion', () => {
  it.each([
    [VERSION_OUTPUT('v3.1.3'), '3.1.3'],
    [VERSION_OUTPUT('v2.5.0'), '2.5.0'],
    [VERSION_OUTPUT('v3.0.0-rc.1'), '3.0.0'],
    [VERSION_OUTPUT('v0.0.0-unknown'), undefined],
    [VERSION_OUTPUT('devel'), undefined],
    ['cosign: command not found', undefined]
  ])('%j → %s', (output, expected) => {
    expect(parseCosignVersion(output)).toBe(expected)
  })
})

describe('usableCosign', () => {
  it('takes v3 or newer, nothing older, and no cosign that did not run', () => {
    expect(usableCosign(VERSION_OUTPUT('v3.1.3'))).toBe('3.1.3')
    expect(usableCosign(VERSION_OUTPUT('v2.6.1'))).toBeUndefined()
    expect(usableCosign(undefined)).toBeUndefined()
  })
  it('pins a version that is new enough', () => {
    expect(compareVersions(PINNED_COSIGN_VERSION, MIN_COSIGN_VERSION)).toBeGreaterThanOrEqual(0)
  })
})

describe('the cosign release', () => {
  const release = (file: string) => `https://github.com/sigstore/cosign/releases/download/v3.1.3/${file}`
  it.each([
    ['linux', 'x64', release('cosign-linux-amd64')],
    ['linux', 'arm64', release('cosign-linux-arm64')],
    ['linux', 'arm', release('cosign-linux-arm')],
    ['darwin', 'arm64', release('cosign-darwin-arm64')],
    ['win32', 'x64', release('cosign-windows-amd64.exe')]
  ])('expands the default template on %s/%s', (platform, arch, expected) => {
    expect(releaseDownloadUrl(COSIGN_RELEASE, DEFAULT_COSIGN_DOWNLOAD_URL, '3.1.3', platform, arch)).toBe(
      expected
    )
  })
  it('is checked against cosign_checksums.txt beside the file', () => {
    expect(checksumUrl(release('cosign-linux-amd64'), COSIGN_RELEASE.checksumsFile)).toBe(
      release('cosign_checksums.txt')
    )
  })
  it('names cosign-download-url in a refusal, and says cosign is not published for an unknown runner', () => {
    let caught: unknown
    try {
      releaseDownloadUrl(COSIGN_RELEASE, 'http://mirror.corp/{version}/cosign', '3.1.3', 'linux', 'x64')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InputError)
    expect((caught as InputError).input).toBe('cosign-download-url')
    expect(() =>
      releaseDownloadUrl(COSIGN_RELEASE, DEFAULT_COSIGN_DOWNLOAD_URL, '3.1.3', 'aix', 'x64')
    ).toThrow('cosign is not published for this runner (aix/x64).')
    expect(() =>
      releaseDownloadUrl(COSIGN_RELEASE, DEFAULT_COSIGN_DOWNLOAD_URL, 'latest', 'linux', 'x64')
    ).toThrow('Not a cosign version')
  })
})
