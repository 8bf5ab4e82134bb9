import { csvEntries, LIST_RULES, parseList, readList } from '../../src/inputs/lists'
import { csvQuote, csvRecords, splitCsvLine } from '../../src/model/csv'

const SPLIT = { commas: true, quotes: true, trim: true }
const JOIN = { commas: false, quotes: true, trim: true }
const AS_WRITTEN = { commas: false, quotes: false, trim: true }

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

describe('csvEntries: records to entries, as getInputList makes them', () => {
  it('splits a one-field record on every comma, even a quoted one', () => {
    expect(csvEntries('"linux/amd64,linux/arm64"', SPLIT)).toEqual(['linux/amd64', 'linux/arm64'])
  })
  it('keeps the fields of a longer record, a quoted comma included', () => {
    expect(csvEntries('r/a:1,"r/b:odd,one"', SPLIT)).toEqual(['r/a:1', 'r/b:odd,one'])
  })
  it('joins fields back with "," when commas do not separate entries, without the quotes', () => {
    expect(csvEntries('"type=gha,scope=x",mode=max\nA=1, 2', JOIN)).toEqual([
      'type=gha,scope=x,mode=max',
      'A=1, 2'
    ])
  })
  it('keeps quotes as written when quotes are off', () => {
    expect(csvEntries('type=local,"dest=a b"\n"env.X=1,2"', AS_WRITTEN)).toEqual([
      'type=local,"dest=a b"',
      '"env.X=1,2"'
    ])
  })
  it('trims entries and drops blank ones', () => {
    expect(csvEntries(' a , ,b \n   \n\t,c', SPLIT)).toEqual(['a', 'b', 'c'])
  })
  it('keeps whitespace when trimming is off, but still drops blank entries', () => {
    expect(
      csvEntries('"KEY=-----BEGIN-----\nabc\n-----END-----\n"\n  \nB=x ', { ...JOIN, trim: false })
    ).toEqual(['KEY=-----BEGIN-----\nabc\n-----END-----\n', 'B=x '])
  })
})

describe('LIST_RULES and readList', () => {
  it('reads each input by its rule', () => {
    expect(readList('ssh', 'default,github=/k')).toEqual(['default', 'github=/k'])
    expect(readList('secret-envs', 'A=ENV_A,B=ENV_B')).toEqual(['A=ENV_A', 'B=ENV_B'])
    expect(readList('cache-to', 'type=registry,ref=r/app:cache,mode=max')).toEqual([
      'type=registry,ref=r/app:cache,mode=max'
    ])
    expect(readList('outputs', 'type=local,dest="out dir"')).toEqual(['type=local,dest="out dir"'])
    expect(readList('secrets', '"K=one\ntwo\n"')).toEqual(['K=one\ntwo\n'])
  })
  it('has the comma rule of build-push-action for every list input the two share', () => {
    // From build-push-action src/context.ts: the inputs read with { ignoreComma: true }.
    const keepCommas = ['annotations', 'attests', 'build-args', 'build-contexts', 'cache-from', 'cache-to']
    keepCommas.push('labels', 'outputs', 'secrets', 'secret-files', 'ulimit', 'driver-opts')
    for (const [input, rule] of Object.entries(LIST_RULES)) {
      if (rule.reading === 'lines') continue
      expect([input, rule.commas]).toEqual([input, !keepCommas.includes(input)])
    }
  })
  it("keeps this action's own lists on their line-by-line reading", () => {
    expect(readList('registry-mirrors', '\t"a.example"\t, b.example')).toEqual(['a.example', 'b.example'])
    expect(readList('insecure-registries', '"r.example:5000')).toEqual(['"r.example:5000'])
  })
})

describe('parseList (line by line)', () => {
  it('splits lines, trims, drops blank lines and accepts CRLF', () => {
    expect(parseList(' a \r\n\r\n b\n\tc\t\n', { commas: false })).toEqual(['a', 'b', 'c'])
  })
  it('keeps commas inside entries when commas are not separators', () => {
    expect(parseList('type=registry,ref=r/app:cache\nA=1,2', { commas: false })).toEqual([
      'type=registry,ref=r/app:cache',
      'A=1,2'
    ])
  })
  it('splits on commas outside double quotes when asked', () => {
    expect(parseList('linux/amd64, linux/arm64\nlinux/386', { commas: true })).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/386'
    ])
    expect(parseList('"a,b",c', { commas: true })).toEqual(['a,b', 'c'])
  })
})

describe('splitCsvLine', () => {
  it('reads doubled quotes inside a quoted field as one quote', () => {
    expect(splitCsvLine('"say ""hi"", ok",x')).toEqual(['say "hi", ok', 'x'])
  })
  it('keeps empty fields', () => {
    expect(splitCsvLine('a,,b')).toEqual(['a', '', 'b'])
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
