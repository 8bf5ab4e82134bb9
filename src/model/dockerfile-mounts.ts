// The cache mounts a Dockerfile declares, read as BuildKit's Dockerfile frontend reads RUN --mount (pure).
import { splitCsvLine } from './csv'

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
    for (const value of runMountFlags(rest)) {
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

interface Instruction {
  keyword: string
  rest: string
  line: number
}

/** Parser directives at the top (`# syntax=`, `# escape=`), then the instructions with continuations joined. */
function instructionsOf(text: string): { directives: Record<string, string>; instructions: Instruction[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const directives: Record<string, string> = {}
  let at = 0
  for (; at < lines.length; at += 1) {
    const directive = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[at])
    if (!directive || directives[directive[1].toLowerCase()] !== undefined) break
    directives[directive[1].toLowerCase()] = directive[2]
  }
  const escape = directives.escape === '`' ? '`' : '\\'
  const instructions: Instruction[] = []
  while (at < lines.length) {
    const line = at + 1
    if (/^\s*(#|$)/.test(lines[at])) {
      at += 1
      continue
    }
    let joined = ''
    let current = lines[at]
    at += 1
    // A line ending in the escape character goes on; comment and empty lines inside are dropped.
    while (current.trimEnd().endsWith(escape) && at <= lines.length) {
      joined += current.trimEnd().slice(0, -1)
      while (at < lines.length && /^\s*(#|$)/.test(lines[at])) at += 1
      if (at >= lines.length) {
        current = ''
        break
      }
      current = lines[at]
      at += 1
    }
    joined += current
    const match = /^\s*(\S+)\s*(.*)$/s.exec(joined)
    if (!match) continue
    const instruction = { keyword: match[1].toUpperCase(), rest: match[2], line }
    instructions.push(instruction)
    at = skipHeredocs(instruction.rest, lines, at)
  }
  return { directives, instructions }
}

/** Past the bodies of the heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`), each up to its word. */
function skipHeredocs(rest: string, lines: string[], at: number): number {
  const words = [...rest.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)].map(found => found[3])
  for (const word of words) {
    while (at < lines.length && lines[at].replace(/^\t+/, '').trimEnd() !== word) at += 1
    at += 1
  }
  return at
}

/** The values of the `--mount=` flags that open a RUN (flags end at the first word that is not one). */
function runMountFlags(rest: string): string[] {
  const values: string[] = []
  let at = 0
  for (;;) {
    while (at < rest.length && /\s/.test(rest[at])) at += 1
    if (!rest.startsWith('--', at)) return values
    // A flag word runs to the next unquoted blank; quotes inside it are taken away, as BuildKit does.
    let word = ''
    let quote = ''
    for (; at < rest.length && (quote !== '' || !/\s/.test(rest[at])); at += 1) {
      const char = rest[at]
      if (quote === '' && (char === '"' || char === "'")) quote = char
      else if (char === quote) quote = ''
      else word += char
    }
    const flag = /^--mount=(.*)$/is.exec(word)
    if (flag) values.push(flag[1])
  }
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
