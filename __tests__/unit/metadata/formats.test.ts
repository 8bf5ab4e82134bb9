import { formatDate } from '../../../src/model/metadata/date-format'
import {
  cleanPep440,
  isPep440Prerelease,
  parsePep440,
  pep440Major,
  pep440Minor,
  pep440Patch
} from '../../../src/model/metadata/pep440'
import { parseSemver } from '../../../src/model/metadata/semver'
import { NOW } from './events'

describe('formatDate reads moment formats as metadata-action renders {{date}}', () => {
  // The outputs are moment-timezone's for 2020-01-10T00:30:00Z (checked through metadata-action's bundle).
  test.each([
    ['YYYYMMDD', 'UTC', '20200110'],
    ['YYYYMMDD-HHmmss', 'Asia/Tokyo', '20200110-093000'],
    ['YYYYMMDD-HHmmss', 'Asia/Kolkata', '20200110-060000'],
    ['YYYY-MM-DD[T]HH', 'UTC', '2020-01-10T00'],
    ['X', 'UTC', '1578616200'],
    ['x', 'UTC', '1578616200000'],
    ['Do MMM YYYY', 'UTC', '10th Jan 2020'],
    ['dddd', 'UTC', 'Friday'],
    ['hh:mm A', 'UTC', '12:30 AM'],
    ['Q E k SSS', 'UTC', '1 5 24 000'],
    ['ZZ', 'America/New_York', '-0500'],
    ['Z', 'Asia/Kolkata', '+05:30'],
    ['\\\\YYYY', 'UTC', '2020'],
    ['\\YYYY [YYYY] \\[', 'UTC', 'YYYY YYYY ['],
    ['Hmmss hmm', 'UTC', '03000 1230'],
    ['YYY Y dd ddd MMMM Mo DDD DDDo DDDD G g', 'UTC', '202020 2020 Fr Fri January 1st 10 10th 010 G g'],
    ['YYYYMMDD', 'Pacific/Honolulu', '20200109']
  ])('%s in %s', (format, zone, expected) => {
    expect(formatDate(NOW, format, zone)).toBe(expected)
  })

  test.each(['w', 'WW', 'gggg', 'GGGG', 'N', 'y', 'z', 'zz', 'L', 'LT', 'llll'])(
    'the token %s is refused',
    token => {
      expect(() => formatDate(NOW, `YYYY ${token}`)).toThrow(/not supported/)
    }
  )

  test('an unknown zone, an empty or a very long format are refused', () => {
    expect(() => formatDate(NOW, 'YYYY', 'Mars/Base')).toThrow(/time zone/)
    expect(() => formatDate(NOW, 'YYYY', '../etc')).toThrow(/time zone/)
    expect(() => formatDate(NOW, '')).toThrow(/empty/)
    expect(() => formatDate(NOW, 'Y'.repeat(257))).toThrow(/longer/)
  })
})

describe('parseSemver is node-semver strict', () => {
  test.each([
    ['v1.2.3', '1.2.3', []],
    ['1.2.3-rc.1+build.5', '1.2.3-rc.1', ['rc', 1]],
    ['v2.0.8-beta.67', '2.0.8-beta.67', ['beta', 67]],
    [' 1.2.3 ', '1.2.3', []],
    ['9007199254740991.0.0', '9007199254740991.0.0', []]
  ])('%s is %s', (text, version, prerelease) => {
    expect(parseSemver(text)).toMatchObject({ raw: text, version, prerelease })
  })

  test.each([
    '1.0',
    '01.2.3',
    '1.2.3-01',
    '=1.2.3',
    'v1.2.3.4',
    '1.2.3-',
    '9007199254740992.0.0',
    `1.2.3-${'a'.repeat(300)}`
  ])('%s is not a version', text => expect(parseSemver(text)).toBeUndefined())
})

describe('parsePep440 as @renovate/pep440 1.0.0', () => {
  // Each checked through metadata-action's bundle (type=pep440,pattern={{version}},value=…).
  test.each([
    ['1.2.3', '1.2.3', false],
    ['v1.2.3', '1.2.3', false],
    ['1.2.3rc2', '1.2.3rc2', true],
    ['1.2.3post1', '1.2.3.post1', true],
    ['1.2.3beta2', '1.2.3b2', true],
    ['1.0dev4', '1.0.dev4', true],
    ['1.0-1', '1.0.post1', true],
    ['1.0.PREVIEW-4', '1.0rc4', true],
    ['1.0c', '1.0rc0', true],
    ['1!2.0', '1!2.0', false],
    ['1.0+Abc.007', '1.0+abc,7', false]
  ])('%s cleans to %s', (text, clean, prerelease) => {
    const version = parsePep440(text)
    expect(version).toBeDefined()
    if (!version) return
    expect(cleanPep440(version)).toBe(clean)
    expect(isPep440Prerelease(version)).toBe(prerelease)
  })

  test('major, minor and patch default to 0', () => {
    const version = parsePep440('2')
    expect(version && [pep440Major(version), pep440Minor(version), pep440Patch(version)]).toEqual([2, 0, 0])
  })

  test.each(['sometag', '1.0-', 'v', '1..0', '1.0 '])('%s is not a version', text => {
    expect(parsePep440(text)).toBeUndefined()
  })
})
