import { InputError, quoteValue } from '../model/input-error'

/**
 * What the workflow run says about itself, from the step environment and the event payload: the values
 * docker/build-push-action derives its default provenance and its default Git context from.
 */
export interface WorkflowRun {
  /** GITHUB_SERVER_URL without a trailing slash (GitHub, GitHub Enterprise, Gitea, Forgejo). */
  serverUrl: string
  /** owner/name, or '' outside a workflow run. */
  repository: string
  /** URL of this run attempt, the provenance builder id; '' when the run is not known. */
  runUrl: string
  /** repository.private of the event payload; undefined when the payload does not say. */
  repositoryPrivate: boolean | undefined
  /** BUILDX_NO_DEFAULT_ATTESTATIONS is set to a true value. */
  noDefaultAttestations: boolean
  /** The Git context of the workflow's commit on the workflow's server; '' outside a workflow run. */
  defaultContext: string
}

type Env = Record<string, string | undefined>

/** The fields of the event payload this action uses; anything unreadable is treated as absent. */
export function parseEventPayload(text: string | undefined): {
  repositoryPrivate?: boolean
  pullRequestHeadSha?: string
} {
  let payload: unknown
  try {
    payload = JSON.parse(text ?? '')
  } catch {
    return {}
  }
  const field = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)[key]
      : undefined
  const isPrivate = field(field(payload, 'repository'), 'private')
  const headSha = field(field(field(payload, 'pull_request'), 'head'), 'sha')
  return {
    ...(typeof isPrivate === 'boolean' ? { repositoryPrivate: isPrivate } : {}),
    ...(typeof headSha === 'string' && /^[0-9a-f]{40,64}$/i.test(headSha)
      ? { pullRequestHeadSha: headSha }
      : {})
  }
}

export function workflowRun(env: Env, eventPayload: string | undefined): WorkflowRun {
  const event = parseEventPayload(eventPayload)
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').trim().replace(/\/+$/, '')
  const repository = (env.GITHUB_REPOSITORY ?? '').trim()
  const runId = (env.GITHUB_RUN_ID ?? '').trim()
  const attempt = (env.GITHUB_RUN_ATTEMPT ?? '').trim() || '1'
  // The attempt is part of the id, as build-push-action has it: a re-run is another builder invocation.
  const runUrl =
    repository !== '' && /^\d+$/.test(runId) && /^\d+$/.test(attempt)
      ? `${serverUrl}/${repository}/actions/runs/${runId}/attempts/${attempt}`
      : ''
  return {
    serverUrl,
    repository,
    runUrl,
    repositoryPrivate: event.repositoryPrivate,
    noDefaultAttestations: envFlag(env, 'BUILDX_NO_DEFAULT_ATTESTATIONS', false),
    defaultContext: defaultGitContext(env, serverUrl, repository, event.pullRequestHeadSha)
  }
}

/**
 * `<server>/<owner>/<repo>.git#<commit>`: the commit the workflow runs for (for a pull request GITHUB_SHA is
 * its merge commit). With DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF the pull request's head commit instead.
 */
function defaultGitContext(env: Env, serverUrl: string, repository: string, prHeadSha?: string): string {
  if (repository === '') return ''
  let ref = (env.GITHUB_REF ?? '').trim()
  if (ref !== '' && !ref.startsWith('refs/')) ref = `refs/heads/${ref}`
  if (ref.startsWith('refs/pull/') && envFlag(env, 'DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF', false, true)) {
    ref = ref.replace(/\/merge$/, '/head')
  }
  const prHead = ref.startsWith('refs/pull/') && ref.endsWith('/head')
  const commit = prHead ? (prHeadSha ?? ref) : (env.GITHUB_SHA ?? '').trim() || ref
  return commit === '' ? '' : `${serverUrl}/${repository}.git#${commit}`
}

/**
 * The context is the workflow's own default Git context, whole or a subfolder of it ("{{defaultContext}}:app"):
 * the only context build-push-action sends the workflow token with.
 */
export function isDefaultGitContext(context: string, run: Pick<WorkflowRun, 'defaultContext'>): boolean {
  const own = run.defaultContext
  return own !== '' && (context === own || context.startsWith(`${own}:`))
}

const PLACEHOLDER = /\{\{\{?\s*([^{}]*?)\s*\}\}\}?/g

/**
 * Replaces `{{defaultContext}}` in a context value (e.g. `{{defaultContext}}:app` builds the app folder of the
 * workflow's commit). Any other placeholder is refused: build-push-action would silently make it empty.
 */
export function expandDefaultContext(
  input: string,
  value: string,
  run: Pick<WorkflowRun, 'defaultContext'>
): string {
  if (!value.includes('{{')) return value
  return value.replace(PLACEHOLDER, (_match, name: string) => {
    if (name !== 'defaultContext') {
      throw new InputError(
        input,
        value,
        `"{{${name}}}" is not a known placeholder`,
        'Use {{defaultContext}}, optionally followed by :subdir, e.g. "{{defaultContext}}:app".'
      )
    }
    if (run.defaultContext === '') {
      throw new InputError(
        input,
        value,
        '{{defaultContext}} needs GITHUB_REPOSITORY and GITHUB_SHA (or GITHUB_REF), which are not set',
        'Run the step in a workflow, or give a path or a Git URL instead.'
      )
    }
    return run.defaultContext
  })
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True'])
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False'])

/**
 * An on/off environment variable as docker's tools read it (Go's strconv.ParseBool): unset or empty gives the
 * fallback. Another value fails the step, as it does in build-push-action, unless `lenient` (a value the
 * docker tools themselves ignore when it is not a boolean).
 */
export function envFlag(env: Env, name: string, fallback: boolean, lenient = false): boolean {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  if (lenient) return fallback
  throw new Error(
    `Environment variable ${name}: not a boolean (got ${quoteValue(value)}). Set it to true or false, or remove it.`
  )
}
