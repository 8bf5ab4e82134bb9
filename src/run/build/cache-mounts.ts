// The helper builds that restore cache mounts before the build and save them after it. Each returns a fact and
// never throws: a cache that cannot be read or written leaves the build as it would be without it.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import {
  bucketId,
  cacheMountIdsInUsage,
  CacheMountsRestore,
  CacheMountsSave,
  MountReport,
  mountsToSave,
  parseMountReport
} from '../../model/cache-mounts'
import type { CacheMountsPlan, HelperBuild } from '../../plan/cache-mounts-plan'
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
    // A builder this run created holds nothing: only a warm or an existing one is asked.
    const usage = newBuilder
      ? undefined
      : await docker(['buildx', 'du', '--builder', run.builder, '--verbose'], { silent: true, env: run.env })
    const held = usage?.exitCode === 0 ? cacheMountIdsInUsage(usage.stdout) : new Set<string>()
    if (plan.mounts.every(mount => held.has(bucketId(mount, plan.namespace)))) {
      const measured = await reportOf(plan.measure, plan.mounts.length, run)
      if (typeof measured === 'string')
        return { kind: 'failed', ids, reason: measured, durationMs: elapsed(), skipped }
      return { kind: 'on-builder', ids, mounts: measured, durationMs: elapsed() }
    }
    const restored = await reportOf(plan.restore, plan.mounts.length, run)
    if (typeof restored === 'string')
      return { kind: 'failed', ids, reason: restored, durationMs: elapsed(), skipped }
    return { kind: 'restored', ids, mounts: restored, durationMs: elapsed(), skipped }
  } catch (error) {
    return { kind: 'failed', ids, reason: (error as Error).message, durationMs: elapsed(), skipped }
  }
}

/** After a successful build: the mounts measured, and pushed when any changed since the restore. */
export async function saveCacheMounts(
  plan: CacheMountsPlan,
  run: HelperEnv,
  before: (MountReport | undefined)[],
  maxBytes: number
): Promise<CacheMountsSave> {
  const started = Date.now()
  const elapsed = () => Date.now() - started
  try {
    // Its own folders: a save may follow a restore that never got as far as making them.
    mkdirSync(plan.context, { recursive: true })
    const measured = await reportOf(plan.measure, plan.mounts.length, run)
    if (typeof measured === 'string') return { kind: 'failed', reason: measured, durationMs: elapsed() }
    const { save, tooLarge, changed } = mountsToSave(measured, before, maxBytes)
    const tooLargeIds = tooLarge.map(index => plan.mounts[index].id)
    if (!changed) return { kind: 'unchanged', durationMs: elapsed() }
    if (save.length === 0)
      return {
        kind: 'failed',
        reason: `every changed mount is over the size bound (${tooLargeIds.join(', ')})`,
        durationMs: elapsed()
      }
    const build = plan.save(save)
    writeFileSync(build.dockerfile.path, build.dockerfile.text)
    const result = await docker(build.argv(nonce()), { env: run.env, redactions: run.redactions })
    if (result.exitCode !== 0)
      return { kind: 'failed', reason: whyFailed(result.stderr), durationMs: elapsed() }
    return {
      kind: 'saved',
      ref: plan.ref,
      bytes: save.reduce((sum, index) => sum + (measured[index]?.bytes ?? 0), 0),
      ids: save.map(index => plan.mounts[index].id),
      tooLarge: tooLargeIds,
      durationMs: elapsed()
    }
  } catch (error) {
    return { kind: 'failed', reason: (error as Error).message, durationMs: elapsed() }
  }
}

const nonce = (): string => randomBytes(8).toString('hex')
/** A failed helper build's reason, one line, bounded. */
const whyFailed = (stderr: string): string => lastLine(stderr, 'ERROR:').slice(0, 500)

/** Runs a helper build with a local output and reads its report; the reason as text when it failed. */
async function reportOf(
  build: HelperBuild,
  count: number,
  run: HelperEnv
): Promise<(MountReport | undefined)[] | string> {
  const report = build.report as string
  rmSync(report, { force: true })
  writeFileSync(build.dockerfile.path, build.dockerfile.text)
  const result = await docker(build.argv(nonce()), { env: run.env, redactions: run.redactions })
  if (result.exitCode !== 0) return whyFailed(result.stderr)
  return parseMountReport(readFileSync(report, 'utf8'), count)
}
