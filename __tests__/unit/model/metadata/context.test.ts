import { generateMetadata, refContextFrom } from '../../../../src/model/metadata'
import { EVENTS, NOW, SHA, SHA_PR_HEAD } from '../../../support/metadata/events'
const INPUTS = { images: 'user/app', tags: '', flavor: '', labels: '', annotations: '' }

describe('refContextFrom', () => {
  test('nothing set: an empty run, {} as payload', () => {
    const context = refContextFrom({}, null, NOW)
    expect(context).toMatchObject({
      eventName: '',
      ref: '',
      sha: '',
      serverUrl: 'https://github.com',
      payload: {}
    })
    expect(context.defaultBranch).toBeUndefined()
    expect(generateMetadata(INPUTS, context).tags).toEqual([])
  })

  test('pull_request_target: the tags are about the pull request, not the base branch', () => {
    const { env, payload } = EVENTS.pullRequestTarget
    expect(refContextFrom(env, payload, NOW).ref).toBe('refs/pull/15/merge')
    // Without a number in the payload the base branch ref stays.
    expect(refContextFrom(env, {}, NOW).ref).toBe('refs/heads/master')
  })

  test('DOCKER_METADATA_PR_HEAD_SHA takes the head commit on pull request events only', () => {
    const { env, payload } = EVENTS.pullRequest
    expect(refContextFrom({ ...env, DOCKER_METADATA_PR_HEAD_SHA: 'TRUE' }, payload, NOW).sha).toBe(
      SHA_PR_HEAD
    )
    expect(refContextFrom({ ...env, DOCKER_METADATA_PR_HEAD_SHA: 'false' }, payload, NOW).sha).toBe(
      env.GITHUB_SHA
    )
    const push = EVENTS.pushDev
    expect(refContextFrom({ ...push.env, DOCKER_METADATA_PR_HEAD_SHA: 'true' }, payload, NOW).sha).toBe(SHA)
  })

  test('the default branch and the numbers come from the payload and the runner', () => {
    const context = refContextFrom(
      { ...EVENTS.pushDev.env, GITHUB_RUN_NUMBER: '14', GITHUB_RUN_ID: 'x' },
      EVENTS.pushDev.payload,
      NOW
    )
    expect(context).toMatchObject({
      defaultBranch: 'master',
      repository: 'docker/test-docker-action',
      runNumber: 14
    })
    expect(context.runId).toBeUndefined()
  })
})

describe('labels from the context', () => {
  test('SOURCE_DATE_EPOCH sets created; {{date}} stays the run time', () => {
    const context = refContextFrom(
      { ...EVENTS.pushDev.env, SOURCE_DATE_EPOCH: '1700000000' },
      EVENTS.pushDev.payload,
      NOW
    )
    const result = generateMetadata({ ...INPUTS, tags: "type=raw,value={{date 'YYYYMMDD'}}" }, context)
    expect(result.labels).toContain('org.opencontainers.image.created=2023-11-14T22:13:20.000Z')
    expect(result.annotations).toContain('manifest:org.opencontainers.image.created=2023-11-14T22:13:20.000Z')
    expect(result.tags).toEqual(['user/app:20200110'])
  })

  test('no repository in the payload: name and address from GITHUB_REPOSITORY and the server URL', () => {
    const env = { ...EVENTS.schedule.env, GITHUB_SERVER_URL: 'https://ghe.example.com/' }
    const result = generateMetadata(
      { ...INPUTS, tags: 'type=edge' },
      refContextFrom(env, { schedule: '* * * * *' }, NOW)
    )
    expect(result.labels).toEqual([
      'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
      'org.opencontainers.image.description=',
      'org.opencontainers.image.licenses=',
      `org.opencontainers.image.revision=${SHA}`,
      'org.opencontainers.image.source=https://ghe.example.com/docker/test-docker-action',
      'org.opencontainers.image.title=test-docker-action',
      'org.opencontainers.image.url=https://ghe.example.com/docker/test-docker-action',
      'org.opencontainers.image.version=edge'
    ])
    // A schedule runs on the default branch, so type=edge holds without the payload naming it.
    expect(result.tags).toEqual(['user/app:edge'])
  })

  test('a line break in the payload does not split the labels', () => {
    const payload = {
      repository: { name: 'app', description: 'one\ntwo\r\nthree', html_url: 'https://x.example/app' }
    }
    const result = generateMetadata(INPUTS, refContextFrom(EVENTS.pushDev.env, payload, NOW))
    expect(result.labels).toContain('org.opencontainers.image.description=one two  three')
    expect(result.labels.every(label => !/[\r\n]/.test(label))).toBe(true)
  })

  test('a line break from the runner does not split them either', () => {
    const env = { ...EVENTS.pushDev.env, GITHUB_REF: 'refs/heads/a\nb', GITHUB_SHA: `${SHA}\n` }
    const result = generateMetadata({ ...INPUTS, labels: 'ref={{branch}}' }, refContextFrom(env, {}, NOW))
    expect(result.tags).toEqual(['user/app:a-b'])
    expect(result.labels).toContain('ref=a b')
    expect([...result.labels, ...result.annotations].every(line => !/[\r\n]/.test(line))).toBe(true)
  })

  test('a payload field of the wrong type is treated as missing', () => {
    const payload = { repository: { name: 7, html_url: ['x'], license: 'MIT', default_branch: {} } }
    const context = refContextFrom(EVENTS.pushDev.env, payload, NOW)
    expect(context.defaultBranch).toBeUndefined()
    expect(generateMetadata(INPUTS, context).labels).toContain(
      'org.opencontainers.image.title=test-docker-action'
    )
  })
})
