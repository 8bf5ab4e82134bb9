/**
 * The runs the metadata table plays: the runner's variables and the event payload, as refContextFrom reads
 * them. Refs and commits are those of docker/metadata-action's test fixtures (__tests__/fixtures/*.env), so a
 * row that mirrors one of its cases sees the same ref. metadata-action takes the repository's name, address,
 * description and license from the GitHub API (its repo.json fixture, octocat/Hello-World); here they come from
 * the payload's repository object, which carries those same values.
 */
export const REPOSITORY = {
  name: 'Hello-World',
  html_url: 'https://github.com/octocat/Hello-World',
  description: 'This your first repo!',
  license: { key: 'mit', spdx_id: 'MIT' },
  default_branch: 'master'
}

export const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37'
const SHA_MASTER = '266574110acf203503badf966df2ea24b5d732d7'
const SHA_PR = 'a9c8c5828b91be19d9728548b24759e352367ef1'
export const SHA_PR_HEAD = '3370e228f2209994d57af4427fe64e71bb79ac96'

export interface EventRun {
  env: Record<string, string>
  payload: Record<string, unknown>
}

const run = (name: string, ref: string, sha: string, payload: Record<string, unknown> = {}): EventRun => ({
  env: {
    GITHUB_EVENT_NAME: name,
    GITHUB_REF: ref,
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: 'docker/test-docker-action',
    GITHUB_SERVER_URL: 'https://github.com'
  },
  payload: { repository: REPOSITORY, ...payload }
})
const push = (ref: string, sha = SHA, payload: Record<string, unknown> = {}): EventRun =>
  run('push', ref, sha, payload)
const pullRequest = { number: 15, pull_request: { base: { ref: 'master' }, head: { sha: SHA_PR_HEAD } } }
const headSha = (event: EventRun): EventRun => ({
  ...event,
  env: { ...event.env, DOCKER_METADATA_PR_HEAD_SHA: 'true' }
})

export const EVENTS = {
  // event_null.env: no runner variables at all.
  none: { env: {}, payload: { repository: REPOSITORY } },
  pushDev: push('refs/heads/dev'),
  pushMaster: push('refs/heads/master', SHA_MASTER),
  pushInvalidChars: push('refs/heads/my/feature#1245', '983315b5e8d46e46fc4c49869e85e7ee5fb289ba'),
  pushFeature: push('refs/heads/feature/new-ui'),
  pushAmpersand: push('refs/heads/a&b'),
  dispatchMaster: run('workflow_dispatch', 'refs/heads/master', SHA),
  dispatchDev: run('workflow_dispatch', 'refs/heads/dev', SHA),
  tagV111: push('refs/tags/v1.1.1', SHA, { base_ref: 'refs/heads/master' }),
  tagV123: push('refs/tags/v1.2.3'),
  tagV123rc1: push('refs/tags/v1.2.3-rc.1'),
  tag10: push('refs/tags/1.0'),
  tagRelease1: push('refs/tags/release1'),
  tag20200110RC2: push('refs/tags/20200110-RC2'),
  tagSometag: push('refs/tags/sometag'),
  tag12: push('refs/tags/1.2'),
  tag11beta2: push('refs/tags/1.1beta2'),
  tag10dev4: push('refs/tags/1.0dev4'),
  tag123rc2: push('refs/tags/1.2.3rc2'),
  tag12post1: push('refs/tags/1.2post1'),
  tagV123rc2: push('refs/tags/v1.2.3rc2'),
  tagV208beta67: push('refs/tags/v2.0.8-beta.67'),
  tagP1V100: push('refs/tags/p1/v1.0.0'),
  tagLocal: push('refs/tags/1.0+abc.1'),
  pullRequest: run('pull_request', 'refs/pull/15/merge', SHA_PR, pullRequest),
  // pull_request_target runs on the base branch; the tags are about the pull request (its number).
  pullRequestTarget: run('pull_request_target', 'refs/heads/master', SHA_MASTER, pullRequest),
  pullRequestHeadSha: headSha(run('pull_request', 'refs/pull/15/merge', SHA_PR, pullRequest)),
  pullRequestTargetHeadSha: headSha(run('pull_request_target', 'refs/heads/master', SHA_MASTER, pullRequest)),
  schedule: run('schedule', 'refs/heads/master', SHA, { schedule: '*/10 * * * *' }),
  release: run('release', 'refs/tags/v1.1.1', SHA, { action: 'created' })
} satisfies Record<string, EventRun>

export type EventName = keyof typeof EVENTS

/** The time every row runs at (metadata-action's tests freeze the clock at this instant). */
export const NOW = new Date('2020-01-10T00:30:00.000Z')
