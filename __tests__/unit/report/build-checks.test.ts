import {
  annotatedDockerfilePath,
  checkAnnotations,
  parseBuildWarnings
} from '../../../src/report/build-checks'
import { fixture } from '../../support/fixtures'

describe('build-check warnings from the metadata buildx wrote (captured: fixtures/build-checks/capture.sh)', () => {
  const dockerfile = fixture('build-checks/Dockerfile')
  const { warnings, omitted } = parseBuildWarnings(fixture('build-checks/metadata-warnings.json'))
  it('decodes each warning: rule and message, description, docs URL, line, source', () => {
    expect(omitted).toBe(0)
    expect(warnings.map(({ sourceText: _text, ...rest }) => rest)).toEqual([
      {
        short: "StageNameCasing: Stage name 'Build' should be lowercase (line 1)",
        detail: 'Stage names should be lowercase',
        url: 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/',
        line: 1,
        sourceName: 'Dockerfile'
      },
      {
        short: "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 3)",
        detail: "The 'as' keyword should match the case of the 'from' keyword",
        url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
        line: 3,
        sourceName: 'Dockerfile'
      },
      {
        short:
          'JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 5)',
        detail:
          'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
        url: 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
        line: 5,
        sourceName: 'Dockerfile'
      }
    ])
    expect(warnings.every(warning => warning.sourceText === dockerfile)).toBe(true)
  })
  it('finds none without BUILDX_METADATA_WARNINGS, and none in what is not metadata', () => {
    expect(parseBuildWarnings(fixture('build-checks/metadata-without-env.json'))).toEqual({
      warnings: [],
      omitted: 0
    })
    for (const text of [
      '',
      'null',
      '[]',
      '{"buildx.build.warnings": {}}',
      '{"buildx.build.warnings": [1, null]}'
    ]) {
      expect(parseBuildWarnings(text).warnings).toEqual([])
    }
  })
  it('keeps only checked fields of a hostile warning and bounds the count', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64')
    const hostile = {
      short: b64('Rule: message'),
      detail: [42, b64('a'.repeat(5000))],
      url: 'javascript:alert(1)',
      range: [{ start: { line: -3 } }],
      sourceInfo: { filename: { toString: 1 }, data: 7 }
    }
    const many = JSON.stringify({ 'buildx.build.warnings': Array(60).fill(hostile) })
    const parsed = parseBuildWarnings(many)
    expect(parsed.omitted).toBe(10)
    expect(parsed.warnings).toHaveLength(50)
    expect(parsed.warnings[0]).toEqual({
      short: 'Rule: message',
      detail: 'a'.repeat(1000),
      url: '',
      line: undefined,
      sourceName: '',
      sourceText: undefined
    })
  })
  it('annotates the Dockerfile at the warning line, message without "(line N)", description as title', () => {
    const annotations = checkAnnotations(warnings, { path: 'app/Dockerfile', text: dockerfile })
    expect(annotations[0]).toEqual({
      message:
        "StageNameCasing: Stage name 'Build' should be lowercase\nSee https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
      properties: { title: 'Stage names should be lowercase', file: 'app/Dockerfile', startLine: 1 }
    })
    expect(annotations.map(a => a.properties.startLine)).toEqual([1, 3, 5])
  })
  it('matches a --file by its base name, as BuildKit reports it', () => {
    const named = parseBuildWarnings(fixture('build-checks/metadata-file-flag.json')).warnings
    expect(
      checkAnnotations(named, { path: 'docker/app.Dockerfile', text: dockerfile })[1].properties
    ).toEqual({
      title: "The 'as' keyword should match the case of the 'from' keyword",
      file: 'docker/app.Dockerfile',
      startLine: 3
    })
    expect(
      checkAnnotations(named, { path: 'Dockerfile', text: dockerfile })[1].properties.file
    ).toBeUndefined()
  })
  it('puts a warning on no file when the Dockerfile text differs or its place is unknown', () => {
    const edited = checkAnnotations(warnings, { path: 'Dockerfile', text: `${dockerfile}# edited\n` })
    expect(edited[0]).toEqual({
      message:
        "StageNameCasing: Stage name 'Build' should be lowercase (line 1)\nSee https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
      properties: { title: 'Stage names should be lowercase' }
    })
    expect(checkAnnotations(warnings, undefined)[2].properties.file).toBeUndefined()
    // A remote Dockerfile cannot be read: its name is enough.
    expect(checkAnnotations(warnings, { path: 'sub/Dockerfile' })[2].properties).toMatchObject({
      file: 'sub/Dockerfile',
      startLine: 5
    })
  })
})

describe('the Dockerfile path annotations point at', () => {
  const run = { serverUrl: 'https://git.example.com:3000', repository: 'owner/app' }
  const where = (context: string, file = '', cwd = '/ws') =>
    annotatedDockerfilePath({ context, file, workspace: '/ws', cwd, run })
  it.each([
    ['.', '', { path: 'Dockerfile', local: true }],
    ['app', '', { path: 'app/Dockerfile', local: true }],
    ['app', 'docker/app.Dockerfile', { path: 'docker/app.Dockerfile', local: true }],
    ['.', '/ws/ci/Dockerfile', { path: 'ci/Dockerfile', local: true }],
    ['..', '', undefined],
    ['.', '/etc/Dockerfile', undefined],
    [
      `https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}:sub`,
      '',
      { path: 'sub/Dockerfile', local: false }
    ],
    [
      `https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}:sub`,
      'ci/Dockerfile',
      { path: 'sub/ci/Dockerfile', local: false }
    ],
    ['https://git.example.com:3000/owner/app.git', '', { path: 'Dockerfile', local: false }],
    ['https://git.example.com:3000/owner/app.git#main:../..', '', undefined],
    ['https://git.example.com:3000/other/app.git#main', '', undefined],
    ['https://github.com/owner/app.git#main', '', undefined]
  ])('context %j, file %j: %j', (context, file, expected) => {
    expect(where(context, file)).toEqual(expected)
  })
  it('resolves a relative --file from the working directory, as buildx does', () => {
    expect(where('app', 'Dockerfile', '/ws/sub')).toEqual({ path: 'sub/Dockerfile', local: true })
  })
})
