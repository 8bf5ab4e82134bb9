// The helper builds that restore cache mounts before the build and save them after it. Each returns a fact and
// never throws: a cache that cannot be read or written leaves the build as it would be without it.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import {
  artifactIdOf,
  BasesPrefetch,
  bucketId,
  cacheMountIdsInUsage,
  CacheMountsRestore,
  CacheMountsSave,
  MountReport,
  mountsToSave,
  PACKED_WHOLE,
  parseMountReport,
  readsArtifact
} from '../../model/cache-mounts'
import type { CacheMountsPlan, HelperBuild, SaveOf } from '../../plan/cache-mounts-plan'
import { docker } from '../docker/docker'
import { lastLine } from '../../model/output-line'

export interface HelperEnv {
  builder: string
  env: Record<string, string>
  redactions: [string, string][]
}

/**
 * Before the build: nothing is pulled when the builder holds every mount already (a warm or existing builder;
 * `buildx du` lists them), they are only measured; otherwise the artifact's mounts are unpacked into empty caches.
 */
export async function restoreCacheMounts(
  plan: CacheMountsPlan,
  run: HelperEnv,
  skipped: string[],
  newBuilder: boolean
): Promise<CacheMountsRestore> {
  const started = Date.now()
  const ids = plan.mounts.map(mount => mount.id)
  const elapsed = () => Date.now() - started
  try {
    mkdirSync(plan.context, { recursive: true })
    mkdirSync(plan.lists, { recursive: true })
    // A builder this run created holds nothing: only a warm or an existing one is asked.
    const usage = newBuilder
      ? undefined
      : await docker(['buildx', 'du', '--builder', run.builder, '--verbose'], { silent: true, env: run.env })
    const held = usage?.exitCode === 0 ? cacheMountIdsInUsage(usage.stdout) : new Set<string>()
    if (plan.mounts.every(mount => held.has(bucketId(mount, plan.namespace)))) {
      const measured = await reportOf(plan.measure, plan.mounts.length, run)
      if (typeof measured === 'string')
        return { kind: 'failed', ids, reason: measured, durationMs: elapsed(), skipped }
      return { kind: 'on-builder', ids, mounts: measured.mounts, durationMs: elapsed() }
    }
    const restored = await reportOf(plan.restore, plan.mounts.length, run)
    if (typeof restored === 'string')
      return { kind: 'failed', ids, reason: restored, durationMs: elapsed(), skipped }
    return {
      kind: 'restored',
      ids,
      mounts: restored.mounts,
      ...(restored.id !== undefined ? { artifactId: restored.id } : {}),
      durationMs: elapsed(),
      skipped
    }
  } catch (error) {
    return { kind: 'failed', ids, reason: (error as Error).message, durationMs: elapsed(), skipped }
  }
}

/**
 * Pulls the build's base images onto a new builder while the restore runs; the build, started once the restore
 * is done, joins the pull still under way. A failure only means the build pulls them itself.
 */
export async function prefetchBases(
  plan: CacheMountsPlan,
  run: HelperEnv
): Promise<BasesPrefetch | undefined> {
  if (!plan.prefetch) return undefined
  const { build, images } = plan.prefetch
  const started = Date.now()
  try {
    mkdirSync(plan.context, { recursive: true })
    // Silent: it runs beside the restore, whose log its progress would cut into; a line says how it went.
    const result = await runHelper(build, run, true)
    if (result.exitCode !== 0)
      return { kind: 'failed', images, reason: whyFailed(result.stderr), durationMs: Date.now() - started }
    return { kind: 'pulled', images, durationMs: Date.now() - started }
  } catch (error) {
    return { kind: 'failed', images, reason: (error as Error).message, durationMs: Date.now() - started }
  }
}

/** After a successful build: the mounts measured, and pushed when any changed since the restore. */
export async function saveCacheMounts(
  plan: CacheMountsPlan,
  run: HelperEnv,
  before: (MountReport | undefined)[],
  maxBytes: number,
  artifactId?: string
): Promise<CacheMountsSave> {
  const started = Date.now()
  const elapsed = () => Date.now() - started
  try {
    // Its own folders: a save may follow a restore that never got as far as making them.
    mkdirSync(plan.context, { recursive: true })
    mkdirSync(plan.lists, { recursive: true })
    const report = await reportOf(plan.measure, plan.mounts.length, run)
    if (typeof report === 'string') return { kind: 'failed', reason: report, durationMs: elapsed() }
    const measured = report.mounts
    const { save, tooLarge, changed, ...layout } = mountsToSave(
      measured,
      before,
      maxBytes,
      artifactId !== undefined
    )
    const tooLargeIds = tooLarge.map(index => plan.mounts[index].id)
    if (!changed) return { kind: 'unchanged', durationMs: elapsed() }
    if (save.length === layout.carried.length)
      return {
        kind: 'failed',
        reason: `every changed mount is over the size bound (${tooLargeIds.join(', ')})`,
        durationMs: elapsed()
      }
    let used: SaveOf = { ...layout, artifactId }
    let result = await runHelper(plan.save(save, used), run)
    // The artifact may be gone or replaced since the restore: pack every mount whole instead.
    if (result.exitCode !== 0 && readsArtifact(used)) {
      used = PACKED_WHOLE
      result = await runHelper(plan.save(save, used), run)
    }
    if (result.exitCode !== 0)
      return { kind: 'failed', reason: whyFailed(result.stderr), durationMs: elapsed() }
    const whole = save.filter(index => !used.carried.includes(index) && !used.updated.includes(index))
    const ids = (indexes: number[]): string[] => indexes.map(index => plan.mounts[index].id)
    return {
      kind: 'saved',
      ref: plan.ref,
      bytes:
        whole.reduce((sum, index) => sum + (measured[index]?.bytes ?? 0), 0) +
        used.updated.reduce((sum, index) => sum + (measured[index]?.changedBytes ?? 0), 0),
      ids: ids(whole),
      updated: ids(used.updated),
      kept: ids(used.carried),
      tooLarge: tooLargeIds,
      durationMs: elapsed()
    }
  } catch (error) {
    return { kind: 'failed', reason: (error as Error).message, durationMs: elapsed() }
  }
}

/** Writes a helper build's Dockerfile and runs it with a value new to this run (its output in the log unless silent). */
async function runHelper(
  build: HelperBuild,
  run: HelperEnv,
  silent = false
): Promise<{ exitCode: number; stderr: string }> {
  writeFileSync(build.dockerfile.path, build.dockerfile.text)
  return docker(build.argv(nonce()), { env: run.env, redactions: run.redactions, silent })
}

const nonce = (): string => randomBytes(8).toString('hex')
/** A failed helper build's reason, one line, bounded. */
const whyFailed = (stderr: string): string => lastLine(stderr, 'ERROR:').slice(0, 500)

/**
 * Runs a helper build with a local output and reads its report (the mounts, and the artifact's id when it has
 * one); the reason as text when it failed.
 */
async function reportOf(
  build: HelperBuild,
  count: number,
  run: HelperEnv
): Promise<{ mounts: (MountReport | undefined)[]; id?: string } | string> {
  const report = build.report as string
  rmSync(report, { force: true })
  const result = await runHelper(build, run)
  if (result.exitCode !== 0) return whyFailed(result.stderr)
  const text = readFileSync(report, 'utf8')
  return { mounts: parseMountReport(text, count), id: artifactIdOf(text) }
}
