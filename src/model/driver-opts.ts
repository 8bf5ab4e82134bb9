import { csvQuote, splitCsvLine } from './csv'

/**
 * docker-container driver options, key → value in the order first set. buildx reads each --driver-opt value
 * as a CSV line of KEY=VALUE fields, so they are parsed from the entries as written once, and quoted once
 * when they go back on argv.
 */
export type DriverOpts = Map<string, string>

/** The fields of one entry as buildx splits them; key is '' for a field without "=" (inputs refuse those). */
export function driverOptFields(entry: string): { key: string; value: string }[] {
  return splitCsvLine(entry).map(field => {
    const at = field.indexOf('=')
    return at > 0 ? { key: field.slice(0, at).trim(), value: field.slice(at + 1) } : { key: '', value: field }
  })
}

/** Entries (validated by inputs) as one map; a key set again later takes the later value, as in buildx. */
export function parseDriverOpts(entries: readonly string[]): DriverOpts {
  const opts: DriverOpts = new Map()
  for (const entry of entries) for (const { key, value } of driverOptFields(entry)) opts.set(key, value)
  return opts
}

/** `winning` as given, then every key of `filling` it does not set: an explicit value always wins. */
export function mergeDriverOpts(winning: DriverOpts, filling: DriverOpts): DriverOpts {
  const merged = new Map(winning)
  for (const [key, value] of filling) if (!merged.has(key)) merged.set(key, value)
  return merged
}

/** One --driver-opt value per key, CSV-quoted when the value holds a comma or quote. */
export function formatDriverOpts(opts: DriverOpts): string[] {
  return [...opts].map(([key, value]) => csvQuote(`${key}=${value}`))
}

/** A URL whose user info carries a password: scheme://user:password@host. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i

/** What stands on argv for an env.NAME driver option whose value is sealed (see sealDriverOpts). */
export const sealedValue = (key: string): string => `mpb-sealed-${key}`

/**
 * The driver options as they may appear on a command line, and the values kept off it. Every argument of a
 * running process is readable by any local user (/proc/PID/cmdline), so an env.NAME option whose value is a URL
 * with a password (a proxy's) goes on argv as a placeholder; the action writes the value into buildx's builder
 * store before the builder boots, which is where buildx keeps driver options anyway.
 */
export function sealDriverOpts(opts: DriverOpts): { opts: DriverOpts; sealed: Map<string, string> } {
  const sealed = new Map<string, string>()
  const onArgv: DriverOpts = new Map()
  for (const [key, value] of opts) {
    const secret = key.startsWith('env.') && URL_WITH_PASSWORD.test(value)
    if (secret) sealed.set(sealedValue(key), value)
    onArgv.set(key, secret ? sealedValue(key) : value)
  }
  return { opts: onArgv, sealed }
}
