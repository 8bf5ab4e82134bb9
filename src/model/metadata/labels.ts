/**
 * The OCI labels and annotations metadata-action generates (created, description, licenses, revision, source,
 * title, url, version), from the event payload's repository object instead of the GitHub API, with the user's
 * entries rendered and put over them: one value per key (the last wins), sorted by key.
 */
import { InputError } from '../input-error'
import { field, RefContext } from './context'
import { globalScope } from './expressions'
import { listEntries } from './list'
import { render } from './template'

/** What metadata-action reads from the repository. */
export interface RepositoryInfo {
  name: string
  description: string
  htmlUrl: string
  /** The license's SPDX id. */
  license: string
}

/**
 * The payload's repository object; without one (a schedule event's payload has none) the name and address
 * come from GITHUB_REPOSITORY and GITHUB_SERVER_URL, and description and license stay empty.
 */
export function repositoryInfo(context: RefContext): RepositoryInfo {
  const repository = context.payload.repository
  const slug = context.repository ?? ''
  const fallbackUrl = slug === '' ? '' : `${context.serverUrl.replace(/\/+$/, '')}/${slug}`
  return {
    name: field(repository, 'name') ?? slug.slice(slug.indexOf('/') + 1),
    description: field(repository, 'description') ?? '',
    htmlUrl: field(repository, 'html_url') ?? fallbackUrl,
    license: field(repository, 'license', 'spdx_id') ?? ''
  }
}

/** SOURCE_DATE_EPOCH when set, else now: what org.opencontainers.image.created says. */
export function createdAt(context: RefContext): Date {
  return context.sourceDateEpoch === undefined ? context.now : new Date(context.sourceDateEpoch * 1000)
}

/** key=value lines: the generated ones, then the input's entries over them, sorted by key. */
export function ociEntries(
  input: string,
  text: string,
  context: RefContext,
  version: string,
  warnings: string[]
): string[] {
  const repo = repositoryInfo(context)
  const generated: Array<[string, string]> = [
    ['title', repo.name],
    ['description', repo.description],
    ['url', repo.htmlUrl],
    ['source', repo.htmlUrl],
    ['version', version],
    ['created', createdAt(context).toISOString()],
    ['revision', context.sha],
    ['licenses', repo.license]
  ]
  const values = new Map<string, string>()
  for (const [key, value] of generated)
    values.set(`org.opencontainers.image.${key}`, value.replace(CONTROL, ' '))
  for (const entry of listEntries(input, text)) {
    const source = { input, entry }
    // An expression can bring a line break from the runner's variables (a ref) into the value.
    const rendered = render(source, entry, globalScope(context, source)).replace(CONTROL, ' ')
    const equals = rendered.indexOf('=')
    if (equals < 0) {
      // metadata-action drops such an entry without a word; this says so.
      warnings.push(`${input}: "${entry}" has no "=" and is left out.`)
      continue
    }
    const key = rendered.slice(0, equals)
    if (key.trim() === '') {
      throw new InputError(
        input,
        entry,
        'has an empty key',
        'Write key=value, e.g. org.opencontainers.image.vendor=Acme.'
      )
    }
    values.set(key, rendered.slice(equals + 1))
  }
  return [...values].sort((a, b) => compareKeys(a[0], b[0])).map(([key, value]) => `${key}=${value}`)
}

/** One line each: a line break in a payload field would split the list the outputs are. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g

/**
 * metadata-action sorts keys with localeCompare, which is en-US collation on the runner. Keys of lower-case
 * letters, digits and . - _ (nearly all of them) sort in that order by one rank per character, without the
 * collator: building it is the slowest part of a first call.
 */
export function compareKeys(a: string, b: string): number {
  if (!PLAIN_KEY.test(a) || !PLAIN_KEY.test(b)) return collator().compare(a, b)
  for (let i = 0; i < a.length && i < b.length; i++) {
    const difference = KEY_RANK.indexOf(a[i]) - KEY_RANK.indexOf(b[i])
    if (difference !== 0) return difference
  }
  return a.length - b.length
}

const PLAIN_KEY = /^[a-z0-9._-]*$/
const KEY_RANK = '_-.0123456789abcdefghijklmnopqrstuvwxyz'
let keyCollator: Intl.Collator | undefined
const collator = (): Intl.Collator => (keyCollator ??= new Intl.Collator('en-US'))
