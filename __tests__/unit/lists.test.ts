import { csvQuote, parseList, splitCsvLine } from '../../src/lists'

describe('parseList', () => {
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
