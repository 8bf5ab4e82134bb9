import { entryFields, listEntries } from '../../../../src/model/metadata/list'
describe('listEntries reads an input as metadata-action getInputList does', () => {
  test.each([
    ['a\n\nb', ['a', 'b']],
    ['# comment\na\n#b,c', ['a']],
    ['  # not a comment', ['# not a comment']],
    ['a,#b', ['a,#b']],
    ['"a,b",c', ['a,b,c']],
    ['a "b" c', ['a "b" c']],
    ['"a"b', ['"a"b']],
    ['"a""b"', ['a"b']],
    ['a\r\nb\r\n', ['a', 'b']],
    [' x = 1 , y ', ['x = 1 , y']]
  ])('%j', (text, entries) => {
    expect(listEntries('meta-tags', text)).toEqual(entries)
  })

  test('an unclosed quote is refused', () => {
    expect(() => listEntries('meta-labels', 'x\n"a=b')).toThrow(/never closed/)
  })
})

describe('entryFields reads one entry as a strict CSV record', () => {
  test.each([
    ['a,b', ['a', 'b']],
    ['a,"b,c",d', ['a', 'b,c', 'd']],
    ['a,', ['a', '']],
    ['"a""b"', ['a"b']]
  ])('%j', (entry, fields) => {
    expect(entryFields('meta-tags', entry)).toEqual(fields)
  })

  test.each(['a"b', '"a"b', '"a'])('%j is refused', entry => {
    expect(() => entryFields('meta-tags', entry)).toThrow(/Input "meta-tags"/)
  })
})
