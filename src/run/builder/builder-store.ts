import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildxConfigDir } from '../docker/config-files'

/**
 * Writes the driver option values that `buildx create` was given only as placeholders into buildx's own record
 * of the builder (instances/NAME in its state folder, JSON, mode 0600), before anything boots it: the container
 * is made from that record, so it gets the real values while no command line ever carried them. Throws when the
 * record is missing or holds none of the placeholders: a builder booted with a placeholder proxy would fail in
 * ways that say nothing of the cause.
 */
export function writeSealedDriverValues(
  builder: string,
  sealed: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv = process.env
): void {
  if (sealed.size === 0) return
  const file = join(buildxConfigDir(env), 'instances', builder)
  const record = JSON.parse(readFileSync(file, 'utf8')) as {
    Nodes?: { DriverOpts?: Record<string, string> }[]
  }
  let written = 0
  for (const node of record.Nodes ?? []) {
    for (const [key, value] of Object.entries(node.DriverOpts ?? {})) {
      const real = sealed.get(value)
      if (real === undefined || !node.DriverOpts) continue
      node.DriverOpts[key] = real
      written++
    }
  }
  if (written === 0)
    throw new Error(`buildx's record of builder ${builder} (${file}) holds none of the values to write`)
  // A new file renamed over the old one, as buildx writes it: a reader sees the old record or the new, whole.
  const next = `${file}.mpb-${process.pid}`
  writeFileSync(next, JSON.stringify(record), { mode: 0o600, flag: 'wx' })
  renameSync(next, file)
}
