import { annotatedDockerfilePath, checkAnnotations, parseBuildWarnings } from '../../src/report/build-checks'
import { parseInputs } from '../../src/inputs/parse'
import { makePlan } from '../../src/plan/plan'
import { hasDockerExporter, resolveProvenance } from '../../src/plan/provenance'
import { fixture } from '../support/fixtures'
import { inputSource } from '../support/inputs'
import { event, RUN_ENV, RUN_URL } from '../support/workflow-run'

describe('the Git context in the plan', () => {
  const plan = (
    values: Record<string, string>,
    env: Record<string, string>,
    loopbackNames: string[] = []
  ) => {
    const hostsFile = loopbackNames.map(name => `127.0.0.1 ${name}`).join('\n')
    const inputs = parseInputs(
      inputSource({ tags: 'r.example/a', 'github-token': 'ghs_token', ...values }, env)
    )
    return { inputs, plan: makePlan(inputs, { workDir: '/tmp/run', hostsFile }) }
  }
  it('sends the token as GIT_AUTH_TOKEN.<host:port> of the workflow server for {{defaultContext}}:sub', () => {
    const { plan: git } = plan({ context: '{{defaultContext}}:sub' }, RUN_ENV)
    expect(git.commands.build).toContain('id=GIT_AUTH_TOKEN.git.example.com:3000,env=MPB_GIT_AUTH_TOKEN')
    expect(git.buildEnv.MPB_GIT_AUTH_TOKEN).toBe('ghs_token')
    expect(git.commands.build.at(-1)).toBe(`https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}:sub`)
    expect(git.hostNetworkReasons).toEqual([])
  })
  const tokenIds = (build: string[]) => build.filter(arg => arg.includes('GIT_AUTH_TOKEN'))
  const DEFAULT = `https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}`
  it.each([
    ['the default context written out', DEFAULT, true],
    ['a subfolder of the default context', `${DEFAULT}:app`, true],
    [
      'another repository on the workflow server',
      `https://git.example.com:3000/owner/tools.git#${'a'.repeat(40)}`,
      false
    ],
    ['the same repository at another ref', 'https://git.example.com:3000/owner/app.git#main', false],
    ['the same repository without a ref', 'https://git.example.com:3000/owner/app.git', false],
    ['a longer name that starts with the default context', `${DEFAULT}0`, false]
  ])('sends the workflow token for %s only if it is the default context (%s)', (_name, context, sent) => {
    const { plan: git } = plan({ context }, RUN_ENV)
    expect(tokenIds(git.commands.build)).toEqual(
      sent ? ['id=GIT_AUTH_TOKEN.git.example.com:3000,env=MPB_GIT_AUTH_TOKEN'] : []
    )
    expect(git.buildEnv.MPB_GIT_AUTH_TOKEN).toBe(sent ? 'ghs_token' : undefined)
  })
  it.each([
    ['secrets', 'GIT_AUTH_TOKEN=ghp_pat', 'id=GIT_AUTH_TOKEN,env=MPB_BUILD_SECRET_0'],
    ['secret-envs', 'GIT_AUTH_TOKEN=PAT', 'id=GIT_AUTH_TOKEN,env=PAT'],
    ['secret-files', 'GIT_AUTH_TOKEN=pat.txt', 'id=GIT_AUTH_TOKEN,src=pat.txt'],
    [
      'secrets',
      'GIT_AUTH_TOKEN.git.example.com:3000=ghp_pat',
      'id=GIT_AUTH_TOKEN.git.example.com:3000,env=MPB_BUILD_SECRET_0'
    ]
  ])('keeps the workflow token out when %s gives %s: BuildKit would prefer ours', (input, entry, own) => {
    const { plan: git } = plan({ context: '{{defaultContext}}', [input]: entry }, RUN_ENV)
    expect(tokenIds(git.commands.build)).toEqual([own])
    expect(git.buildEnv.MPB_GIT_AUTH_TOKEN).toBeUndefined()
  })
  it('still sends it beside a user token for another host, which BuildKit does not use here', () => {
    const { plan: git } = plan(
      { context: '{{defaultContext}}', secrets: 'GIT_AUTH_TOKEN.gitlab.com=glpat-x' },
      RUN_ENV
    )
    expect(git.buildEnv.MPB_GIT_AUTH_TOKEN).toBe('ghs_token')
  })
  it('sends no token outside a workflow run, where there is no default context', () => {
    const { plan: git } = plan({ context: DEFAULT }, { GITHUB_SERVER_URL: 'https://git.example.com:3000' })
    expect(tokenIds(git.commands.build)).toEqual([])
  })
  it.each([
    ['http://127.0.0.1:3000', '127.0.0.1:3000', []],
    ['http://[::1]:3000', '[::1]:3000', []],
    ['http://localhost:3000', 'localhost:3000', []],
    ['http://gitea.test:3000', 'gitea.test:3000', ['gitea.test']]
  ])('shares the host network when the Git server %s is on loopback', (server, host, names) => {
    const env = { ...RUN_ENV, GITHUB_SERVER_URL: server }
    const { plan: git } = plan({ context: '{{defaultContext}}' }, env, names)
    expect(git.hostNetworkReasons).toEqual([`Git context host ${host} is on loopback`])
    expect(git.commands.create).toContain('network=host')
    // A name is looked up in the hosts file like any other the builder dials: unmapped, it is not loopback.
    if (names.length > 0)
      expect(plan({ context: '{{defaultContext}}' }, env).plan.hostNetworkReasons).toEqual([])
  })
  it('keeps the bridge network for a Git server elsewhere or a name not mapped to loopback', () => {
    const env = { ...RUN_ENV, GITHUB_SERVER_URL: 'http://gitea.test:3000' }
    expect(plan({ context: '{{defaultContext}}' }, env).plan.commands.create).not.toContain('network=host')
  })
})

describe('provenance as build-push-action resolves it', () => {
  const run = (repositoryPrivate: boolean | undefined, runUrl = RUN_URL) => ({
    runUrl,
    repositoryPrivate,
    noDefaultAttestations: false
  })
  const resolve = (
    provenance: string,
    options: { private?: boolean; runUrl?: string; attests?: string[] } = {}
  ) =>
    resolveProvenance({
      provenance,
      attests: options.attests ?? [],
      outputs: [],
      load: false,
      run: run('private' in options ? options.private : false, options.runUrl)
    })
  it.each([
    ['', false, `mode=max,builder-id=${RUN_URL}`],
    ['', true, `mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ['', undefined, `mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ['true', true, `builder-id=${RUN_URL}`],
    ['True', false, `builder-id=${RUN_URL}`],
    ['1', false, `builder-id=${RUN_URL}`],
    ['false', false, 'false'],
    ['FALSE', true, 'false'],
    ['0', true, 'false'],
    ['mode=max', true, `mode=max,builder-id=${RUN_URL}`],
    ['mode=min,version=v1', false, `mode=min,version=v1,builder-id=${RUN_URL}`],
    ['mode=max,builder-id=https://ci.example/42', false, 'mode=max,builder-id=https://ci.example/42'],
    ['mode=max, builder-id=https://ci.example/42', false, 'mode=max, builder-id=https://ci.example/42']
  ])('provenance %j, private %s: --provenance=%s', (input, isPrivate, expected) => {
    expect(resolve(input, { private: isPrivate })).toEqual({ provenance: expected, attests: [] })
  })
  it('adds no builder id outside a workflow run, and no default then', () => {
    expect(resolve('', { runUrl: '' }).provenance).toBe('')
    expect(resolve('true', { runUrl: '' }).provenance).toBe('true')
    expect(resolve('mode=max', { runUrl: '' }).provenance).toBe('mode=max')
  })
  it('leaves the default to buildx when the image is loaded into Docker or BUILDX_NO_DEFAULT_ATTESTATIONS is set', () => {
    const base = { provenance: '', attests: [], outputs: [], load: false, run: run(false) }
    expect(resolveProvenance({ ...base, load: true }).provenance).toBe('')
    expect(resolveProvenance({ ...base, outputs: ['type=docker,dest=img.tar'] }).provenance).toBe('')
    expect(resolveProvenance({ ...base, outputs: ['type=local,dest=out'] }).provenance).toBe(
      `mode=max,builder-id=${RUN_URL}`
    )
    expect(
      resolveProvenance({ ...base, run: { ...run(false), noDefaultAttestations: true } }).provenance
    ).toBe('')
    // An explicit value is the user's, whatever the exporter.
    expect(resolveProvenance({ ...base, load: true, provenance: 'mode=max' }).provenance).toBe(
      `mode=max,builder-id=${RUN_URL}`
    )
  })
  it('lets a provenance attest replace the default, with the builder id added to it', () => {
    expect(resolve('', { attests: ['type=sbom', 'type=provenance,mode=max'] })).toEqual({
      provenance: '',
      attests: ['type=sbom', `type=provenance,mode=max,builder-id=${RUN_URL}`]
    })
  })
  it('recognises a docker exporter however the output is written', () => {
    expect(hasDockerExporter(['type=docker'], false)).toBe(true)
    expect(hasDockerExporter([' type=docker , name=app'], false)).toBe(true)
    expect(hasDockerExporter(['type=image,name=dockerhub'], false)).toBe(false)
    expect(hasDockerExporter([], true)).toBe(true)
    expect(hasDockerExporter(['out'], false)).toBe(false)
  })
  it('reaches the build command through parseInputs, the event payload and the plan', () => {
    const build = (values: Record<string, string>, payload?: string) =>
      makePlan(
        parseInputs({
          ...inputSource({ tags: 'r.example/a', ...values }, RUN_ENV),
          readEvent: () => {
            if (payload === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' })
            return payload
          }
        }),
        { workDir: '/tmp/run' }
      ).commands.build
    expect(build({}, event({ private: false }))).toContain(`--provenance=mode=max,builder-id=${RUN_URL}`)
    expect(build({}, event({ private: true }))).toContain(
      `--provenance=mode=min,inline-only=true,builder-id=${RUN_URL}`
    )
    expect(build({})).toContain(`--provenance=mode=min,inline-only=true,builder-id=${RUN_URL}`)
    expect(build({ provenance: 'false' }, event({ private: false }))).toContain('--provenance=false')
    expect(build({ load: 'true', push: 'false' }, event({ private: false })).join(' ')).not.toContain(
      '--provenance'
    )
  })
})

describe('environment switches of build-push-action', () => {
  it('asks buildx for the warnings in the metadata file', () => {
    const inputs = parseInputs(inputSource({ tags: 'r.example/a' }))
    expect(makePlan(inputs, { workDir: '/tmp/run' }).buildEnv).toMatchObject({
      BUILDX_METADATA_WARNINGS: 'true'
    })
  })
})

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
