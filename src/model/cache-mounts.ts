// Cache mounts kept in the registry: their names in the artifact, what the helper builds report, and the rules
// that decide what is restored and saved (pure).
import { createHash } from 'node:crypto'
import { CacheMount, cacheMountKey } from './dockerfile-mounts'

/** A cache mount's file in the artifact: `<name>.tar`, named by its BuildKit key, so edits elsewhere keep it. */
export function artifactName(mount: CacheMount): string {
  return `mount-${createHash('sha256').update(cacheMountKey(mount)).digest('hex').slice(0, 20)}`
}

/** A save's changes are numbered from 1; past this many, the mount is packed whole again. */
export const MAX_CHANGE_SETS = 8

/** What a helper build found for one mount (restore, or the measure before a save). */
export interface MountReport {
  /**
   * restored: copied in from the artifact; present: the builder had content already (left as it is); missing:
   * not in the artifact; too-large: over cache-mounts-max-size; corrupt: would not unpack (left empty);
   * measured: read without restoring.
   */
  status: 'restored' | 'present' | 'missing' | 'too-large' | 'corrupt' | 'measured'
  bytes: number
  /**
   * Of the names, modes and owners of every entry, and the sizes and times of all but folders (a file made and
   * removed again changes only its folder's time): what tells a changed mount. '' when empty.
   */
  digest: string
  /** A restore's: how many sets of changes the artifact held over the whole copy, and their bytes. */
  changeSets?: { count: number; bytes: number }
  /** A measure's: the bytes of the files new or changed since the restore, when it left a listing. */
  changedBytes?: number
}

const STATUSES = new Set(['restored', 'present', 'missing', 'too-large', 'corrupt', 'measured'])

/**
 * The report file of a helper build: one line per mount, `<index> <status> <kilobytes> <digest or ->`, then
 * `changes=<sets>:<kilobytes>` (a restore) or `changed=<kilobytes>` (a measure) when known. Lines that do not parse
 * are left out, so a mount with no line counts as unknown (never as unchanged).
 */
export function parseMountReport(text: string, count: number): (MountReport | undefined)[] {
  const reports: (MountReport | undefined)[] = Array.from({ length: count }, () => undefined)
  for (const line of text.split('\n')) {
    const match =
      /^(\d{1,4}) ([a-z-]+) (\d{1,15}) ([0-9a-f]{64}|-)(?: changes=(\d{1,4}):(\d{1,15})| changed=(\d{1,15}))?$/.exec(
        line.trim()
      )
    if (!match || !STATUSES.has(match[2]) || Number(match[1]) >= count) continue
    reports[Number(match[1])] = {
      status: match[2] as MountReport['status'],
      bytes: Number(match[3]) * 1024,
      digest: match[4] === '-' ? '' : match[4],
      ...(match[5] ? { changeSets: { count: Number(match[5]), bytes: Number(match[6]) * 1024 } } : {}),
      ...(match[7] ? { changedBytes: Number(match[7]) * 1024 } : {})
    }
  }
  return reports
}

/** The artifact's own id, from the restore's report line `id <hex>`: what a save checks it still finds. */
export function artifactIdOf(text: string): string | undefined {
  return /^id ([0-9a-f]{16,64})$/m.exec(text)?.[1]
}

/**
 * The cache mount ids a builder holds, from `docker buildx du --verbose`: BuildKit describes each cache mount
 * record as `cached mount <target> from exec <command> with id "<namespace>/<id>"`.
 */
export function cacheMountIdsInUsage(text: string): Set<string> {
  const ids = new Set<string>()
  for (const line of text.split('\n')) {
    if (!/^Description:\s+cached mount /.test(line)) continue
    // The command may itself hold `with id "`; the id is the last quoted value of the line.
    const match = /with id "([^"]*)"\s*$/.exec(line)
    if (match) ids.add(match[1])
  }
  return ids
}

/** The id BuildKit gives the cache of a mount: `<BUILDKIT_CACHE_MOUNT_NS>/<id>`. */
export function bucketId(mount: Pick<CacheMount, 'id'>, namespace: string): string {
  return `${namespace}/${mount.id}`
}

/**
 * A mount's changes are saved as a set over its whole copy while all its sets stay within this share of it: the
 * artifact stays within a quarter more than the mount. Past it, the mount is packed whole again.
 */
const CHANGES_SHARE = 4

/** How a save lays out the mounts it keeps. */
export interface SaveLayout {
  /** Restored and unchanged since: copied from the artifact as they are. */
  carried: number[]
  /** Restored and changed a little: the artifact's files copied, and one more set of changes packed. */
  updated: number[]
  /** The sets of changes the artifact held of each mount (the restore's). */
  changeSets: number[]
  /**
   * Every mount is carried, updated or new to the artifact: the new image is the artifact with layers added, so
   * the layers it had are neither packed nor pushed again.
   */
  append: boolean
}

/** A save that packs every mount whole, taking nothing from the artifact. */
export const PACKED_WHOLE: SaveLayout = { carried: [], updated: [], changeSets: [], append: false }

/** Whether a save takes anything from the artifact: files copied from it, or the image itself to append to. */
export function readsArtifact(layout: SaveLayout): boolean {
  return layout.carried.length + layout.updated.length > 0 || layout.append
}

/**
 * What a save keeps: the mounts that fit together under the bound (in order), and those that do not, laid out
 * so the registry is not sent again what it holds. Changes are saved, and layers appended, only over an artifact
 * whose id the restore read: the save checks it finds that same artifact.
 */
export function mountsToSave(
  measured: (MountReport | undefined)[],
  before: (MountReport | undefined)[],
  maxBytes: number,
  artifactKnown = false
): SaveLayout & { save: number[]; tooLarge: number[]; changed: boolean } {
  const unchanged = (index: number): boolean => measured[index]?.digest === (before[index]?.digest ?? '')
  const changed = measured.some((now, index) => now !== undefined && now.digest !== '' && !unchanged(index))
  const save: number[] = []
  const tooLarge: number[] = []
  let total = 0
  measured.forEach((now, index) => {
    if (now === undefined || now.digest === '') return
    if (total + now.bytes > maxBytes) tooLarge.push(index)
    else {
      save.push(index)
      total += now.bytes
    }
  })
  const restored = (index: number): boolean => before[index]?.status === 'restored'
  const carried = save.filter(index => restored(index) && unchanged(index))
  const updated = save.filter(index => {
    const now = measured[index] as MountReport
    const sets = before[index]?.changeSets
    return (
      artifactKnown &&
      restored(index) &&
      !unchanged(index) &&
      sets !== undefined &&
      sets.count < MAX_CHANGE_SETS &&
      now.changedBytes !== undefined &&
      (sets.bytes + now.changedBytes) * CHANGES_SHARE <= now.bytes
    )
  })
  // Appending keeps whatever the artifact holds: only when every mount's old content is carried, updated or none.
  const append =
    artifactKnown &&
    tooLarge.length === 0 &&
    measured.every(
      (now, index) =>
        carried.includes(index) ||
        updated.includes(index) ||
        (before[index]?.status === 'missing' && (save.includes(index) || now?.digest === ''))
    )
  const changeSets = before.map(report => report?.changeSets?.count ?? 0)
  return { save, carried, updated, changeSets, append, tooLarge, changed }
}

/** What the restore before the build did; report/ puts it in words. */
export type CacheMountsRestore =
  | { kind: 'none-declared'; skipped: string[] }
  /** The Dockerfile cannot be read here (a Git context, or a file outside reach). */
  | { kind: 'dockerfile-unreadable'; reason: string }
  /** The builder holds every mount already (a warm builder): nothing is pulled. */
  | { kind: 'on-builder'; ids: string[]; mounts: (MountReport | undefined)[]; durationMs: number }
  | {
      kind: 'restored'
      ids: string[]
      mounts: (MountReport | undefined)[]
      /** The id the artifact carries (artifactIdOf); none in one saved before ids were kept. */
      artifactId?: string
      durationMs: number
      skipped: string[]
    }
  /** No artifact yet, or it could not be read: the build runs cold. */
  | { kind: 'failed'; ids: string[]; reason: string; durationMs: number; skipped: string[] }

/** What the save after the build did; report/ puts it in words. */
export type CacheMountsSave =
  | { kind: 'unchanged'; durationMs: number }
  /**
   * ids: the mounts packed whole; updated: those of which only the changes were packed; bytes: what was packed
   * of both; kept: those carried from the artifact as they were.
   */
  | {
      kind: 'saved'
      ref: string
      bytes: number
      ids: string[]
      updated: string[]
      kept: string[]
      tooLarge: string[]
      durationMs: number
    }
  | { kind: 'failed'; reason: string; durationMs: number }

/** The pull of the build's base images beside the restore; report/ puts it in words. */
export type BasesPrefetch =
  | { kind: 'pulled'; images: number; durationMs: number }
  | { kind: 'failed'; images: number; reason: string; durationMs: number }
