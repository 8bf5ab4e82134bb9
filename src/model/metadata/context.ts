/**
 * What the metadata engine knows about the run: the Git ref, the commit and the event payload, as plain data.
 * The caller reads the environment and GITHUB_EVENT_PATH; nothing here touches the process, a file or the network.
 */
import { InputError } from '../input-error'

export interface RefContext {
  /** GITHUB_EVENT_NAME: push, pull_request, schedule, … */
  eventName: string
  /** The Git ref the tags come from: refs/heads/…, refs/tags/…, refs/pull/N/merge. */
  ref: string
  /** The commit (40 hex), or '' when the run has none. */
  sha: string
  /** The repository's default branch, from the payload's repository object. */
  defaultBranch?: string
  /** owner/name (GITHUB_REPOSITORY). */
  repository?: string
  /** GITHUB_SERVER_URL, for the repository's web address when the payload has none. */
  serverUrl: string
  /** The event payload (GITHUB_EVENT_PATH parsed), or {}. */
  payload: Record<string, unknown>
  runNumber?: number
  runId?: number
  /** The time {{date}} renders and, without sourceDateEpoch, the created label. */
  now: Date
  /** SOURCE_DATE_EPOCH in seconds: the created label then says this instant, for reproducible images. */
  sourceDateEpoch?: number
  /** DOCKER_METADATA_SHORT_SHA_LENGTH: characters of the commit in type=sha and {{sha}} (7 by default). */
  shortShaLength?: number
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS: where annotations go (manifest by default). */
  annotationLevels?: string[]
}

export const DEFAULT_SHORT_SHA_LENGTH = 7
export const DEFAULT_ANNOTATION_LEVELS = ['manifest']

/** The levels buildx takes before an annotation (optionally for one platform: manifest[linux/amd64]). */
const ANNOTATION_LEVEL =
  /^(?:manifest|index|manifest-descriptor|index-descriptor)(?:\[[a-z0-9_./-]{1,100}\])?$/

/**
 * The context from the runner's variables and the parsed event payload, as metadata-action builds it from the
 * workflow: pull_request_target builds the PR's merge ref, and DOCKER_METADATA_PR_HEAD_SHA=true takes the PR's
 * head commit.
 */
export function refContextFrom(
  env: Record<string, string | undefined>,
  payload: unknown,
  now: Date
): RefContext {
  const event = isRecord(payload) ? payload : {}
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  let ref = env.GITHUB_REF ?? ''
  let sha = env.GITHUB_SHA ?? ''
  // On pull_request_target GITHUB_REF is the base branch; the tags are about the pull request.
  const prNumber = event.number
  if (eventName.includes('pull_request_target') && Number.isSafeInteger(prNumber)) {
    ref = `refs/pull/${prNumber}/merge`
  }
  const headSha = field(event, 'pull_request', 'head', 'sha')
  if (
    /^true$/i.test(env.DOCKER_METADATA_PR_HEAD_SHA ?? '') &&
    eventName.includes('pull_request') &&
    headSha
  ) {
    sha = headSha
  }
  return {
    eventName,
    ref,
    sha,
    defaultBranch: field(event, 'repository', 'default_branch'),
    repository: env.GITHUB_REPOSITORY || undefined,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    payload: event,
    runNumber: positiveNumber(env.GITHUB_RUN_NUMBER),
    runId: positiveNumber(env.GITHUB_RUN_ID),
    now,
    sourceDateEpoch: sourceDateEpoch(env.SOURCE_DATE_EPOCH),
    shortShaLength: shortShaLength(env.DOCKER_METADATA_SHORT_SHA_LENGTH),
    annotationLevels: annotationLevels(env.DOCKER_METADATA_ANNOTATIONS_LEVELS)
  }
}

/** A string found by walking object keys, or undefined. */
export function field(value: unknown, ...path: string[]): string | undefined {
  let at = value
  for (const key of path) {
    if (!isRecord(at)) return undefined
    at = at[key]
  }
  return typeof at === 'string' ? at : undefined
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function positiveNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^[0-9]{1,15}$/.test(value) ? Number(value) : undefined
}

function sourceDateEpoch(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  // Seconds since 1970 up to the year 9999, as BuildKit reads it; anything else would not be a date.
  if (!/^[0-9]{1,12}$/.test(value) || Number(value) > 253402300799) {
    throw new InputError(
      'SOURCE_DATE_EPOCH',
      value,
      'is not a whole number of seconds since 1970',
      'Set it to a Unix time such as the commit time (git log -1 --format=%ct).'
    )
  }
  return Number(value)
}

function shortShaLength(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) < 1) {
    throw new InputError(
      'DOCKER_METADATA_SHORT_SHA_LENGTH',
      value,
      'is not a whole number of characters from 1 up',
      'Set it to the length of the short commit in type=sha tags, e.g. 12, or leave it unset for 7.'
    )
  }
  return Number(value)
}

function annotationLevels(value: string | undefined): string[] | undefined {
  // metadata-action treats an empty value as unset.
  if (value === undefined || value === '') return undefined
  const levels = value.split(',')
  for (const level of levels) {
    if (!ANNOTATION_LEVEL.test(level)) {
      throw new InputError(
        'DOCKER_METADATA_ANNOTATIONS_LEVELS',
        value,
        `has ${JSON.stringify(level)}, which is not an annotation level`,
        'Use a comma-separated list of manifest, index, manifest-descriptor, index-descriptor (no spaces).'
      )
    }
  }
  return levels
}
