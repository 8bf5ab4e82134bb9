import TOML from '@iarna/toml'
import { InputError } from './errors'
import { RegistryModel } from './registries'

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

export function parseToml(input: string, text: string): TomlTable {
  let table: TomlTable
  try {
    // Editors on Windows save a byte-order mark, which TOML parsers report as an unknown character.
    table = TOML.parse(text.replace(/^\uFEFF/, '')) as TomlTable
  } catch (error) {
    const { line, col, message } = error as { line?: number; col?: number; message: string }
    const badLine = line === undefined ? '' : (text.split(/\r?\n/)[line] ?? '')
    const where = line === undefined ? '' : ` at line ${line + 1}, column ${(col ?? 0) + 1}`
    throw new InputError(
      input,
      badLine,
      `not valid TOML${where}: ${message.split('\n')[0]}`,
      'Check the buildkitd.toml syntax; quote host keys, e.g. [registry."docker.io"].'
    )
  }
  checkParsedValues(input, table, [])
  checkRegistryKeys(input, table)
  return table
}

/**
 * @iarna/toml 3 resolves a table named like an Object.prototype member ([constructor], toString.x) to that
 * built-in function, so what the table held is lost: refuse the key instead of dropping settings silently.
 * Its writer escapes only the first control character of a string (and none in 'literal' strings), so a
 * key or string holding more would make the generated buildkitd.toml unreadable: refuse those too.
 */
function checkParsedValues(input: string, value: TomlValue, path: string[]): void {
  const fail = (reason: string, hint: string): never => {
    throw new InputError(input, `[${formatKeyPath(path)}]`, reason, hint)
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
  if (Array.isArray(value)) value.forEach(item => checkParsedValues(input, item, path))
  else if (isTable(value)) {
    for (const [key, nested] of Object.entries(value)) checkParsedValues(input, nested, [...path, key])
  }
}

/** C0 controls and DEL, except tab, LF and CR, which the TOML writer escapes everywhere. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/**
 * `[registry.docker.io]` parses as nested tables that BuildKit silently ignores: refuse it with the fix. A
 * known key of the wrong type would stop buildkitd from loading the config once the container runs.
 */
function checkRegistryKeys(input: string, table: TomlTable): void {
  const registries = table.registry
  if (registries === undefined) return
  if (!isTable(registries)) {
    throw new InputError(
      input,
      `registry = ${show(registries)}`,
      '"registry" must be a table',
      'Write [registry."host"] sections.'
    )
  }
  for (const [host, options] of Object.entries(registries)) {
    const path = ['registry', host]
    if (!isTable(options)) {
      throw new InputError(
        input,
        `${formatKeyPath(path)} = ${show(options)}`,
        'a registry entry must be a table',
        `Write a [registry.${JSON.stringify(host)}] section with mirrors, http or insecure in it.`
      )
    }
    for (const [key, value] of Object.entries(options)) {
      const known = REGISTRY_KEY_TYPES[key]
      if (Object.hasOwn(REGISTRY_KEY_TYPES, key) && !known.check(value)) {
        throw new InputError(
          input,
          `${formatKeyPath([...path, key])} = ${show(value)}`,
          `"${key}" must be ${known.type}`,
          'BuildKit would fail to load this config; fix the value type.'
        )
      }
      if (!REGISTRY_KEYS.has(key) && isTable(value)) {
        const dotted = dottedHost(host, key, value)
        throw new InputError(
          input,
          `[${formatKeyPath(['registry', ...dotted])}]`,
          'an unquoted registry host is read as nested tables and BuildKit would ignore it',
          `Quote the host: [registry.${JSON.stringify(dotted.join('.'))}].`
        )
      }
    }
  }
}

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
    model.set(host, {
      mirrors,
      http: options.http === true || undefined,
      insecure: options.insecure === true || undefined
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

function sameValue(a: TomlValue, b: TomlValue): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  return JSON.stringify(a) === JSON.stringify(b)
}

function cloneValue<T extends TomlValue>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (Array.isArray(value)) return value.map(cloneValue) as T
  if (isTable(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneValue(v)])) as T
  return value
}

function show(value: TomlValue): string {
  return JSON.stringify(value)
}
