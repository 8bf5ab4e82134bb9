import type { BasesPrefetch, CacheMountsRestore, CacheMountsSave, MountReport } from '../model/cache-mounts'
import { MAX_SHOWN } from '../model/diagnosis'

export interface Message {
  level: 'info' | 'warning' | 'notice'
  text: string
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** Sizes in the units cache-mounts-max-size takes (1 MB = 1024 kB): kB below a megabyte, then MB and GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} kB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`
}

const total = (mounts: (MountReport | undefined)[], status: MountReport['status']): number =>
  mounts.reduce((sum, mount) => sum + (mount?.status === status ? mount.bytes : 0), 0)

/** Each mount by id with what became of it, e.g. `/root/go/pkg/mod restored (12.3 MB)`. */
function perMount(ids: string[], mounts: (MountReport | undefined)[]): string {
  return ids
    .map((id, index) => {
      const mount = mounts[index]
      if (!mount) return `${id} unknown`
      if (mount.status === 'missing') return `${id} not saved yet`
      const status =
        mount.status === 'measured' || mount.status === 'present' ? 'on the builder' : mount.status
      return `${id} ${status} (${formatBytes(mount.bytes)})`
    })
    .join(', ')
}

/** The job log lines of the restore: what was restored, and a warning when the build runs cold. */
export function restoreMessages(restore: CacheMountsRestore, ref: string): Message[] {
  const skipped =
    'skipped' in restore
      ? restore.skipped.map(text => ({ level: 'notice' as const, text: `Cache mounts: ${text}.` }))
      : []
  switch (restore.kind) {
    case 'none-declared':
      return [
        ...skipped,
        { level: 'info', text: 'Cache mounts: the Dockerfile declares no cache mount to keep.' }
      ]
    case 'dockerfile-unreadable':
      return [{ level: 'warning', text: `Cache mounts: not restored, ${restore.reason}.` }]
    case 'on-builder':
      return [
        {
          level: 'info',
          text: `Cache mounts: the builder holds them already, nothing pulled: ${perMount(restore.ids, restore.mounts)} in ${seconds(restore.durationMs)}.`
        }
      ]
    case 'restored': {
      const odd = restore.mounts
        .map((mount, index) => ({ mount, id: restore.ids[index] }))
        .filter(({ mount }) => mount?.status === 'too-large' || mount?.status === 'corrupt')
        .map(({ mount, id }) => ({
          level: 'warning' as const,
          text:
            mount?.status === 'too-large'
              ? `Cache mounts: ${id} in ${ref} is larger than cache-mounts-max-size (${formatBytes(mount.bytes)}); it starts empty.`
              : `Cache mounts: ${id} in ${ref} would not unpack; it starts empty and is saved again after the build.`
        }))
      return [
        ...skipped,
        ...odd,
        {
          level: 'info',
          text: `Cache mounts: ${perMount(restore.ids, restore.mounts)} from ${ref} in ${seconds(restore.durationMs)}.`
        }
      ]
    }
    case 'failed':
      return [
        ...skipped,
        {
          level: 'warning',
          text: `Cache mounts: nothing restored from ${ref} (${restore.reason.slice(0, MAX_SHOWN)}); the build runs with empty cache mounts. A first run has nothing saved yet.`
        }
      ]
  }
}

/** The job log line of the base images pulled beside the restore. */
export function prefetchMessage(prefetch: BasesPrefetch): string {
  const images = `${prefetch.images} base image${prefetch.images === 1 ? '' : 's'}`
  return prefetch.kind === 'pulled'
    ? `Cache mounts: the build's ${images} pulled beside the restore in ${seconds(prefetch.durationMs)}.`
    : `Cache mounts: the build's ${images} not pulled beside the restore (${prefetch.reason.slice(0, MAX_SHOWN)}); the build pulls them itself.`
}

/** The job log lines of the save. */
export function saveMessages(save: CacheMountsSave): Message[] {
  switch (save.kind) {
    case 'unchanged':
      return [
        {
          level: 'info',
          text: `Cache mounts: unchanged since the restore, not saved (${seconds(save.durationMs)}).`
        }
      ]
    case 'saved':
      return [
        ...save.tooLarge.map(id => ({
          level: 'warning' as const,
          text: `Cache mounts: ${id} is not saved: with it the mounts would be over cache-mounts-max-size.`
        })),
        {
          level: 'info',
          text: `Cache mounts: saved ${savedText(save)} (${formatBytes(save.bytes)}) to ${save.ref} in ${seconds(save.durationMs)}.${keptText(save.kept)}`
        }
      ]
    case 'failed':
      return [
        {
          level: 'warning',
          text: `Cache mounts: not saved (${save.reason.slice(0, MAX_SHOWN)}). The build and push succeeded.`
        }
      ]
  }
}

/** The mounts packed whole, then those of which only the changes were: `/a, the changes to /b`. */
const savedText = (save: { ids: string[]; updated: string[] }): string =>
  [...save.ids, ...save.updated.map(id => `the changes to ${id}`)].join(', ')

const keptText = (kept: string[]): string =>
  kept.length > 0 ? ` Unchanged, kept as saved before: ${kept.join(', ')}.` : ''

/** The `cache-mounts` output: what was restored and saved, with sizes in bytes and times in milliseconds. */
export function cacheMountsOutput(restore: CacheMountsRestore, save: CacheMountsSave | undefined): object {
  const mounts = 'mounts' in restore ? restore.mounts : []
  const ids = 'ids' in restore ? restore.ids : []
  return {
    restore: restore.kind,
    restored: ids.flatMap((id, index) =>
      mounts[index]?.status === 'restored' || mounts[index]?.status === 'present'
        ? [{ id, bytes: mounts[index]?.bytes ?? 0 }]
        : []
    ),
    restoreMs: 'durationMs' in restore ? restore.durationMs : 0,
    save: save?.kind ?? 'skipped',
    saved: save?.kind === 'saved' ? save.ids : [],
    updated: save?.kind === 'saved' ? save.updated : [],
    savedBytes: save?.kind === 'saved' ? save.bytes : 0,
    kept: save?.kind === 'saved' ? save.kept : [],
    saveMs: save?.durationMs ?? 0
  }
}

/** The job summary's rows for cache mounts. */
export function cacheMountsRows(
  restore: CacheMountsRestore,
  save: CacheMountsSave | undefined
): { label: string; value: string }[] {
  const restored =
    'mounts' in restore
      ? `${perMount(restore.ids, restore.mounts)}; ${formatBytes(total(restore.mounts, 'restored'))} in ${seconds(restore.durationMs)}`
      : restore.kind === 'failed'
        ? `nothing (${restore.reason.slice(0, MAX_SHOWN)})`
        : restore.kind === 'none-declared'
          ? 'the Dockerfile declares none'
          : `not read (${restore.reason})`
  const saved =
    save === undefined
      ? 'no'
      : save.kind === 'saved'
        ? `${savedText(save)}; ${formatBytes(save.bytes)} in ${seconds(save.durationMs)}${save.kept.length > 0 ? `; kept unchanged: ${save.kept.join(', ')}` : ''}`
        : save.kind === 'unchanged'
          ? 'unchanged, not pushed'
          : `no (${save.reason.slice(0, MAX_SHOWN)})`
  return [
    { label: 'Cache mounts restored', value: restored },
    { label: 'Cache mounts saved', value: saved }
  ]
}
