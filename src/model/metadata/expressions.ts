/**
 * The expressions metadata-action offers in tag values, prefixes, suffixes, enable= and labels ({{branch}},
 * {{tag}}, {{sha}}, {{base_ref}}, {{is_default_branch}}, {{is_not_default_branch}}, {{date}}), and the one
 * schedule patterns have ({{date}}), computed from the context alone.
 */
import { DEFAULT_SHORT_SHA_LENGTH, field, RefContext } from './context'
import { DateFormatError, formatDate } from './date-format'
import { Expression, Helper, noArguments, refuse, Scope, Source } from './template'

export const BRANCH_PREFIX = 'refs/heads/'
export const TAG_PREFIX = 'refs/tags/'
export const PULL_PREFIX = 'refs/pull/'

/** The ref's name after a prefix, or '' when the ref is not of that kind. */
export function refName(context: RefContext, prefix: string): string {
  return context.ref.startsWith(prefix) ? context.ref.slice(prefix.length) : ''
}

export function shortSha(context: RefContext): string {
  const length = context.shortShaLength ?? DEFAULT_SHORT_SHA_LENGTH
  return context.sha.slice(0, length)
}

/**
 * metadata-action's {{is_default_branch}}: the ref (with refs/heads/ taken off when there) is the payload's
 * default branch; create, discussion, issues and schedule events always run on the default branch.
 */
export function isDefaultBranch(context: RefContext): boolean {
  const branch = context.ref.startsWith(BRANCH_PREFIX) ? context.ref.slice(BRANCH_PREFIX.length) : context.ref
  if (branch === '') return false
  if (context.defaultBranch === branch) return true
  return /create|discussion|issues|schedule/.test(context.eventName)
}

/** {{base_ref}}: the branch a tag was pushed from, or the branch a pull request goes into. */
function baseRef(context: RefContext): string {
  if (context.ref.startsWith(TAG_PREFIX)) {
    const base = field(context.payload, 'base_ref')
    if (base !== undefined) return base.startsWith(BRANCH_PREFIX) ? base.slice(BRANCH_PREFIX.length) : base
  }
  if (context.ref.startsWith(PULL_PREFIX)) {
    const base = field(context.payload, 'pull_request', 'base', 'ref')
    if (base !== undefined) return base
  }
  return ''
}

/** {{date 'FORMAT'}} or {{date 'FORMAT' tz='Zone'}}, for now. */
function dateHelper(source: Source, now: Date): Helper {
  return (expression: Expression) => {
    const { args, hash } = expression
    const unknown = Object.keys(hash).find(key => key !== 'tz')
    if (args.length !== 1 || unknown !== undefined) {
      refuse(
        source,
        expression.source,
        unknown === undefined
          ? `has ${expression.source}, which needs one format`
          : `has ${expression.source} with an unknown ${unknown}=`,
        "Write {{date 'YYYYMMDD'}} or {{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}."
      )
    }
    try {
      return formatDate(now, args[0], hash.tz ?? 'UTC')
    } catch (error) {
      if (!(error instanceof DateFormatError)) throw error
      return refuse(
        source,
        expression.source,
        `has ${expression.source} with ${error.message}`,
        'Use moment format tokens such as YYYY MM DD HH mm ss, and an IANA time zone name.'
      )
    }
  }
}

/** The values every tag attribute and label can use. */
export function globalScope(context: RefContext, source: Source): Scope {
  const plain =
    (value: () => string): Helper =>
    expression => {
      noArguments(source, expression)
      return value()
    }
  return {
    branch: plain(() => refName(context, BRANCH_PREFIX)),
    tag: plain(() => refName(context, TAG_PREFIX)),
    sha: plain(() => shortSha(context)),
    base_ref: plain(() => baseRef(context)),
    is_default_branch: plain(() => String(isDefaultBranch(context))),
    is_not_default_branch: plain(() => String(!isDefaultBranch(context))),
    date: dateHelper(source, context.now)
  }
}

/** A type=schedule pattern sees only the date. */
export function scheduleScope(context: RefContext, source: Source): Scope {
  return { date: dateHelper(source, context.now) }
}
