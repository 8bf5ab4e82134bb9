import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import * as log from '../runner/log'
import type { Inputs } from '../../inputs/parse'
import type { Plan } from '../../plan/plan'
import type { BuildxPluginLink } from '../../model/saved-state'
import { BuilderStart, createBuilder, nodesOf, readNodes } from './builder'
import { removeBuilderArgs } from '../../plan/argv'
import { isWarmBuilderName } from '../../model/warm-shape'
import { buildxConfigDir } from '../docker/config-files'
import { docker } from '../docker/docker'
import { isAlive, withWarmLock } from './warm-lock'
import { configFileDigests, readWarmKey } from './warm-key'

/**
 * Warm builders are shared by the jobs of one runner user, so their bookkeeping lives next to buildx's own
 * store of builders: a lock for the moments a job creates or removes one, a lease file per job using one (the
 * job's main process: alive while its build runs), and a last-used time per builder.
 */
export function warmStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(buildxConfigDir(env), 'multi-platform-build')
}

/**
 * What a warm builder's name needs besides the inputs: the key of this folder and the digests of the files the
 * config names. No key (refused, with a warning) means no warm builder for this job.
 */
export function warmNameFacts(inputs: Inputs): {
  warmKey?: string
  configFileDigests?: Record<string, string>
} {
  const warmKey = readWarmKey(warmStateDir())
  return warmKey === undefined ? {} : { warmKey, configFileDigests: configFileDigests(inputs) }
}

function buildxInstancesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(buildxConfigDir(env), 'instances')
}

/** Marks `builder` as used by this process from now until post releases it (or the process is gone). */
export function takeLease(builder: string, dir = warmStateDir()): string {
  const leases = join(dir, 'leases')
  mkdirSync(leases, { recursive: true, mode: 0o700 })
  const lease = join(leases, `${builder}.${process.pid}`)
  writeFileSync(lease, String(process.pid), { mode: 0o600 })
  touchUsed(builder, dir)
  return lease
}

/**
 * Post: this job no longer uses the builder, which counts as used now for the idle timeout. Only a lease file
 * of this builder in this folder is removed (the path comes from the saved state), with any whose job is gone;
 * false when `lease` is no such file.
 */
export function releaseLease(builder: string, lease: string, dir = warmStateDir()): boolean {
  const leases = join(dir, 'leases')
  if (resolve(lease) !== lease || dirname(lease) !== leases || !isLeaseOf(builder, basename(lease)))
    return false
  for (const name of leaseFiles(dir, builder)) {
    const path = join(leases, name)
    if (path === lease || !isAlive(leasePid(name))) rmSync(path, { force: true })
  }
  touchUsed(builder, dir)
  return true
}

/** Lease files are named BUILDER.PID. */
function isLeaseOf(builder: string, name: string): boolean {
  return name.startsWith(`${builder}.`) && /^\d+$/.test(name.slice(builder.length + 1))
}

function leasePid(name: string): number {
  return Number(/\.(\d+)$/.exec(name)?.[1] ?? NaN)
}

function touchUsed(builder: string, dir: string): void {
  const used = join(dir, 'used')
  mkdirSync(used, { recursive: true, mode: 0o700 })
  const file = join(used, builder)
  const now = new Date()
  if (existsSync(file)) utimesSync(file, now, now)
  else writeFileSync(file, '', { mode: 0o600 })
}

function leaseFiles(dir: string, builder: string): string[] {
  try {
    return readdirSync(join(dir, 'leases')).filter(name => isLeaseOf(builder, name))
  } catch {
    return []
  }
}

/** A lease counts while its process lives; a job that was killed leaves one that no longer does. */
function inUse(builder: string, dir: string): boolean {
  return leaseFiles(dir, builder).some(name => isAlive(leasePid(name)))
}

function lastUsedMs(builder: string, dir: string): number {
  for (const file of [join(dir, 'used', builder), join(buildxInstancesDir(), builder)]) {
    try {
      return statSync(file).mtimeMs
    } catch {
      // The next source.
    }
  }
  return 0
}

/** Whether buildx has a builder of this name in its store (a file per builder). */
export function builderExists(builder: string): boolean {
  return existsSync(join(buildxInstancesDir(), builder))
}

/**
 * Removes warm builders (and their cache) that no job uses and none has used for `idleMs`, except `keep`.
 * Called with the lock held, so no job can be starting on one of them meanwhile.
 */
export async function removeIdleWarmBuilders(
  idleMs: number,
  keep: string,
  dir = warmStateDir()
): Promise<string[]> {
  let names: string[]
  try {
    names = readdirSync(buildxInstancesDir()).filter(name => isWarmBuilderName(name) && name !== keep)
  } catch {
    return []
  }
  const removed: string[] = []
  const now = Date.now()
  for (const name of names) {
    if (inUse(name, dir) || now - lastUsedMs(name, dir) < idleMs) continue
    const result = await docker(removeBuilderArgs(name), { silent: true })
    if (result.exitCode === 0) {
      removed.push(name)
      rmSync(join(dir, 'used', name), { force: true })
      rmSync(join(dir, 'nodes', name), { force: true })
      for (const lease of leaseFiles(dir, name)) rmSync(join(dir, 'leases', lease), { force: true })
    } else {
      log.warning(`Could not remove idle warm builder ${name}: ${result.stderr.trim().split('\n').at(-1)}`)
    }
  }
  return removed
}

function readKept(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function keep(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, text, { mode: 0o600 })
}

/** Bytes free on the disk Docker keeps its data on (the temp folder's disk when that is not readable). */
export function freeDiskBytes(): number | undefined {
  for (const path of ['/var/lib/docker', tmpdir()]) {
    try {
      const stats = statfsSync(path)
      return stats.bavail * stats.bsize
    } catch {
      // The next place.
    }
  }
  return undefined
}

export interface WarmBuilder extends BuilderStart {
  /** The builder ran already and was used as it was: no create, no boot. */
  reused: boolean
  /** Idle warm builders this job removed. */
  removedIdle: string[]
}

/**
 * The warm builder of this plan: reused when buildx has it already, else created (after `prepare`, which gets
 * the BuildKit image). Under the lock, idle warm builders of other shapes go first; the lease taken before the
 * lock is released keeps any other job from removing this one while it builds.
 */
export async function useWarmBuilder(
  inputs: Inputs,
  plan: Plan,
  hooks: {
    prepare: () => Promise<void>
    linked: (link: BuildxPluginLink) => void
    leased: (lease: string) => void
  }
): Promise<WarmBuilder> {
  return withWarmLock(async () => {
    const removedIdle = await removeIdleWarmBuilders(inputs.warm.idleMs, plan.builder)
    let builder: BuilderStart
    const reused = builderExists(plan.builder)
    if (reused) {
      // No boot: a running builder is used as it is (and one whose container stopped, the build starts). Its
      // nodes cannot change under its name, so the first reuse keeps what inspect says for later ones.
      const kept = join(warmStateDir(), 'nodes', plan.builder)
      const known = readKept(kept)
      const nodes = () =>
        known !== undefined
          ? Promise.resolve(nodesOf(inputs, plan, known))
          : readNodes(inputs, plan, text => keep(kept, text))
      builder = { buildx: { source: 'runner' }, nodes }
    } else {
      await hooks.prepare()
      builder = await createBuilder(inputs, plan, hooks.linked)
    }
    hooks.leased(takeLease(plan.builder))
    return { ...builder, reused, removedIdle }
  }, warmStateDir())
}
