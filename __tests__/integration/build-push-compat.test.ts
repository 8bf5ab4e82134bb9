import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeDocker } from '../support/fake-docker'
import { ROOT, runAction } from '../support/run-action'
import { parseRunnerOutput } from '../support/runner-commands'

// Each test starts the bundle (main and post) with a fake docker: seconds on a busy machine.
jest.setTimeout(60_000)

// What build-push-action users rely on, against the bundle and the fake docker.

const SHA = 'c'.repeat(40)
const RUN_URL = 'https://git.example.com:3000/owner/app/actions/runs/1234/attempts/2'
const INPUTS = { tags: 'registry.example.com/owner/app:1', 'mirror-check': 'off' }

/** A run of owner/app on a server with a port; the event payload written when given. */
function workflowEnv(payload?: object): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'event-'))
  const eventPath = join(dir, 'event.json')
  if (payload) writeFileSync(eventPath, JSON.stringify(payload))
  return {
    GITHUB_SERVER_URL: 'https://git.example.com:3000',
    GITHUB_REPOSITORY: 'owner/app',
    GITHUB_RUN_ID: '1234',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_SHA: SHA,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_PATH: eventPath,
    // Whatever the environment running the tests has set.
    DOCKER_BUILD_SUMMARY: '',
    DOCKER_BUILD_CHECKS_ANNOTATIONS: '',
    BUILDX_NO_DEFAULT_ATTESTATIONS: '',
    DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF: ''
  }
}

async function build(inputs: Record<string, string>, env: Record<string, string>) {
  const docker = fakeDocker()
  const run = await runAction({ inputs: { ...INPUTS, ...inputs }, env: docker.env(env) })
  expect(run.main.code).toBe(0)
  const call = docker.calls().find(c => c.argv[0] === 'buildx' && c.argv[1] === 'build')
  if (!call) throw new Error('no buildx build call')
  return { run, build: call, calls: docker.calls(), docker }
}

describe('provenance', () => {
  it.each([
    ['public repository, empty input', {}, { private: false }, `--provenance=mode=max,builder-id=${RUN_URL}`],
    [
      'private repository, empty input',
      {},
      { private: true },
      `--provenance=mode=min,inline-only=true,builder-id=${RUN_URL}`
    ],
    ['no event payload', {}, undefined, `--provenance=mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ['true', { provenance: 'true' }, { private: false }, `--provenance=builder-id=${RUN_URL}`],
    ['false', { provenance: 'false' }, { private: false }, '--provenance=false'],
    [
      'custom',
      { provenance: 'mode=max,version=v1' },
      { private: true },
      `--provenance=mode=max,version=v1,builder-id=${RUN_URL}`
    ],
    [
      'custom with a builder id',
      { provenance: 'mode=min,builder-id=https://ci.example/7' },
      { private: false },
      '--provenance=mode=min,builder-id=https://ci.example/7'
    ]
  ])('%s', async (_name, inputs, repository, expected) => {
    const { build: call } = await build(inputs, workflowEnv(repository && { repository }))
    expect(call.argv.filter(arg => arg.startsWith('--provenance'))).toEqual([expected])
  })
  it('adds no default when the image is loaded into Docker', async () => {
    const { build: call } = await build(
      { load: 'true', push: 'false' },
      workflowEnv({ repository: { private: false } })
    )
    expect(call.argv).toContain('--load')
    expect(call.argv.join(' ')).not.toContain('--provenance')
  })
})

describe('{{defaultContext}}', () => {
  it('builds the workflow commit from the workflow server on a port, with the token for that host only', async () => {
    const token = 'ghs_T0kenForTheServer'
    const { run, build: call } = await build(
      { context: '{{defaultContext}}:sub', 'github-token': token },
      workflowEnv({ repository: { private: false } })
    )
    expect(call.argv.at(-1)).toBe(`https://git.example.com:3000/owner/app.git#${SHA}:sub`)
    expect(call.argv.at(-2)).toBe('--')
    expect(call.argv).toContain('id=GIT_AUTH_TOKEN.git.example.com:3000,env=MPB_GIT_AUTH_TOKEN')
    expect(call.argv.join(' ')).not.toContain(token)
    expect(run.main.stdout).toContain(`::add-mask::${token}`)
  })
  it('gives the builder the host network when the workflow server is on loopback', async () => {
    const { calls } = await build(
      { context: '{{defaultContext}}' },
      { ...workflowEnv(), GITHUB_SERVER_URL: 'http://127.0.0.1:3000' }
    )
    const create = calls.find(c => c.argv[1] === 'create')?.argv ?? []
    expect(create).toContain('network=host')
    expect(calls.find(c => c.argv[1] === 'build')?.argv.at(-1)).toBe(
      `http://127.0.0.1:3000/owner/app.git#${SHA}`
    )
  })
  it('fails before docker runs when there is no workflow to take the context from', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...INPUTS, context: '{{defaultContext}}' },
      env: docker.env({ ...workflowEnv(), GITHUB_REPOSITORY: '' })
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain('::error::Input "context": {{defaultContext}} needs GITHUB_REPOSITORY')
    expect(docker.calls()).toEqual([])
  })
})

describe('environment switches', () => {
  it('writes no job summary with DOCKER_BUILD_SUMMARY=false, and one without it', async () => {
    const off = await build({}, { ...workflowEnv(), DOCKER_BUILD_SUMMARY: 'false' })
    expect(off.run.summary).toBe('')
    const on = await build({}, workflowEnv())
    expect(on.run.summary).toContain('Multi-platform build')
  })
  it('accepts DOCKER_BUILD_RECORD_UPLOAD without a word', async () => {
    const { run } = await build({}, { ...workflowEnv(), DOCKER_BUILD_RECORD_UPLOAD: 'false' })
    expect(run.main.stdout).not.toMatch(/DOCKER_BUILD_RECORD_UPLOAD|::warning/)
  })
  it('fails on a DOCKER_BUILD_SUMMARY that is not a boolean, naming it', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: INPUTS,
      env: docker.env({ ...workflowEnv(), DOCKER_BUILD_SUMMARY: 'nope' })
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain('::error::Environment variable DOCKER_BUILD_SUMMARY: not a boolean')
  })
})

describe('build-check warnings', () => {
  const context = '__tests__/fixtures/build-checks'
  const captured = join(ROOT, context, 'metadata-warnings.json')
  const warnings = (stdout: string) =>
    parseRunnerOutput(stdout).commands.filter(command => command.name === 'warning')

  it('become warning annotations on the Dockerfile, at the line of each check', async () => {
    const { run, build: call } = await build(
      { context },
      { ...workflowEnv(), FAKE_DOCKER_WARNINGS: captured }
    )
    expect(call.env.BUILDX_METADATA_WARNINGS).toBe('true')
    expect(warnings(run.main.stdout).map(w => ({ ...w.properties, data: w.data.split('\n')[0] }))).toEqual([
      {
        title: 'Stage names should be lowercase',
        file: `${context}/Dockerfile`,
        line: '1',
        data: "StageNameCasing: Stage name 'Build' should be lowercase"
      },
      {
        title: "The 'as' keyword should match the case of the 'from' keyword",
        file: `${context}/Dockerfile`,
        line: '3',
        data: "FromAsCasing: 'as' and 'FROM' keywords' casing do not match"
      },
      {
        title:
          'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
        file: `${context}/Dockerfile`,
        line: '5',
        data: 'JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals'
      }
    ])
    expect(run.main.stdout).toMatch(
      /^::warning title=[^,]*,file=__tests__\/fixtures\/build-checks\/Dockerfile,line=1::/m
    )
    expect(JSON.parse(run.outputs.metadata)['buildx.build.warnings']).toHaveLength(3)
  })
  it('stay in the metadata only with DOCKER_BUILD_CHECKS_ANNOTATIONS=false', async () => {
    const { run } = await build(
      { context },
      { ...workflowEnv(), FAKE_DOCKER_WARNINGS: captured, DOCKER_BUILD_CHECKS_ANNOTATIONS: 'false' }
    )
    expect(warnings(run.main.stdout)).toEqual([])
    expect(JSON.parse(run.outputs.metadata)['buildx.build.warnings']).toHaveLength(3)
  })
})

describe('the driver output', () => {
  it('is docker-container for the builder the action creates', async () => {
    const { run } = await build({}, { ...workflowEnv(), FAKE_DOCKER_DRIVER: 'kubernetes' })
    expect(run.outputs.driver).toBe('docker-container')
  })
  it('is what buildx inspect reports for an existing builder', async () => {
    const docker = fakeDocker()
    writeFileSync(join(docker.dir, 'builders', 'builder-theirs'), '')
    const run = await runAction({
      inputs: { ...INPUTS, builder: 'theirs' },
      env: docker.env({ ...workflowEnv(), FAKE_DOCKER_DRIVER: 'remote' })
    })
    expect(run.main.code).toBe(0)
    expect(run.outputs.driver).toBe('remote')
    expect(run.summary).toContain('theirs (remote, existing)')
  })
})
