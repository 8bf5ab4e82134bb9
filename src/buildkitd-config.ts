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

const REGISTRY_KEYS = new Set(['mirrors', 'http', 'insecure', 'ca', 'tlsconfigdir', 'keypair'])

export function parseToml(input: string, text: string): TomlTable {
  let table: TomlTable
  try {
    table = TOML.parse(text) as TomlTable
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
  checkRegistryKeys(input, table)
  return table
}

/** `[registry.docker.io]` parses as nested tables that BuildKit silently ignores: refuse it with the fix. */
function checkRegistryKeys(input: string, table: TomlTable): void {
  const registries = table.registry
  if (registries === undefined) return
  if (!isTable(registries)) {
    throw new InputError(
      input,
      String(registries),
      '"registry" must be a table',
      'Write [registry."host"] sections.'
    )
  }
  for (const [host, options] of Object.entries(registries)) {
    if (!isTable(options)) continue
    for (const [key, value] of Object.entries(options)) {
      if (!REGISTRY_KEYS.has(key) && isTable(value)) {
        const dotted = dottedHost(host, key, value)
        throw new InputError(
          input,
          `[registry.${dotted}]`,
          'an unquoted registry host is read as nested tables and BuildKit would ignore it',
          `Quote the host: [registry."${dotted}"].`
        )
      }
    }
  }
}

function dottedHost(first: string, second: string, value: TomlTable): string {
  let name = `${first}.${second}`
  let table = value
  for (;;) {
    const nested = Object.entries(table).find(([key, v]) => !REGISTRY_KEYS.has(key) && isTable(v))
    if (!nested) return name
    name += `.${nested[0]}`
    table = nested[1] as TomlTable
  }
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
    registry[host] = section
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
    registry[host] =
      isTable(options) && Array.isArray(options.mirrors)
        ? { ...options, mirrors: options.mirrors.filter(m => typeof m !== 'string' || !dropped.includes(m)) }
        : options
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
      const existing = target[key]
      if (existing === undefined) {
        target[key] = cloneValue(value)
        recordOrigin(value, keyPath, input)
      } else if (isTable(existing) && isTable(value)) {
        mergeInto(existing, value, keyPath, input)
      } else if (isTable(existing) || isTable(value)) {
        throw new InputError(
          input,
          name,
          `"${name}" is a table in ${origin.get(name)} but a value in ${input}`,
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
        target[key] = cloneValue(value)
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
