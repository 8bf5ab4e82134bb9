import fc from 'fast-check'
import { quoteValue } from '../../../src/model/input-error'
import { RUNS } from '../../support/arbitraries'

// Hardened after the bad-input table (__tests__/unit/inputs/parse.test.ts) exposed gaps.

describe('quoteValue', () => {
  it('is JSON.stringify for printable text', () => {
    expect(quoteValue('a "b" \\ c')).toBe(JSON.stringify('a "b" \\ c'))
  })
  it('escapes what JSON leaves raw: invisible, bidi, NBSP, line separators, DEL', () => {
    expect(quoteValue('a\u200bb\u202ec\u00a0d\u2028e\u007f')).toBe(
      '"a\\u200bb\\u202ec\\u00a0d\\u2028e\\u007f"'
    )
  })
})

describe('error messages', () => {
  it('quote any value on one line, visibly, and as JSON that reads back to the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), value => {
        const quoted = quoteValue(value)
        expect(JSON.parse(quoted)).toBe(value)
        expect(quoted).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u)
        expect(quoted).not.toMatch(/[^\S ]/)
      }),
      RUNS
    )
  })
})
