import { formatDate } from '../../../../src/model/metadata/date-format'
import { NOW } from '../../../support/metadata/events'
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
