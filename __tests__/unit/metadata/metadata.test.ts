import { generateMetadata, refContextFrom } from '../../../src/model/metadata'
import { EVENTS, NOW, REPOSITORY } from './events'
import { Row, ROWS } from './table'

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
