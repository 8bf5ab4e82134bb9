import fc from 'fast-check'
import {
  bareVersion,
  buildxDownloadUrl,
  checksumUrl,
  compareVersions,
  credentialTransportProblem,
  DEFAULT_BUILDX_DOWNLOAD_URL,
  downloadFileName,
  findChecksum,
  MAX_DOWNLOAD_URL_LENGTH,
  MIN_BUILDX_VERSION,
  needsBuildx,
  parseBuildxVersion,
  PINNED_BUILDX_VERSION,
  splitUserInfo
} from '../../../src/model/buildx-release'
import { InputError } from '../../../src/model/input-error'

describe('parseBuildxVersion', () => {
  it.each([
    ['github.com/docker/buildx v0.37.2 2ef9a1c0d3f', '0.37.2'],
    ['github.com/docker/buildx 0.12.1+azure-1 bd0ed3a3bd4b2e1ff5b2b5a1e6d7aa0e35eb7e12', '0.12.1'],
    ['github.com/docker/buildx v0.12.1-desktop.4 6ea1e4b1c7b0c8b3c0a4e1c0', '0.12.1'],
    ['github.com/docker/buildx v0.3.1-tp-docker 6db68d029599', '0.3.1'],
    ['github.com/docker/buildx v0.37.2 \n', '0.37.2'],
    ['WARNING: something\r\ngithub.com/docker/buildx v0.14.0 171fcbe\r\n', '0.14.0'],
    ['github.com/docker/buildx v0.0.0+unknown', undefined],
    ["docker: 'buildx' is not a docker command.\nSee 'docker --help'", undefined],
    ['', undefined],
    ['Docker version 28.2.2, build e6534b4', undefined]
  ])('%j → %s', (output, expected) => {
    expect(parseBuildxVersion(output)).toBe(expected)
  })
})

describe('compareVersions', () => {
  it.each([
    ['0.13.0', '0.13.0', 0],
    ['v0.13.0', '0.13.0', 0],
    ['0.12.1', '0.13.0', -1],
    ['0.13.1', '0.13.0', 1],
    ['1.0.0', '0.99.99', 1],
    ['0.9.0', '0.10.0', -1],
    ['0.13.0-rc1', '0.13.0', 0],
    ['0.12.1+azure-1', '0.12.1', 0],
    ['0.37.2', '0.4.0', 1]
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected)
  })
  it.each(['', '1.2', 'latest', '1.2.x'])('rejects %j', value => {
    expect(() => compareVersions(value, '1.0.0')).toThrow(/Not a version/)
  })
})

describe('needsBuildx', () => {
  it.each([
    [undefined, true],
    ['', true],
    ["docker: 'buildx' is not a docker command.", true],
    ['github.com/docker/buildx v0.0.0+unknown', true],
    ['github.com/docker/buildx v0.12.1 bd0ed3a', true],
    ['github.com/docker/buildx 0.12.1+azure-1 bd0ed3a', true],
    [`github.com/docker/buildx v${MIN_BUILDX_VERSION} 171fcbe`, false],
    ['github.com/docker/buildx v0.37.2 2ef9a1c', false]
  ])('%j → %s', (output, expected) => {
    expect(needsBuildx(output)).toBe(expected)
  })
  it('pins a version that is new enough', () => {
    expect(compareVersions(PINNED_BUILDX_VERSION, MIN_BUILDX_VERSION)).toBeGreaterThanOrEqual(0)
  })
})

describe('bareVersion', () => {
  it.each([
    ['0.37.2', '0.37.2'],
    ['v0.37.2', '0.37.2'],
    [' v0.13.0-rc1 ', '0.13.0-rc1']
  ])('%j → %s', (input, expected) => {
    expect(bareVersion(input)).toBe(expected)
  })
  it.each(['latest', '0.37', 'v', '0.37.2 && rm -rf /'])('rejects %j', input => {
    expect(() => bareVersion(input)).toThrow(/Not a buildx version/)
  })
})

describe('buildxDownloadUrl', () => {
  const release = (version: string, os: string, arch: string, ext = '') =>
    `https://github.com/docker/buildx/releases/download/v${version}/buildx-v${version}.${os}-${arch}${ext}`
  it.each([
    ['linux', 'x64', release('0.37.2', 'linux', 'amd64')],
    ['linux', 'arm64', release('0.37.2', 'linux', 'arm64')],
    ['linux', 'arm', release('0.37.2', 'linux', 'arm-v7')],
    ['linux', 'ppc64', release('0.37.2', 'linux', 'ppc64le')],
    ['linux', 's390x', release('0.37.2', 'linux', 's390x')],
    ['linux', 'riscv64', release('0.37.2', 'linux', 'riscv64')],
    ['darwin', 'arm64', release('0.37.2', 'darwin', 'arm64')],
    ['win32', 'x64', release('0.37.2', 'windows', 'amd64', '.exe')]
  ])('expands the default template on %s/%s', (platform, arch, expected) => {
    expect(buildxDownloadUrl(DEFAULT_BUILDX_DOWNLOAD_URL, '0.37.2', platform, arch)).toBe(expected)
  })
  it('always puts a leading v in {version}', () => {
    expect(buildxDownloadUrl(DEFAULT_BUILDX_DOWNLOAD_URL, 'v0.37.2', 'linux', 'x64')).toBe(
      release('0.37.2', 'linux', 'amd64')
    )
  })
  it('expands every occurrence in a mirror template', () => {
    expect(
      buildxDownloadUrl(
        'https://mirror.corp:8443/buildx/{version}/{os}/{arch}/buildx-{version}{ext}',
        '0.20.0',
        'linux',
        'x64'
      )
    ).toBe('https://mirror.corp:8443/buildx/v0.20.0/linux/amd64/buildx-v0.20.0')
  })
  it.each([
    ['aix', 'ppc64'],
    ['linux', 'ia32'],
    ['freebsd', 'x64']
  ])('refuses %s/%s', (platform, arch) => {
    expect(() => buildxDownloadUrl(DEFAULT_BUILDX_DOWNLOAD_URL, '0.37.2', platform, arch)).toThrow(
      `buildx is not published for this runner (${platform}/${arch})`
    )
  })
  it.each([
    ['ftp://mirror/{version}/buildx', /Input "buildx-download-url": not an http\(s\) URL/],
    ['mirror.corp/{version}/buildx', /Input "buildx-download-url": not an http\(s\) URL/],
    ['{version}', /Input "buildx-download-url": not an http\(s\) URL/],
    ['', /Input "buildx-download-url": not an http\(s\) URL/],
    ['https://mirror/{ver}/buildx', /Input "buildx-download-url": unknown placeholder \{ver\}/],
    ['https://mirror/{version}/buildx-{platform}', /unknown placeholder \{platform\}/]
  ])('rejects the template %j', (template, message) => {
    expect(() => buildxDownloadUrl(template, '0.37.2', 'linux', 'x64')).toThrow(message)
  })
  it('never puts the password of a template in the message', () => {
    expect(() => buildxDownloadUrl('ftp://bob:hunter22@mirror/{version}', '0.37.2', 'linux', 'x64')).toThrow(
      /ftp:\/\/\*\*\*@mirror/
    )
    expect(() =>
      buildxDownloadUrl('ftp://bob:hunter22@mirror/{version}', '0.37.2', 'linux', 'x64')
    ).not.toThrow(/hunter22/)
  })
})

/** The InputError that expanding template throws (the test fails if it throws nothing or something else). */
function inputErrorOf(template: string): InputError {
  let caught: unknown
  try {
    buildxDownloadUrl(template, '0.37.2', 'linux', 'x64')
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(InputError)
  expect((caught as InputError).input).toBe('buildx-download-url')
  return caught as InputError
}

describe('buildxDownloadUrl transport: https, or plain http only where no one sits in between', () => {
  const expand = (template: string) => buildxDownloadUrl(template, '0.37.2', 'linux', 'x64')
  it.each([
    ['https://mirror.corp/{version}/b-{os}', 'https://mirror.corp/v0.37.2/b-linux'],
    ['http://127.0.0.1:8080/{version}/b', 'http://127.0.0.1:8080/v0.37.2/b'],
    ['http://127.8.9.10/{version}/b', 'http://127.8.9.10/v0.37.2/b'],
    ['http://[::1]:8080/{version}/b', 'http://[::1]:8080/v0.37.2/b'],
    ['http://localhost:8080/{version}/b', 'http://localhost:8080/v0.37.2/b'],
    ['HTTP://LocalHost/{version}/b', 'HTTP://LocalHost/v0.37.2/b'],
    ['http://u:p@127.0.0.1/{version}/b', 'http://u:p@127.0.0.1/v0.37.2/b']
  ])('accepts %s', (template, expected) => {
    expect(expand(template)).toBe(expected)
  })
  it.each([
    'http://mirror.corp/{version}/b',
    'http://10.0.0.1:8080/{version}/b',
    'http://128.0.0.1/{version}/b',
    'http://127.0.0.1.nip.io/{version}/b',
    'http://localhost.evil.example/{version}/b',
    // DNS may answer for these, and @actions/http-client sends them through a configured proxy.
    'http://mirror.localhost/{version}/b',
    'http://[::ffff:127.0.0.1]/{version}/b',
    'http://[::2]/{version}/b'
  ])('refuses %s', template => {
    expect(inputErrorOf(template).reason).toMatch(/^plain http to \S+, where anyone on the way could swap/)
  })
  it('says how to fix it, and never shows the password', () => {
    const error = inputErrorOf('http://bob:hunter22@mirror.corp/{version}/b')
    expect(error.message).toContain('http://***@mirror.corp/{version}/b')
    expect(error.message).toContain('Use an https:// URL')
    expect(error.message).not.toContain('hunter22')
  })
})

describe('buildxDownloadUrl template scanning', () => {
  const expand = (template: string) => buildxDownloadUrl(template, '0.37.2', 'linux', 'x64')
  it('refuses a 2000-character run of "{" as a template error, at the first one', () => {
    const template = `https://m/${'{'.repeat(1990)}`
    expect(template).toHaveLength(2000)
    expect(inputErrorOf(template).reason).toBe('a "{" that opens no placeholder (character 11)')
  })
  it.each([
    ['1990 × "}"', `https://m/${'}'.repeat(1990)}`, 'a "}" that closes no placeholder (character 11)'],
    [
      '"{" and 1989 letters',
      `https://m/{${'a'.repeat(1989)}`,
      'a "{" that opens no placeholder (character 11)'
    ],
    ['600 × "{os"', `https://m/${'{os'.repeat(600)}`, 'a "{" that opens no placeholder (character 11)'],
    ['{{version}}', 'https://m/{{version}}', 'a "{" that opens no placeholder (character 11)'],
    ['{version}}', 'https://m/{version}}', 'a "}" that closes no placeholder (character 20)'],
    ['a "{" at the end', 'https://m/{', 'a "{" that opens no placeholder (character 11)'],
    ['{}', 'https://m/{}', 'unknown placeholder {}'],
    ['{toString}', 'https://m/{toString}', 'unknown placeholder {toString}'],
    ['{__proto__}', 'https://m/{__proto__}', 'unknown placeholder {__proto__}']
  ])('refuses %s', (_label, template, reason) => {
    expect(inputErrorOf(template).reason).toBe(reason)
  })
  it(`refuses a template longer than ${MAX_DOWNLOAD_URL_LENGTH} characters before scanning it, briefly`, () => {
    const error = inputErrorOf(`https://bob:hunter22@m/${'{'.repeat(100_000)}`)
    expect(error.reason).toBe(`100023 characters long, more than ${MAX_DOWNLOAD_URL_LENGTH}`)
    expect(error.message.length).toBeLessThan(300)
    expect(error.message).not.toContain('hunter22')
  })
  it(`accepts a template of exactly ${MAX_DOWNLOAD_URL_LENGTH} characters`, () => {
    const prefix = 'https://m/'
    const template = `${prefix}${'a'.repeat(MAX_DOWNLOAD_URL_LENGTH - prefix.length - '{os}'.length)}{os}`
    expect(template).toHaveLength(MAX_DOWNLOAD_URL_LENGTH)
    expect(expand(template)).toBe(`${template.slice(0, -'{os}'.length)}linux`)
  })
  it('expands hundreds of placeholders in one template', () => {
    expect(expand(`https://m/${'{os}'.repeat(500)}`)).toBe(`https://m/${'linux'.repeat(500)}`)
  })
  it('ignores spaces around the template', () => {
    expect(expand('  https://m/{version}\n')).toBe('https://m/v0.37.2')
  })
  it('never shows a placeholder-like part of user:password', () => {
    const error = inputErrorOf('https://bob:{hunter22}@m/{version}')
    expect(error.reason).toBe('an unknown placeholder in the masked user:password part')
    expect(error.message).not.toContain('hunter22')
  })
  it('expands any mix of text and placeholders as plain substitution would', () => {
    const values: Record<string, string> = { version: 'v0.37.2', os: 'windows', arch: 'arm64', ext: '.exe' }
    const piece = fc.oneof(
      fc.constantFrom('{version}', '{os}', '{arch}', '{ext}'),
      fc.stringMatching(/^[a-z0-9./_-]{1,8}$/)
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), pieces => {
        const expected = pieces.map(p => (p.startsWith('{') ? values[p.slice(1, -1)] : p)).join('')
        expect(buildxDownloadUrl(`https://m/${pieces.join('')}`, '0.37.2', 'win32', 'arm64')).toBe(
          `https://m/${expected}`
        )
      })
    )
  })
})

describe('checksumUrl', () => {
  it.each([
    [
      'https://github.com/docker/buildx/releases/download/v0.37.2/buildx-v0.37.2.linux-amd64',
      'https://github.com/docker/buildx/releases/download/v0.37.2/checksums.txt'
    ],
    ['http://127.0.0.1:8080/buildx-v1.0.0.linux-arm64', 'http://127.0.0.1:8080/checksums.txt'],
    ['https://mirror/a/b/buildx.exe?sig=abc#x', 'https://mirror/a/b/checksums.txt']
  ])('%s → %s', (url, expected) => {
    expect(checksumUrl(url)).toBe(expected)
  })
})

describe('downloadFileName', () => {
  it.each([
    [
      'https://github.com/docker/buildx/releases/download/v0.37.2/buildx-v0.37.2.linux-amd64',
      'buildx-v0.37.2.linux-amd64'
    ],
    ['https://mirror/buildx-v0.37.2.windows-amd64.exe?sig=1', 'buildx-v0.37.2.windows-amd64.exe'],
    ['https://mirror/a%20b', 'a b']
  ])('%s → %s', (url, expected) => {
    expect(downloadFileName(url)).toBe(expected)
  })
})

describe('findChecksum', () => {
  const a = 'a'.repeat(64)
  const b = 'B'.repeat(64)
  const c = 'c'.repeat(64)
  const text = [
    `${a}  buildx-v0.37.2.linux-amd64`,
    `${b} *buildx-v0.37.2.linux-arm64`,
    `${c}  ./buildx-v0.37.2.linux-arm-v7\r`,
    `${a}  buildx-v0.37.2.linux-amd64.sbom.json`,
    'not a checksum line',
    ''
  ].join('\n')
  it.each([
    ['buildx-v0.37.2.linux-amd64', a],
    ['buildx-v0.37.2.linux-arm64', 'b'.repeat(64)],
    ['buildx-v0.37.2.linux-arm-v7', c],
    ['buildx-v0.37.2.linux-s390x', undefined],
    ['buildx-v0.37.2.linux', undefined]
  ])('%s → %s', (fileName, expected) => {
    expect(findChecksum(text, fileName)).toBe(expected)
  })
  it('ignores digests that are not sha256', () => {
    expect(findChecksum(`${'a'.repeat(40)}  buildx`, 'buildx')).toBeUndefined()
  })
})

describe('a user and password in the download URL', () => {
  it('leave the URL (which @actions/tool-cache logs) for an Authorization header', () => {
    expect(splitUserInfo('https://dl-user:p%40ss%2Fw@dl.example/v1/buildx?sig=1')).toEqual({
      url: 'https://dl.example/v1/buildx?sig=1',
      authorization: `Basic ${Buffer.from('dl-user:p@ss/w').toString('base64')}`
    })
    expect(splitUserInfo('https://token@dl.example/b')).toEqual({
      url: 'https://dl.example/b',
      authorization: `Basic ${Buffer.from('token:').toString('base64')}`
    })
  })
  it('leave a URL without them as it is', () => {
    expect(splitUserInfo('https://dl.example/a%20b')).toEqual({ url: 'https://dl.example/a%20b' })
  })
  it('go over https only while certificates are checked; http reaches only loopback anyway', () => {
    expect(credentialTransportProblem('https://dl.example/b', {})).toBeUndefined()
    expect(
      credentialTransportProblem('https://dl.example/b', { NODE_TLS_REJECT_UNAUTHORIZED: '1' })
    ).toBeUndefined()
    expect(
      credentialTransportProblem('http://127.0.0.1/b', { NODE_TLS_REJECT_UNAUTHORIZED: '0' })
    ).toBeUndefined()
    expect(credentialTransportProblem('https://dl.example/b', { NODE_TLS_REJECT_UNAUTHORIZED: '0' })).toMatch(
      /^Input "buildx-download-url": .*NODE_TLS_REJECT_UNAUTHORIZED=0 .*NODE_EXTRA_CA_CERTS/
    )
  })
})

describe('Node arch names', () => {
  it('downloads buildx only for the GOARCHes it is fetched for', () => {
    for (const arch of ['loong64', 'mips', 'constructor']) {
      expect(() => buildxDownloadUrl(DEFAULT_BUILDX_DOWNLOAD_URL, '0.37.2', 'linux', arch)).toThrow(
        `buildx is not published for this runner (linux/${arch})`
      )
    }
  })
})
