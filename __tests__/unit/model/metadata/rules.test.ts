import { InputError } from '../../../../src/model/input-error'
import { generateMetadata, MetadataInputs, refContextFrom } from '../../../../src/model/metadata'
import { DEFAULT_TAGS, parseFlavor, parseImages, parseTagRules } from '../../../../src/model/metadata/rules'
import { EVENTS, EventName, NOW } from '../../../support/metadata/events'
const EMPTY: MetadataInputs = { images: 'user/app', tags: '', flavor: '', labels: '', annotations: '' }

function generate(
  inputs: Partial<MetadataInputs>,
  event: EventName = 'pushDev',
  env: Record<string, string> = {}
) {
  const run = EVENTS[event]
  return generateMetadata({ ...EMPTY, ...inputs }, refContextFrom({ ...run.env, ...env }, run.payload, NOW))
}

function refusal(call: () => unknown): InputError {
  try {
    call()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('not refused')
}

describe('reading the inputs', () => {
  test('no meta-tags: metadata-action defaults, schedule first', () => {
    expect(parseTagRules('').map(rule => rule.entry)).toEqual(DEFAULT_TAGS)
    expect(parseTagRules('  \n# nothing\n').map(rule => rule.entry)).toEqual(DEFAULT_TAGS)
  })

  test('priorities sort, equal ones keep their order, attributes and type names are read as metadata-action does', () => {
    const rules = parseTagRules('a\ntype=sha,PRIORITY=950\nTYPE=ref,event=pr\n type = raw , value = b ')
    expect(rules.map(rule => [rule.type, rule.priority, rule.valueText])).toEqual([
      ['sha', 950, ''],
      ['ref', 600, ''],
      ['raw', 200, 'a'],
      ['raw', 200, 'b']
    ])
    // The pr prefix and the sha prefix are the rule's own unless given.
    expect(rules[0].prefix).toEqual(['sha-'])
    expect(rules[1].prefix).toEqual(['pr-'])
  })

  test('the first "=" splits key and value; a field starting with "=" is a value', () => {
    expect(parseTagRules('type=raw,value=a=b')[0].valueText).toBe('a=b')
    expect(parseTagRules('type=raw,=x')[0].valueText).toBe('=x')
  })

  test('flavor: later lines win, onlatest= belongs to the prefix or suffix before it', () => {
    expect(parseFlavor('latest=false\nprefix=a-,suffix=-b,onlatest=true\nlatest=true')).toEqual({
      latest: 'true',
      prefix: 'a-',
      suffix: '-b',
      prefixOnLatest: false,
      suffixOnLatest: true
    })
  })

  test('images: lower-cased, one line may list several, disabled ones left out', () => {
    expect(parseImages('Org/App, ghcr.io/User/App')).toEqual(['org/app', 'ghcr.io/user/app'])
    expect(parseImages('name=a/b,enable=false\nlocalhost:5000/c\n# d/e')).toEqual(['localhost:5000/c'])
    expect(parseImages('')).toEqual([])
  })
})

/** [what, inputs, event, env, input named, words in the message] */
type Refused = [string, Partial<MetadataInputs>, EventName, Record<string, string>, string, string]

const REFUSED: Refused[] = [
  ['type=match', { tags: 'type=match,pattern=v(.*),group=1' }, 'tagV111', {}, 'meta-tags', 'type=match'],
  [
    'match= on semver',
    { tags: 'type=semver,pattern={{version}},match=v(.*)' },
    'tagV111',
    {},
    'meta-tags',
    'match='
  ],
  [
    '{{commit_date}}',
    { tags: "type=raw,value={{commit_date 'YYYY'}}" },
    'pushDev',
    {},
    'meta-tags',
    'commit_date'
  ],
  ['an unknown type', { tags: 'type=branch' }, 'pushDev', {}, 'meta-tags', 'unknown type'],
  [
    'an attribute the type does not take',
    { tags: 'type=sha,value=x' },
    'pushDev',
    {},
    'meta-tags',
    'does not take'
  ],
  ['an unknown attribute', { tags: 'type=raw,value=x,foo=bar' }, 'pushDev', {}, 'meta-tags', 'foo='],
  ['semver without pattern', { tags: 'type=semver' }, 'tagV111', {}, 'meta-tags', 'no pattern='],
  ['ref without event', { tags: 'type=ref' }, 'pushDev', {}, 'meta-tags', 'no event='],
  ['ref with an unknown event', { tags: 'type=ref,event=push' }, 'pushDev', {}, 'meta-tags', 'event=push'],
  ['raw without value', { tags: 'type=raw' }, 'pushDev', {}, 'meta-tags', 'no value'],
  ['sha with an unknown format', { tags: 'type=sha,format=full' }, 'pushDev', {}, 'meta-tags', 'format=full'],
  [
    'a priority that is no number',
    { tags: 'type=sha,priority=high' },
    'pushDev',
    {},
    'meta-tags',
    'priority=high'
  ],
  [
    'enable= that is not true or false',
    { tags: 'type=sha,enable=True' },
    'pushDev',
    {},
    'meta-tags',
    'enable='
  ],
  [
    'an unknown expression',
    { tags: 'type=raw,value={{version}}' },
    'pushDev',
    {},
    'meta-tags',
    '{{version}}'
  ],
  [
    '{{branch}} in a semver pattern',
    { tags: 'type=semver,pattern={{branch}}' },
    'tagV111',
    {},
    'meta-tags',
    '{{branch}}'
  ],
  ['a block', { tags: 'type=raw,value={{#if x}}y{{/if}}' }, 'pushDev', {}, 'meta-tags', '{{#if x}}'],
  ['a path', { tags: 'type=raw,value={{this.branch}}' }, 'pushDev', {}, 'meta-tags', 'path'],
  ['an unclosed expression', { tags: 'type=raw,value={{branch' }, 'pushDev', {}, 'meta-tags', 'without'],
  ['an escaped expression', { tags: 'type=raw,value=\\{{branch}}' }, 'pushDev', {}, 'meta-tags', 'escaped'],
  [
    'arguments to {{branch}}',
    { tags: "type=raw,value={{branch 'x'}}" },
    'pushDev',
    {},
    'meta-tags',
    'no arguments'
  ],
  ['a date without format', { tags: 'type=raw,value={{date}}' }, 'pushDev', {}, 'meta-tags', 'one format'],
  [
    'a date with an unknown option',
    { tags: "type=raw,value={{date 'YYYY' zone='UTC'}}" },
    'pushDev',
    {},
    'meta-tags',
    'zone='
  ],
  ['a week token', { tags: "type=raw,value={{date 'YYYY-ww'}}" }, 'pushDev', {}, 'meta-tags', 'token ww'],
  [
    'an unknown time zone',
    { tags: "type=raw,value={{date 'YYYY' tz='Mars/Base'}}" },
    'pushDev',
    {},
    'meta-tags',
    'Mars/Base'
  ],
  ['a quote inside a field', { tags: 'type=raw,value=a"b' }, 'pushDev', {}, 'meta-tags', 'quote'],
  ['an unclosed quote', { tags: 'type=raw,"value=a' }, 'pushDev', {}, 'meta-tags', 'never closed'],
  ['a quoted line break', { tags: 'type=raw,"value=a\nb"' }, 'pushDev', {}, 'meta-tags', 'line break'],
  ['a tag starting with a dash', { tags: 'type=raw,value=-x' }, 'pushDev', {}, 'meta-tags', 'Docker refuses'],
  ['a tag starting with a dot', { tags: 'type=sha,prefix=.' }, 'pushDev', {}, 'meta-tags', 'Docker refuses'],
  [
    'a tag over 128 characters',
    { tags: `type=raw,value=${'a'.repeat(129)}` },
    'pushDev',
    {},
    'meta-tags',
    '128'
  ],
  ['edge without a default branch', { tags: 'type=edge' }, 'pushDev', {}, 'meta-tags', 'default branch'],
  ['flavor entry without "="', { flavor: 'latest' }, 'pushDev', {}, 'meta-flavor', 'not key=value'],
  ['flavor latest=yes', { flavor: 'latest=yes' }, 'pushDev', {}, 'meta-flavor', 'latest=yes'],
  ['flavor unknown key', { flavor: 'separator=-' }, 'pushDev', {}, 'meta-flavor', 'unknown key'],
  ['flavor onlatest alone', { flavor: 'onlatest=true' }, 'pushDev', {}, 'meta-flavor', 'onlatest='],
  ['flavor value with a second "="', { flavor: 'prefix=a=b' }, 'pushDev', {}, 'meta-flavor', 'more than one'],
  [
    'a template on latest',
    { flavor: 'prefix=x{{branch}}-,onlatest=true' },
    'tagV111',
    {},
    'meta-flavor',
    'onlatest'
  ],
  ['an image with a tag', { images: 'user/app:1' }, 'pushDev', {}, 'meta-images', 'without a tag'],
  ['an image that is no name', { images: 'User App' }, 'pushDev', {}, 'meta-images', 'without a tag'],
  ['an empty image name', { images: 'user/app,' }, 'pushDev', {}, 'meta-images', 'empty image'],
  ['two names on a line', { images: 'a/b,c/d\ne/f' }, 'pushDev', {}, 'meta-images', 'more than one'],
  ['image enable=yes', { images: 'name=a/b,enable=yes' }, 'pushDev', {}, 'meta-images', 'enable=yes'],
  ['a label with an empty key', { labels: '=x' }, 'pushDev', {}, 'meta-labels', 'empty key'],
  [
    'an annotation with an unknown expression',
    { annotations: 'a={{ref}}' },
    'pushDev',
    {},
    'meta-annotations',
    '{{ref}}'
  ],
  ['an input over 64 KiB', { labels: `a=${'b'.repeat(70000)}` }, 'pushDev', {}, 'meta-labels', 'longer than'],
  ['more than 256 entries', { tags: 'type=sha\n'.repeat(257) }, 'pushDev', {}, 'meta-tags', 'more than 256']
]

describe('what the engine does not do is refused, naming the input', () => {
  test.each(REFUSED)('%s', (_what, inputs, event, env, input, words) => {
    // edge needs the payload's default branch: this run has none.
    const run =
      event === 'pushDev' && inputs.tags === 'type=edge' ? { ...EVENTS.pushDev, payload: {} } : undefined
    const error = refusal(() =>
      run
        ? generateMetadata({ ...EMPTY, ...inputs }, refContextFrom({ ...run.env, ...env }, run.payload, NOW))
        : generate(inputs, event, env)
    )
    expect(error.input).toBe(input)
    expect(error.message).toContain(`Input "${input}"`)
    expect(error.message).toContain(words)
  })

  test.each([
    ['SOURCE_DATE_EPOCH', 'yesterday'],
    ['SOURCE_DATE_EPOCH', '-1'],
    ['DOCKER_METADATA_SHORT_SHA_LENGTH', '0'],
    ['DOCKER_METADATA_SHORT_SHA_LENGTH', 'seven'],
    ['DOCKER_METADATA_ANNOTATIONS_LEVELS', 'manifest, index'],
    ['DOCKER_METADATA_ANNOTATIONS_LEVELS', 'image']
  ])('%s=%s is refused, naming the variable', (name, value) => {
    const error = refusal(() =>
      refContextFrom({ ...EVENTS.pushDev.env, [name]: value }, EVENTS.pushDev.payload, NOW)
    )
    expect(error.input).toBe(name)
  })

  test('a tag that is no version is a warning, as in metadata-action', () => {
    const result = generate({ tags: 'type=semver,pattern={{version}}\ntype=ref,event=tag' }, 'tagSometag')
    expect(result.tags).toEqual(['user/app:sometag', 'user/app:latest'])
    expect(result.warnings).toEqual([expect.stringContaining('sometag is not a valid semantic version')])
  })

  test('a tag given twice is listed once (metadata-action lists latest twice here)', () => {
    const result = generate({ tags: 'type=semver,pattern={{version}}\ntype=raw,value=latest' }, 'tagV111')
    expect(result.tags).toEqual(['user/app:1.1.1', 'user/app:latest'])
    expect(result.json['tag-names']).toEqual(['1.1.1', 'latest'])
  })

  test('a label without "=" is left out as metadata-action does, with a warning', () => {
    const result = generate({ labels: 'invalid\nfoo=' })
    expect(result.labels).toContain('foo=')
    expect(result.labels.some(label => label.startsWith('invalid'))).toBe(false)
    expect(result.warnings).toEqual([expect.stringContaining('"invalid" has no "="')])
  })
})
