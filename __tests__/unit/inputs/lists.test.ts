import { csvEntries, LIST_RULES, parseList, readList } from '../../../src/inputs/lists'
import { parseBoolean } from '../../../src/inputs/parse'

const SPLIT = { commas: true, quotes: true, trim: true }
const JOIN = { commas: false, quotes: true, trim: true }
const AS_WRITTEN = { commas: false, quotes: false, trim: true }

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

describe('parseBoolean', () => {
  it('reads the YAML 1.2 core spellings', () => {
    expect(['true', 'True', 'TRUE'].map(v => parseBoolean('x', v, false))).toEqual([true, true, true])
    expect(['false', 'False', 'FALSE'].map(v => parseBoolean('x', v, true))).toEqual([false, false, false])
    expect(parseBoolean('x', '', true)).toBe(true)
  })
})
