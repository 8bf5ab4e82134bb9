import { InputError } from '../model/input-error'
import { splitCsvLine } from '../model/csv'
import { imageRepository, isImageReference } from '../model/image-ref'

/** The build cache options after the `cache` shorthand is expanded and unusable gha entries are left out. */
export interface CacheOptions {
  cacheFrom: string[]
  cacheTo: string[]
  warnings: string[]
}

interface Given {
  /** The `cache` input: '' / false (off), registry (next to the first tag), or an image reference. */
  shorthand: string
  cacheFrom: string[]
  cacheTo: string[]
  tags: string[]
  platforms: string[]
  pushByDigest: boolean
  env: Record<string, string | undefined>
}

/**
 * `cache: registry` keeps the build cache in the registry next to the image: read with the builder's mirror
 * plan, written through its proxy, and with ignore-error on export, so a cache that cannot be written warns
 * instead of failing a build that succeeded. Split-build parts each get their own ref, so they do not
 * overwrite each other's cache.
 */
export function parseCache(given: Given): CacheOptions {
  const warnings: string[] = []
  const cacheFrom = withoutUnservedGha('cache-from', given.cacheFrom, given.env, warnings)
  const cacheTo = withoutUnservedGha('cache-to', given.cacheTo, given.env, warnings)
  const ref = cacheRef(given)
  if (ref !== undefined) {
    cacheFrom.push(`type=registry,ref=${ref}`)
    cacheTo.push(`type=registry,ref=${ref},mode=max,ignore-error=true`)
  }
  return { cacheFrom, cacheTo, warnings }
}

function cacheRef(given: Given): string | undefined {
  return refNextToFirstTag('cache', given.shorthand, given, 'buildcache')
}

/**
 * The reference of a `registry` shorthand (`cache`, `cache-mounts`): '' / false is off, registry (or true) is
 * `<first tag's repository>:<tag>`, one per split-build part (`-<os>-<arch>`) so parts never overwrite or read
 * each other's, and anything else must be an image reference without a digest.
 */
export function refNextToFirstTag(
  input: string,
  given: string,
  build: { tags: string[]; platforms: string[]; pushByDigest: boolean },
  tag: string
): string | undefined {
  const value = given.trim()
  if (value === '' || value === 'false') return undefined
  if (value === 'registry' || value === 'true') {
    if (build.tags.length === 0) {
      throw new InputError(
        input,
        value,
        'needs a tag to keep it next to, and "tags" is empty',
        `Add "tags", or give it its own reference, e.g. "registry.example.com/team/app:${tag}".`
      )
    }
    const part =
      build.pushByDigest && build.platforms.length === 1 ? `-${build.platforms[0].replace(/\//g, '-')}` : ''
    return `${imageRepository(build.tags[0])}:${tag}${part}`
  }
  if (isImageReference(value) && !value.includes('@')) return value
  throw new InputError(
    input,
    value,
    'not "registry", "false" or an image reference',
    `Use "registry" for one next to the first tag, or a reference such as "registry.example.com/team/app:${tag}".`
  )
}

/**
 * type=gha needs the GitHub Actions cache service (a runtime token and its URL in the step environment, which
 * buildx reads). act without a cache server, Gitea, Forgejo and offline runners have none, and buildx would
 * fail the build on it, so such entries are left out with a warning.
 */
function withoutUnservedGha(
  input: string,
  entries: string[],
  env: Record<string, string | undefined>,
  warnings: string[]
): string[] {
  const served = !!env.ACTIONS_RUNTIME_TOKEN && !!(env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)
  if (served) return [...entries]
  return entries.filter(entry => {
    const gha = splitCsvLine(entry).some(field => field.trim() === 'type=gha')
    if (gha) {
      warnings.push(
        `${input} "${entry}" is skipped: this run has no GitHub Actions cache service (ACTIONS_RUNTIME_TOKEN and ` +
          'ACTIONS_CACHE_URL/ACTIONS_RESULTS_URL are not set, as on act, Gitea, Forgejo or offline runners). ' +
          'Use "cache: registry" to keep the cache in your registry.'
      )
    }
    return !gha
  })
}

/** The image references of cache-from/cache-to entries: ref= of a registry cache, or a bare reference. */
export function cacheReferences(entries: string[]): string[] {
  return entries.flatMap(entry => {
    const fields = splitCsvLine(entry).map(field => field.trim())
    if (fields.length === 1 && !fields[0].includes('=')) return isImageReference(fields[0]) ? [fields[0]] : []
    const type = fields.find(field => field.startsWith('type='))
    if (type !== undefined && type !== 'type=registry') return []
    return fields
      .filter(field => field.startsWith('ref='))
      .map(field => field.slice(4))
      .filter(isImageReference)
  })
}
