import fc from 'fast-check'
import { csvQuote, csvRecords, splitCsvLine } from '../../../src/model/csv'
import { RUNS } from '../../support/arbitraries'

describe('csvRecords: the CSV reading of build-push-action lists', () => {
  it.each<[string, string, string[][]]>([
    ['a plain line', 'x,y', [['x', 'y']]],
    ['lines with nothing on them give no record', '\n\nx\n\n\ny\n', [['x'], ['y']]],
    [
      'a quoted field spans lines and keeps its commas',
      'k="no"\n"K=one,\ntwo"\nz',
      [['k="no"'], ['K=one,\ntwo'], ['z']]
    ],
    ['"" inside quotes is one quote', '"say ""hi"""', [['say "hi"']]],
    ['a quote after other text is text', 'ab"c,d"', [['ab"c', 'd"']]],
    ['a quote after a space is text', 'a, "b,c"', [['a', ' "b', 'c"']]],
    ['a closing quote before other text keeps both quotes', '"v1"x,"v""2" ,w', [['"v1"x', '"v"2" ', 'w']]],
    ['a line holding only "" is one empty field', 'a\n""\nb', [['a'], [''], ['b']]],
    [
      'the first line break outside quotes (CRLF) separates records',
      'p\r\nq\nr\r\ns',
      [['p'], ['q\nr'], ['s']]
    ],
    ['the first line break outside quotes (LF) separates records', 'p\nq\r\nr', [['p'], ['q\r'], ['r']]],
    ['a lone CR can be the separator', 'p\rq\nr', [['p'], ['q\nr']]],
    ['a line break inside quotes does not choose the separator', '"m\rn"\no\rp', [['m\rn'], ['o\rp']]],
    ['# is no comment', '# note\nv', [['# note'], ['v']]]
  ])('%s', (_name, text, records) => {
    expect(csvRecords(text)).toEqual(records)
  })

  it('reads a quote that is never closed, and everything after it, as plain text', () => {
    // csv-parse refuses the whole value; here the entry's own check names the stray quote instead.
    expect(csvRecords('a\n"b,c\nd')).toEqual([['a'], ['"b', 'c'], ['d']])
    expect(csvRecords('x,"y')).toEqual([['x', '"y']])
    expect(csvRecords('"ok","never closed')).toEqual([['ok', '"never closed']])
  })

  it('keeps every quote as written when quotes are off', () => {
    expect(csvRecords('"a,b"\n"c', false)).toEqual([['"a', 'b"'], ['"c']])
  })

  it('stays linear on the worst cases, each larger than any input the runner can pass (128 KiB)', () => {
    // A quadratic reading (re-scanning after each unclosed quote or each relaxed one) takes minutes here.
    const inputs = ['"' + 'a,\n'.repeat(100_000), ',"x"y'.repeat(60_000), '"'.repeat(300_001)]
    const started = Date.now()
    const counts = inputs.map(text => csvRecords(text).length)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(counts).toEqual([100_000, 1, 1])
  })
})

describe('splitCsvLine', () => {
  it('reads doubled quotes inside a quoted field as one quote', () => {
    expect(splitCsvLine('"say ""hi"", ok",x')).toEqual(['say "hi", ok', 'x'])
  })
  it('keeps empty fields', () => {
    expect(splitCsvLine('a,,b')).toEqual(['a', '', 'b'])
  })

  it('keeps an unclosed quote literally, with the rest of the line', () => {
    expect(splitCsvLine('a,"b,c')).toEqual(['a', '"b,c'])
    expect(splitCsvLine('"')).toEqual(['"'])
  })
})

describe('csvQuote', () => {
  it('leaves plain values alone and quotes values with commas or quotes', () => {
    expect(csvQuote('env.HTTP_PROXY=http://p:3128')).toBe('env.HTTP_PROXY=http://p:3128')
    expect(csvQuote('env.NO_PROXY=a,b')).toBe('"env.NO_PROXY=a,b"')
    expect(csvQuote('x="y"')).toBe('"x=""y"""')
  })
  it('round-trips through splitCsvLine', () => {
    for (const value of ['a,b', 'q"uote', 'plain', 'x,"y",z']) {
      expect(splitCsvLine(csvQuote(value))).toEqual([value])
    }
  })
})

describe('(c) command lines', () => {
  it('CSV-quotes any driver-opt value so that splitting it gives the value back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), value => {
        expect(splitCsvLine(csvQuote(value))).toEqual([value])
      }),
      RUNS
    )
  })
})
