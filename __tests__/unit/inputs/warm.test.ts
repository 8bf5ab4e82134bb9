import { parseDuration, parseSize } from '../../../src/model/warm-shape'
import { GIB, warmPlanOf } from '../../support/plan'

describe('warm builder inputs', () => {
  it('read durations and sizes, and refuse others naming the input', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000)
    expect(parseDuration('0')).toBe(0)
    expect(parseDuration('1w')).toBeUndefined()
    expect(parseSize('20GB')).toBe(20 * GIB)
    expect(parseSize('20G')).toBeUndefined()
    expect(() => warmPlanOf({ 'warm-builder-idle': 'soon' })).toThrow(
      /Input "warm-builder-idle".*not a duration/
    )
    expect(() => warmPlanOf({ 'warm-builder-cache': 'lots' })).toThrow(
      /Input "warm-builder-cache".*not a size/
    )
    expect(() => warmPlanOf({ builder: 'mine' })).toThrow(/Input "warm-builder".*"builder"/)
  })
  it('warn that builder-name is not used', () => {
    expect(warmPlanOf({ 'builder-name': 'mine' }).warnings).toContain(
      'warm-builder names the builder after its config, so builder-name is not used.'
    )
  })
})
