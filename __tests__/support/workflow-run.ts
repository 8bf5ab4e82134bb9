/** A pull request run on a Forgejo server with a port, as the runner sets the variables. */
export const RUN_ENV = {
  GITHUB_SERVER_URL: 'https://git.example.com:3000',
  GITHUB_REPOSITORY: 'owner/app',
  GITHUB_RUN_ID: '1234',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/pull/7/merge'
}
/** The URL of that run's attempt: the builder id provenance names. */
export const RUN_URL = 'https://git.example.com:3000/owner/app/actions/runs/1234/attempts/2'
/** An event payload (GITHUB_EVENT_PATH) with this repository object. */
export const event = (repository: object, extra: object = {}): string =>
  JSON.stringify({ repository, ...extra })
