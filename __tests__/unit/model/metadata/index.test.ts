import fc from 'fast-check'
import {
  generateMetadata,
  refContextFrom,
  MetadataInputs,
  MetadataResult
} from '../../../../src/model/metadata'
import { EVENTS, NOW, REPOSITORY } from '../../../support/metadata/events'
import { Row, ROWS } from '../../../support/metadata/table'
import { InputError } from '../../../../src/model/input-error'
import { isImageReference } from '../../../../src/model/image-ref'
import { compareKeys } from '../../../../src/model/metadata/labels'
import { DOCKER_TAG } from '../../../../src/model/metadata/tags'
/** The labels metadata-action generates for a version and commit, with nothing put over them. */
function generatedLabels(version: string, revision: string): string[] {
  return [
    `org.opencontainers.image.created=${NOW.toISOString()}`,
    `org.opencontainers.image.description=${REPOSITORY.description}`,
    `org.opencontainers.image.licenses=${REPOSITORY.license.spdx_id}`,
    `org.opencontainers.image.revision=${revision}`,
    `org.opencontainers.image.source=${REPOSITORY.html_url}`,
    `org.opencontainers.image.title=${REPOSITORY.name}`,
    `org.opencontainers.image.url=${REPOSITORY.html_url}`,
    `org.opencontainers.image.version=${version}`
  ]
}

const text = (lines: string[] | undefined): string => (lines ?? []).join('\n')

function run(row: Row) {
  const event = EVENTS[row.event]
  const context = refContextFrom({ ...event.env, ...row.env }, event.payload, NOW)
  const { images, tags, flavor, labels, annotations } = row.input
  const result = generateMetadata(
    {
      images: text(images),
      tags: text(tags),
      flavor: text(flavor),
      labels: text(labels),
      annotations: text(annotations)
    },
    context
  )
  return { context, result }
}

const title = (row: Row): string => (row.mirrors ? `metadata-action ${row.mirrors}` : (row.name ?? ''))

/** Seeded, so a failure reproduces; bounded, so the suite stays fast. */
const RUNS = { numRuns: 300, seed: 20260822 }

/** The result, or undefined when the inputs were refused (anything but an InputError fails the test). */
function attempt(
  inputs: MetadataInputs,
  env: Record<string, string>,
  payload: unknown
): MetadataResult | undefined {
  try {
    return generateMetadata(inputs, refContextFrom(env, payload, NOW))
  } catch (error) {
    if (error instanceof InputError) return undefined
    throw error
  }
}

// Ref names with what sanitizing has to deal with: slashes, dots, dashes, symbols, non-ASCII, even line breaks.
const refName = fc
  .array(fc.constantFrom(...'abcXYZ0189._-/#&+@=~!$%^()[]é ü'.split(''), '\n', '\t'), {
    minLength: 1,
    maxLength: 140
  })
  .map(chars => chars.join(''))
const ref = fc.oneof(
  refName.map(name => `refs/heads/${name}`),
  refName.map(name => `refs/tags/${name}`),
  fc.constantFrom('refs/tags/v1.2.3', 'refs/tags/v1.2.3-rc.1', 'refs/tags/1.0', 'refs/tags/1.2.3post1'),
  fc.integer({ min: 1, max: 99999 }).map(n => `refs/pull/${n}/merge`),
  fc.constant('')
)
const piece = fc.constantFrom(
  '',
  'v',
  '-',
  '.',
  '_',
  'x',
  '{{branch}}',
  '{{tag}}',
  '{{sha}}',
  '{{base_ref}}',
  "{{date 'YYYYMMDD'}}"
)
const attributeText = fc.array(piece, { maxLength: 3 }).map(parts => parts.join(''))
const rule = fc.oneof(
  fc.constantFrom(
    'type=ref,event=branch',
    'type=ref,event=tag',
    'type=ref,event=pr',
    'type=sha',
    'type=sha,format=long',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=semver,pattern={{raw}}',
    'type=pep440,pattern={{major}}',
    'type=edge',
    'type=schedule'
  ),
  attributeText.map(value => `type=raw,value=${value}`)
)
const ruleWithAttributes = fc
  .tuple(
    rule,
    fc.option(attributeText, { nil: undefined }),
    fc.option(attributeText, { nil: undefined }),
    fc.integer({ min: -5, max: 2000 })
  )
  .map(([base, prefix, suffix, priority]) =>
    [
      base,
      prefix === undefined ? '' : `,prefix=${prefix}`,
      suffix === undefined ? '' : `,suffix=${suffix}`,
      `,priority=${priority}`
    ].join('')
  )
const flavor = fc
  .tuple(
    fc.constantFrom('auto', 'true', 'false'),
    fc.constantFrom('', 'v', 'app-'),
    fc.constantFrom('', '-slim'),
    fc.boolean()
  )
  .map(
    ([latest, prefix, suffix, onLatest]) =>
      `latest=${latest}\nprefix=${prefix}${onLatest ? ',onlatest=true' : ''}\nsuffix=${suffix}`
  )
const images = fc.constantFrom(
  '',
  'user/app',
  'Org/App\nghcr.io/user/app',
  'localhost:5000/a/b',
  'name=x/y,enable=false'
)
const event = fc.constantFrom('push', 'pull_request', 'schedule', 'workflow_dispatch', 'release', 'create')

const anyRun = fc.record({
  event,
  ref,
  images,
  tags: fc.array(ruleWithAttributes, { maxLength: 6 }).map(rules => rules.join('\n')),
  flavor,
  labels: fc.constantFrom('', 'a=b', 'org.opencontainers.image.title={{branch}}', 'Zed=1\nabc=2\nx=1=2')
})

describe('generateMetadata gives what metadata-action gives', () => {
  test('the table has the rows the brief asks for', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60)
    expect(new Set(ROWS.map(title)).size).toBe(ROWS.length)
  })

  test.each(ROWS.map(row => [title(row), row] as const))('%s', (_title, row) => {
    const { context, result } = run(row)
    expect(result.version).toBe(row.want.version)
    expect(result.tags).toEqual(row.want.tags)
    const labels = row.want.labels ?? generatedLabels(row.want.version, context.sha)
    expect(result.labels).toEqual(labels)
    const levels = (row.env?.DOCKER_METADATA_ANNOTATIONS_LEVELS ?? 'manifest').split(',')
    const annotations = levels.flatMap(level => (row.want.annotations ?? labels).map(a => `${level}:${a}`))
    expect(result.annotations).toEqual(annotations)
    // The json output holds the same, tag names once each, labels as an object.
    const names = [...new Set(row.want.tags.map(tag => tag.slice(tag.lastIndexOf(':') + 1)))]
    expect(result.json).toEqual({
      tags: row.want.tags,
      'tag-names': names,
      labels: Object.fromEntries(labels.map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
      annotations
    })
    if (row.warnings !== undefined) expect(result.warnings).toHaveLength(row.warnings)
  })
})

describe('properties of generateMetadata', () => {
  test('every tag it gives is a valid Docker tag on a valid image reference, once', () => {
    fc.assert(
      fc.property(anyRun, r => {
        const env = { ...EVENTS.pushDev.env, GITHUB_EVENT_NAME: r.event, GITHUB_REF: r.ref }
        const inputs = { images: r.images, tags: r.tags, flavor: r.flavor, labels: r.labels, annotations: '' }
        const result = attempt(inputs, env, EVENTS.pushDev.payload)
        if (result === undefined) return
        expect(new Set(result.tags).size).toBe(result.tags.length)
        for (const name of result.tagNames) expect(name).toMatch(DOCKER_TAG)
        for (const tag of result.tags) {
          if (r.images !== '' && r.images !== 'name=x/y,enable=false')
            expect(isImageReference(tag)).toBe(true)
        }
        // The version is the first tag, and there is one exactly when there are tags.
        expect(result.version).toBe(result.tagNames[0] ?? '')
        expect(result.json.tags).toEqual(result.tags)
      }),
      RUNS
    )
  })

  test('labels and annotations: one per key, sorted, each key=value on one line', () => {
    fc.assert(
      fc.property(anyRun, r => {
        const env = { ...EVENTS.pushDev.env, GITHUB_EVENT_NAME: r.event, GITHUB_REF: r.ref }
        const result = attempt({ ...r, annotations: r.labels }, env, EVENTS.pushDev.payload)
        if (result === undefined) return
        const keys = result.labels.map(label => label.slice(0, label.indexOf('=')))
        expect(new Set(keys).size).toBe(keys.length)
        expect([...keys].sort(new Intl.Collator('en-US').compare)).toEqual(keys)
        for (const line of [...result.labels, ...result.annotations])
          expect(line).toMatch(/^[^\r\n=]+=[^\r\n]*$/)
        expect(result.annotations).toEqual(result.labels.map(label => `manifest:${label}`))
      }),
      RUNS
    )
  })

  test('label keys sort as en-US localeCompare sorts them, with or without the collator', () => {
    const collator = new Intl.Collator('en-US')
    const key = (chars: string) =>
      fc.array(fc.constantFrom(...chars.split('')), { maxLength: 12 }).map(parts => parts.join(''))
    const plain = key('abz09._-')
    const any = fc.oneof(plain, key('abAZ09._-:/ é'))
    fc.assert(
      fc.property(fc.oneof(fc.tuple(plain, plain), fc.tuple(any, any)), ([a, b]) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(collator.compare(a, b)))
      }),
      RUNS
    )
  })

  test('any text in any input gives a result or an InputError, the same each time', () => {
    const text = fc.string({ unit: 'binary', maxLength: 60 })
    const noisy = fc.oneof(
      text,
      fc.array(fc.oneof(text, rule), { maxLength: 4 }).map(lines => lines.join('\n'))
    )
    fc.assert(
      fc.property(
        fc.record({ images: noisy, tags: noisy, flavor: noisy, labels: noisy, annotations: noisy }),
        inputs => {
          const first = attempt(inputs, EVENTS.tagV111.env, EVENTS.tagV111.payload)
          expect(attempt(inputs, EVENTS.tagV111.env, EVENTS.tagV111.payload)).toEqual(first)
        }
      ),
      RUNS
    )
  })

  test('any payload: refContextFrom and generateMetadata do not trip on its shape', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), payload => {
        const inputs = { images: 'user/app', tags: '', flavor: '', labels: '', annotations: '' }
        attempt(inputs, EVENTS.pullRequestTarget.env, payload)
        attempt(inputs, EVENTS.tagV111.env, { repository: payload, pull_request: payload, base_ref: payload })
      }),
      RUNS
    )
  })

  test('hostile input of 64 KiB is read or refused quickly', () => {
    const size = 65000
    const texts = [
      '{{'.repeat(size / 2),
      '"'.repeat(size),
      ','.repeat(size),
      `type=raw,value=${'{{branch}}'.repeat(size / 10 - 2)}`,
      `type=raw,value={{date '${'['.repeat(200)}'}}`,
      `type=pep440,pattern={{version}},value=${'1.'.repeat(size / 2 - 40)}1x`,
      `type=semver,pattern={{version}},value=${'1.'.repeat(size / 2 - 40)}1x`,
      'a\n'.repeat(size / 2)
    ]
    for (const text of texts) {
      const started = performance.now()
      attempt(
        { images: 'user/app', tags: text, flavor: '', labels: text, annotations: '' },
        EVENTS.pushDev.env,
        {}
      )
      expect(performance.now() - started).toBeLessThan(1000)
    }
  })
})
