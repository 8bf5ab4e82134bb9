import { createHmac } from 'node:crypto'
import type { TomlTable, TomlValue } from './buildkitd-toml'

/**
 * Warm builders: kept running between jobs on a self-hosted runner, named by a fingerprint of everything that
 * shapes them, so a job only ever reuses a builder made exactly as it would make its own.
 */

const PREFIX = 'mpb-warm-'
const NAME = /^mpb-warm-[0-9a-f]{16}$/

/** What a warm builder is made of; any difference gives another builder. */
export interface WarmBuilderShape {
  /** The generated buildkitd.toml, without the default GC size (derived from free disk, which moves). */
  configToml: string
  /** `buildx create` arguments of every node, with the name and the config path left out. */
  nodes: string[][]
  /** Driver option values the create commands carry only as placeholders ([placeholder, value] pairs). */
  sealedDriverValues: [string, string][]
  buildkitImage: string
  /**
   * [path, digest of its contents] for every file the config names: buildx copies them into the builder when
   * it creates it, so a rotated CA at the same path must give another builder.
   */
  files: [string, string][]
}

/** Keys shorter than this are not secrets worth the name. */
const MIN_KEY_LENGTH = 32

/**
 * The name is printed and the shape holds proxy URLs with their passwords: an unkeyed hash would let anyone
 * who reads the log test password guesses offline. Keyed with the runner's own secret, it tells them nothing.
 */
export function warmBuilderName(shape: WarmBuilderShape, key: string): string {
  if (key.length < MIN_KEY_LENGTH) throw new Error('A warm builder name needs the warm-state key.')
  const digest = createHmac('sha256', key).update(JSON.stringify(shape)).digest('hex')
  return `${PREFIX}${digest.slice(0, 16)}`
}

/**
 * The paths a buildkitd config names for its registries (ca, keypair key and cert, tlsconfigdir), as written,
 * sorted and once each. Values of the wrong type are skipped: parseToml refuses them before any builder is made.
 */
export function configNamedPaths(table: TomlTable): string[] {
  const paths = new Set<string>()
  const strings = (value: TomlValue | undefined) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
  const registries = table.registry
  for (const registry of isTable(registries) ? Object.values(registries) : []) {
    if (!isTable(registry)) continue
    for (const path of [...strings(registry.ca), ...strings(registry.tlsconfigdir)]) paths.add(path)
    for (const pair of Array.isArray(registry.keypair) ? registry.keypair : []) {
      if (!isTable(pair)) continue
      for (const path of [pair.key, pair.cert]) if (typeof path === 'string' && path !== '') paths.add(path)
    }
  }
  return [...paths].sort()
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

export function isWarmBuilderName(name: string): boolean {
  return NAME.test(name)
}

const GIB = 1024 ** 3

/**
 * The cache a warm builder may keep when the user sets no size: a tenth of the free disk, between 2 and 50
 * GiB, in whole GiB so that the value does not move with every byte.
 */
export function defaultCacheBytes(freeBytes: number): number {
  const tenth = Math.floor(freeBytes / 10 / GIB)
  return Math.min(50, Math.max(2, tenth)) * GIB
}

const GC_KEYS = ['gc', 'gckeepstorage', 'maxUsedSpace', 'reservedSpace', 'minFreeSpace', 'gcpolicy']

/**
 * The config with BuildKit's garbage collection on and the cache limited to `bytes` (worker.oci maxUsedSpace,
 * BuildKit v0.17+). A config that sets any GC key of its own is left as it is: the user's choice wins.
 */
export function withCacheLimit<T extends object>(table: T, bytes: number): T {
  const worker = ((table as Record<string, unknown>).worker ?? {}) as Record<string, unknown>
  const oci = (worker.oci ?? {}) as Record<string, unknown>
  if (GC_KEYS.some(key => key in oci)) return table
  const maxUsedSpace = `${Math.max(1, Math.floor(bytes / 1024 ** 2))}MB`
  return { ...table, worker: { ...worker, oci: { ...oci, gc: true, maxUsedSpace } } }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** "90s", "30m", "24h", "7d" (or 0) in milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0
  const match = /^(\d{1,6})([smhd])$/.exec(text)
  return match ? Number(match[1]) * UNITS[match[2]] * 1000 : undefined
}

const SIZE_UNITS: Record<string, number> = { MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }

/** "512MB", "10GB", "1TB" in bytes; undefined when it is none of those. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d{1,6})(MB|GB|TB)$/i.exec(text)
  return match ? Number(match[1]) * SIZE_UNITS[match[2].toUpperCase()] : undefined
}
