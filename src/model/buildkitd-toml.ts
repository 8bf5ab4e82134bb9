import TOML from '@iarna/toml'
import { InputError } from './input-error'
import { maskUserInfo } from './credentials'
import { parseHostPort } from './hosts'
import { MAX_PREFIX_LENGTH, PATH_PREFIX, RegistryModel } from './registries'

export type TomlTable = { [key: string]: TomlValue }
export type TomlValue = string | number | boolean | Date | TomlValue[] | TomlTable

/** One TOML document with the name of the input it came from, used in messages. */
export interface TomlSource {
  input: string
  table: TomlTable
}

/** The keys of BuildKit's RegistryConfig and the TOML type it decodes each into. */
const REGISTRY_KEY_TYPES: Record<string, { check: (value: TomlValue) => boolean; type: string }> = {
  mirrors: { check: value => isStringList(value), type: 'a list of strings' },
  http: { check: value => typeof value === 'boolean', type: 'true or false' },
  insecure: { check: value => typeof value === 'boolean', type: 'true or false' },
  ca: { check: value => isStringList(value), type: 'a list of strings' },
  tlsconfigdir: { check: value => isStringList(value), type: 'a list of strings' },
  keypair: {
    check: value =>
      Array.isArray(value) &&
      value.every(pair => isTable(pair) && Object.values(pair).every(item => typeof item === 'string')),
    type: 'a list of tables with key and cert'
  }
}
const REGISTRY_KEYS = new Set(Object.keys(REGISTRY_KEY_TYPES))

/**
 * The input that names a file. A file may hold anything (tokens included), so messages about it say where
 * (line and column, or the key path) and what is wrong, never its text or values; buildkitd-config-inline
 * is in the workflow anyway and is quoted.
 */
const FILE_INPUT = 'buildkitd-config'
/** BuildKit's deepest settings ([[worker.oci.gcpolicy]] filters) nest five levels; deeper is not a config. */
const MAX_DEPTH = 16
const NESTING_HINT = `Keep tables and arrays at most ${MAX_DEPTH} levels deep: BuildKit settings nest a few levels.`

export function parseToml(input: string, text: string): TomlTable {
  let table: TomlTable
  try {
    // Editors on Windows save a byte-order mark, which TOML parsers report as an unknown character.
    table = TOML.parse(text.replace(/^\uFEFF/, '')) as TomlTable
  } catch (error) {
    // Should the parser's stack run out on some nesting, that is the input's fault: say so, not RangeError.
    if (error instanceof RangeError) {
      throw new InputError(input, '', `the TOML nests too deeply for the parser`, NESTING_HINT)
    }
    const { line, col, message } = error as { line?: number; col?: number; message?: unknown }
    const located = typeof line === 'number'
    const where = located ? ` at line ${line + 1}, column ${(col ?? 0) + 1}` : ''
    // The parser's first line repeats the position ("at row 2, col 14, pos 27:"), said above already.
    const what = String(message ?? error)
      .split('\n')[0]
      .replace(/ at row \d+, col \d+, pos \d+:$/, '')
    let shown = ''
    if (located) shown = input === FILE_INPUT ? `<line ${line + 1}, not shown>` : lineAt(text, line)
    throw new InputError(
      input,
      shown,
      `not valid TOML${where}: ${what}`,
      'Check the buildkitd.toml syntax; quote host keys, e.g. [registry."docker.io"].'
    )
  }
  checkParsedValues(input, table)
  checkRegistryKeys(input, table)
  return table
}

/** Line `index` (0-based) of the text, without splitting all of it. */
function lineAt(text: string, index: number): string {
  let start = 0
  for (let i = 0; i < index && start >= 0; i++) {
    const next = text.indexOf('\n', start)
    start = next < 0 ? -1 : next + 1
  }
  if (start < 0) return ''
  const end = text.indexOf('\n', start)
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '')
}

/**
 * Walks the parsed document without recursion (it is the user's, of any depth) and refuses what the rest of
 * the action cannot hold: nesting deeper than MAX_DEPTH (every later step recurses), integers JavaScript
 * cannot hold exactly (the parser gives a BigInt, which JSON.stringify throws on), and the two cases below.
 *
 * @iarna/toml 3 resolves a table named like an Object.prototype member ([constructor], toString.x) to that
 * built-in function, so what the table held is lost: refuse the key instead of dropping settings silently.
 * Its writer escapes only the first control character of a string (and none in 'literal' strings), so a
 * key or string holding more would make the generated buildkitd.toml unreadable: refuse those too.
 */
function checkParsedValues(input: string, root: TomlTable): void {
  const pending: { value: unknown; path: string[]; depth: number }[] = [{ value: root, path: [], depth: 0 }]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next
    const fail = (reason: string, hint: string): never => {
      throw new InputError(input, `[${showPath(path)}]`, reason, hint)
    }
    if (typeof value === 'function' || value === undefined || value === null) {
      fail(
        'this key is the name of a JavaScript built-in, which the TOML parser cannot hold',
        'BuildKit has no setting of that name; rename or remove the key.'
      )
    }
    const control = [path[path.length - 1] ?? '', typeof value === 'string' ? value : '']
      .join('')
      .match(CONTROL_CHARACTER)
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
      fail(
        `a key or string here holds the control character U+${code}`,
        'Remove it: buildkitd.toml settings never need control characters.'
      )
    }
    if (typeof value === 'bigint') {
      fail(
        `an integer here is outside ±${Number.MAX_SAFE_INTEGER}, which JavaScript cannot hold exactly`,
        'No BuildKit setting needs an integer that large; write a smaller one.'
      )
    }
    const children: [string[], unknown][] = Array.isArray(value)
      ? value.map(item => [path, item])
      : isTable(value)
        ? Object.entries(value).map(([key, nested]) => [[...path, key], nested])
        : []
    if (children.length > 0 && depth >= MAX_DEPTH) {
      fail(`tables or arrays here nest more than ${MAX_DEPTH} levels deep`, NESTING_HINT)
    }
    // Reversed onto the stack, so errors are found in document order, as a recursive walk finds them.
    for (let i = children.length - 1; i >= 0; i--) {
      pending.push({ value: children[i][1], path: children[i][0], depth: depth + 1 })
    }
  }
}

/** C0 controls and DEL, except tab, LF and CR, which the TOML writer escapes everywhere. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

const REGISTRY_HOST_HINT =
  'Name each section after a registry as image references write it, host[:port] without scheme or path, ' +
  'e.g. [registry."docker.io"] or [registry."r.example:5000"].'
const MIRROR_HINT =
  'Write each mirror as host[:port][/path-prefix] without a scheme, e.g. "mirror.example.com" or ' +
  '"m.example:5000/proxy.docker.io"; for plain HTTP, set http = true in the mirror\'s own [registry."host"] section.'

/**
 * `[registry.docker.io]` parses as nested tables that BuildKit silently ignores: refuse it with the fix. A
 * known key of the wrong type would stop buildkitd from loading the config once the container runs, and a
 * host key or mirror that is not host[:port] would only fail later, in the mirror check or in BuildKit.
 */
function checkRegistryKeys(input: string, table: TomlTable): void {
  const registries = table.registry
  const hidden = input === FILE_INPUT
  /** `key = value` for the inline config; the key and the kind of value for the file. */
  const assignment = (path: string[], value: TomlValue): string =>
    hidden ? `${showPath(path)} = <${kind(value)}>` : `${formatKeyPath(path)} = ${show(value)}`
  if (registries === undefined) return
  if (!isTable(registries)) {
    throw new InputError(
      input,
      assignment(['registry'], registries),
      '"registry" must be a table',
      'Write [registry."host"] sections.'
    )
  }
  for (const [host, options] of Object.entries(registries)) {
    const path = ['registry', host]
    if (!isTable(options)) {
      throw new InputError(
        input,
        assignment(path, options),
        'a registry entry must be a table',
        `Write a [registry.${JSON.stringify(host)}] section with mirrors, http or insecure in it.`
      )
    }
    for (const [key, value] of Object.entries(options)) {
      const known = REGISTRY_KEY_TYPES[key]
      if (Object.hasOwn(REGISTRY_KEY_TYPES, key) && !known.check(value)) {
        throw new InputError(
          input,
          assignment([...path, key], value),
          `"${key}" must be ${known.type}, not ${kind(value)}`,
          'BuildKit would fail to load this config; fix the value type.'
        )
      }
      if (!REGISTRY_KEYS.has(key) && isTable(value)) {
        const dotted = dottedHost(host, key, value)
        throw new InputError(
          input,
          `[${showPath(['registry', ...dotted])}]`,
          'an unquoted registry host is read as nested tables and BuildKit would ignore it',
          `Quote the host: [registry.${JSON.stringify(dotted.join('.'))}].`
        )
      }
    }
    if (!parseHostPort(host)) {
      throw new InputError(
        input,
        `[${showPath(path)}]`,
        'this registry key is not a valid host[:port]',
        REGISTRY_HOST_HINT
      )
    }
    const mirrors = Array.isArray(options.mirrors) ? options.mirrors : []
    mirrors.forEach((mirror, index) => {
      const problem = mirrorProblem(mirror as string)
      if (problem === undefined) return
      const where = `${showPath([...path, 'mirrors'])}[${index}]`
      throw new InputError(
        input,
        hidden ? where : maskUserInfo(mirror as string),
        `${hidden ? 'this mirror' : `the mirror at ${where}`} is not host[:port][/path-prefix]: ${problem}`,
        MIRROR_HINT
      )
    })
  }
}

/**
 * What is wrong with a mirror as BuildKit reads it (host[:port][/path-prefix], no scheme), by the rules
 * the "registry-mirrors" input uses, in words that do not repeat the mirror.
 */
function mirrorProblem(mirror: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(mirror)) return 'it starts with a scheme'
  if (mirror.includes('@')) return 'credentials in a mirror address are not supported'
  const slash = mirror.indexOf('/')
  const hostText = slash >= 0 ? mirror.slice(0, slash) : mirror
  if (!parseHostPort(hostText)) return 'the host or port is not valid'
  // Trailing slashes are dropped by a loop: /\/+$/ backtracks quadratically on a long run of slashes.
  let end = mirror.length
  while (end > Math.max(slash, 0) && mirror[end - 1] === '/') end--
  const prefix = slash >= 0 ? mirror.slice(slash, end) : ''
  if (prefix.length > MAX_PREFIX_LENGTH) {
    return `the path prefix has ${prefix.length} characters, more than ${MAX_PREFIX_LENGTH}`
  }
  if (prefix !== '' && !PATH_PREFIX.test(prefix)) {
    return 'the path prefix is not lower-case repository path segments, e.g. /proxy.docker.io'
  }
  return undefined
}

/** What a value is, for messages that must not show it. */
function kind(value: TomlValue): string {
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date or time'
  if (isTable(value)) return 'a table'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a float'
  if (typeof value === 'boolean') return 'a boolean'
  return 'a string'
}

/** A key path for messages: a long key is cut, so a message stays short whatever the TOML holds. */
function showPath(path: string[]): string {
  const text = formatKeyPath(path)
  return text.length > MAX_SHOWN_PATH ? `${text.slice(0, MAX_SHOWN_PATH)}…` : text
}
const MAX_SHOWN_PATH = 200

function dottedHost(first: string, second: string, value: TomlTable): string[] {
  const keys = [first, second]
  let table = value
  for (;;) {
    const nested = Object.entries(table).find(([key, v]) => !REGISTRY_KEYS.has(key) && isTable(v))
    if (!nested) return keys
    keys.push(nested[0])
    table = nested[1] as TomlTable
  }
}

function isStringList(value: TomlValue): boolean {
  return Array.isArray(value) && value.every(item => typeof item === 'string')
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

export function registryModelToToml(model: RegistryModel): TomlTable {
  const registry: TomlTable = {}
  for (const [host, options] of model) {
    const section: TomlTable = {}
    if (options.mirrors.length > 0) section.mirrors = [...options.mirrors]
    if (options.http) section.http = true
    if (options.insecure) section.insecure = true
    setOwn(registry, host, section)
  }
  return model.size > 0 ? { registry } : {}
}

/** The registry sections of a (merged) config as a model, so mirrors from the user's TOML count too. */
export function registryModelFromToml(table: TomlTable): RegistryModel {
  const model: RegistryModel = new Map()
  const registries = isTable(table.registry) ? table.registry : {}
  for (const [host, options] of Object.entries(registries)) {
    if (!isTable(options)) continue
    const mirrors = Array.isArray(options.mirrors)
      ? options.mirrors.filter((m): m is string => typeof m === 'string')
      : []
    const ca = Array.isArray(options.ca) ? options.ca.filter((c): c is string => typeof c === 'string') : []
    model.set(host, {
      mirrors,
      http: typeof options.http === 'boolean' ? options.http : undefined,
      insecure: options.insecure === true || undefined,
      ...(ca.length > 0 ? { ca } : {})
    })
  }
  return model
}

/** Removes mirrors (by location) from every registry section, e.g. the ones preflight found dead. */
export function withoutMirrors(table: TomlTable, dropped: string[]): TomlTable {
  if (dropped.length === 0 || !isTable(table.registry)) return table
  const registry: TomlTable = {}
  for (const [host, options] of Object.entries(table.registry)) {
    setOwn(
      registry,
      host,
      isTable(options) && Array.isArray(options.mirrors)
        ? { ...options, mirrors: options.mirrors.filter(m => typeof m !== 'string' || !dropped.includes(m)) }
        : options
    )
  }
  return { ...table, registry }
}

export interface MergeResult {
  table: TomlTable
  warnings: string[]
}

/**
 * Merges TOML documents in order; nothing is dropped silently. Tables merge key by key, arrays are
 * concatenated without duplicates, and when two sources set one key to different values the later source
 * wins with a warning. A key that is a table in one source and a value in another is an error.
 */
export function mergeTomlSources(sources: TomlSource[]): MergeResult {
  const warnings: string[] = []
  const table: TomlTable = {}
  const origin = new Map<string, string>()
  const recordOrigin = (value: TomlValue, path: string[], input: string): void => {
    origin.set(formatKeyPath(path), input)
    if (isTable(value))
      for (const [key, nested] of Object.entries(value)) recordOrigin(nested, [...path, key], input)
  }
  const mergeInto = (target: TomlTable, from: TomlTable, path: string[], input: string): void => {
    for (const [key, value] of Object.entries(from)) {
      const keyPath = [...path, key]
      const name = formatKeyPath(keyPath)
      const existing = Object.hasOwn(target, key) ? target[key] : undefined
      if (existing === undefined) {
        setOwn(target, key, cloneValue(value))
        recordOrigin(value, keyPath, input)
      } else if (isTable(existing) && isTable(value)) {
        mergeInto(existing, value, keyPath, input)
      } else if (isTable(existing) || isTable(value)) {
        const [tableIn, valueIn] = isTable(existing) ? [origin.get(name), input] : [input, origin.get(name)]
        throw new InputError(
          input,
          name,
          `"${name}" is a table in ${tableIn} but a value in ${valueIn}`,
          'Make both sources use the same TOML shape for this key.'
        )
      } else if (Array.isArray(existing) && Array.isArray(value)) {
        for (const item of value) {
          if (!existing.some(present => sameValue(present, item))) existing.push(cloneValue(item))
        }
      } else if (!sameValue(existing, value)) {
        warnings.push(
          `buildkitd config: ${name} = ${show(existing)} from ${origin.get(name)} is replaced by ${show(value)} from ${input}.`
        )
        setOwn(target, key, cloneValue(value))
        origin.set(name, input)
      }
    }
  }
  for (const source of sources) mergeInto(table, source.table, [], source.input)
  return { table, warnings }
}

/** Settings that break a buildx-managed builder, reported so a user knows why the build may fail. */
export function configWarnings(table: TomlTable): string[] {
  const grpc = table.grpc
  if (isTable(grpc) && grpc.address !== undefined) {
    return [
      'buildkitd config sets [grpc] address; buildx reaches buildkitd on its default socket, so remove it.'
    ]
  }
  return []
}

export function stringifyToml(table: TomlTable): string {
  return TOML.stringify(table as TOML.JsonMap)
}

/**
 * Keys from TOML are data: read own properties and define them, so "__proto__" or "constructor" is a key
 * like any other and never reaches (or replaces) a prototype.
 */
function setOwn(table: TomlTable, key: string, value: TomlValue): void {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true })
}

function formatKeyPath(path: string[]): string {
  return path.map(key => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key))).join('.')
}

/**
 * Structural equality (it recurses, on tables parseToml has bounded in depth). NaN equals NaN and inf is
 * not nan, where comparing JSON.stringify output made both null; key order does not matter.
 */
function sameValue(a: TomlValue, b: TomlValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    )
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every(key => Object.hasOwn(b, key) && sameValue(a[key], b[key]))
    )
  }
  return a === b || (Number.isNaN(a) && Number.isNaN(b))
}

function cloneValue<T extends TomlValue>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (Array.isArray(value)) return value.map(cloneValue) as T
  if (isTable(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneValue(v)])) as T
  return value
}

function show(value: TomlValue): string {
  // JSON has no inf or nan; TOML's words for them say what the value is.
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'number' && !Number.isFinite(item) ? floatWord(item) : item
  )
}

function floatWord(value: number): string {
  return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
}
