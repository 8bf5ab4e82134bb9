// The cache mounts a Dockerfile declares, read as BuildKit's Dockerfile frontend reads RUN --mount (pure).
import { splitCsvLine } from './csv'
import { instructionsOf, leadingFlags } from './dockerfile-instructions'

/** One `RUN --mount=type=cache` as BuildKit keys it. */
export interface CacheMount {
  /**
   * The cache's id: `id=`, else the target cleaned as a path (relative targets stay relative, as in BuildKit).
   * BuildKit keys the cache `<BUILDKIT_CACHE_MOUNT_NS>/<id>`; the platform does not enter the key, so the
   * platforms of one build share it.
   */
  id: string
  sharing: 'shared' | 'private' | 'locked'
  uid?: number
  gid?: number
  /** Octal, as written. */
  mode?: string
  /** The stage (its name, or its index) and the line of the RUN, for messages. */
  stage: string
  line: number
}

/** A cache mount that cannot be kept, and why (shown as a notice). */
export interface SkippedMount {
  line: number
  reason: string
}

export interface DockerfileMounts {
  /** Each cache once (by its key), in the order first declared. */
  mounts: CacheMount[]
  skipped: SkippedMount[]
  /** The `# syntax=` directive, when there is one. */
  syntax?: string
}

// What an id may hold to be written into a helper Dockerfile as it is: no quotes, commas, spaces or `$`.
const SAFE_ID = /^[A-Za-z0-9._/@:+=~-]{1,200}$/

/**
 * The cache mounts of every stage. Line continuations (with the `# escape=` character), comment lines inside
 * them and heredoc bodies are handled as BuildKit does; only `type=cache` mounts count (bind, tmpfs, secret and
 * ssh mounts are never kept). Mounts whose values use variables, or that seed the cache `from=` another stage
 * (BuildKit then keys it by that stage's result, which no other build can reproduce), are skipped with a reason.
 */
export function findCacheMounts(text: string): DockerfileMounts {
  const { directives, instructions } = instructionsOf(text)
  const mounts = new Map<string, CacheMount>()
  const skipped: SkippedMount[] = []
  let stageIndex = -1
  let stage = ''
  for (const { keyword, rest, line } of instructions) {
    if (keyword === 'FROM') {
      stageIndex += 1
      const alias = /\s+AS\s+(\S+)\s*$/i.exec(rest)
      stage = alias ? alias[1].toLowerCase() : String(stageIndex)
      continue
    }
    if (keyword !== 'RUN') continue
    for (const value of mountValues(rest)) {
      const parsed = cacheMountOf(value, stage, line)
      if (parsed === undefined) continue
      if ('reason' in parsed) skipped.push(parsed)
      else if (!mounts.has(cacheMountKey(parsed))) mounts.set(cacheMountKey(parsed), parsed)
    }
  }
  return {
    mounts: [...mounts.values()],
    skipped,
    ...(directives.syntax ? { syntax: directives.syntax } : {})
  }
}

/** Whether a `# syntax=` names BuildKit's Dockerfile frontend, whose cache mount keys this reader follows. */
export function isDockerfileFrontend(syntax: string): boolean {
  return /^(docker\.io\/)?docker\/dockerfile(-upstream)?(:|@|$)/.test(syntax)
}

/**
 * What tells two caches apart in BuildKit: the id, and the owner and mode (with any of them set, BuildKit
 * seeds the cache from a directory it makes, and keys the cache by that directory too).
 */
export function cacheMountKey(mount: Pick<CacheMount, 'id' | 'uid' | 'gid' | 'mode'>): string {
  return [mount.id, mount.uid ?? '', mount.gid ?? '', mount.mode ?? ''].join('\u0000')
}

/** The values of a RUN's `--mount=` flags. */
function mountValues(rest: string): string[] {
  return leadingFlags(rest).flags.flatMap(flag => {
    const found = /^--mount=(.*)$/is.exec(flag)
    return found ? [found[1]] : []
  })
}

/** A `--mount` value as a cache mount; undefined when it is another type of mount. */
function cacheMountOf(value: string, stage: string, line: number): CacheMount | SkippedMount | undefined {
  const fields = new Map<string, string>()
  for (const field of splitCsvLine(value)) {
    const [key, ...parts] = field.split('=')
    fields.set(key.trim().toLowerCase(), parts.join('='))
  }
  if ((fields.get('type') ?? 'bind').toLowerCase() !== 'cache') return undefined
  const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination') ?? ''
  if ([...fields.values()].some(field => field.includes('$')))
    return {
      line,
      reason: `a cache mount on line ${line} uses a variable, so its id is known only to BuildKit`
    }
  if (fields.has('from'))
    return {
      line,
      reason: `the cache mount on line ${line} is seeded from "${(fields.get('from') ?? '').slice(0, 64)}", and BuildKit keys it by that stage's result`
    }
  const id = fields.get('id') || cleanPath(target)
  if (!SAFE_ID.test(id))
    return {
      line,
      reason: `the cache mount on line ${line} has an id that is not kept (only letters, digits and ._/@:+=~-)`
    }
  const sharing = (fields.get('sharing') || 'shared').toLowerCase()
  const number = (name: string): number | undefined => {
    const text = fields.get(name)
    return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined
  }
  const mode = fields.get('mode')
  return {
    id,
    sharing: sharing === 'private' || sharing === 'locked' ? sharing : 'shared',
    ...(number('uid') !== undefined ? { uid: number('uid') } : {}),
    ...(number('gid') !== undefined ? { gid: number('gid') } : {}),
    ...(mode !== undefined && /^[0-7]{1,4}$/.test(mode) ? { mode } : {}),
    stage,
    line
  }
}

/** Go's path.Clean: no empty or `.` parts, `..` taken back, relative paths kept relative. */
function cleanPath(path: string): string {
  if (path === '') return '.'
  const rooted = path.startsWith('/')
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop()
      else if (!rooted) parts.push('..')
    } else parts.push(part)
  }
  const joined = (rooted ? '/' : '') + parts.join('/')
  return joined === '' ? '.' : joined
}
