import { isRawStatement, parseTemplate, render } from '../../../../src/model/metadata/template'
describe('templates', () => {
  const source = { input: 'meta-tags', entry: 'e' }
  const scope = { raw: () => 'v1&<>"\'`=', date: () => 'd' }

  test('{{…}} is HTML-escaped as Handlebars does, {{{…}}} is not', () => {
    expect(render(source, 'a-{{raw}}-{{{raw}}}', scope)).toBe(
      'a-v1&amp;&lt;&gt;&quot;&#x27;&#x60;&#x3D;-v1&<>"\'`='
    )
  })

  test('only a lone {{raw}} is a raw statement', () => {
    expect(isRawStatement(parseTemplate(source, '{{ raw }}'))).toBe(true)
    expect(isRawStatement(parseTemplate(source, '{{{raw}}}'))).toBe(true)
    expect(isRawStatement(parseTemplate(source, 'v{{raw}}'))).toBe(false)
    expect(isRawStatement(parseTemplate(source, '{{raw}} '))).toBe(false)
  })

  test('arguments: quoted strings, a key=value after them', () => {
    expect(parseTemplate(source, `{{date 'YYYY' tz = "Asia/Tokyo"}}`)).toEqual([
      {
        name: 'date',
        args: ['YYYY'],
        hash: { tz: 'Asia/Tokyo' },
        escaped: true,
        source: `{{date 'YYYY' tz = "Asia/Tokyo"}}`
      }
    ])
    expect(parseTemplate(source, "{{date 'it\\'s'}}")[0]).toMatchObject({ args: ["it's"] })
  })

  test.each([
    '{{!c}}',
    '{{>p}}',
    '{{&raw}}',
    '{{~raw}}',
    '{{raw}}}',
    '{{{raw}}',
    '{{raw.x}}',
    '{{raw x}}',
    "{{date tz='a' 'b'}}"
  ])('%s is refused', text => expect(() => parseTemplate(source, text)).toThrow(/Input "meta-tags"/))
})
