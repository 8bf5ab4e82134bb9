import * as core from '@actions/core'
import type { Inputs } from '../inputs/parse'
import { readRegularFile } from '../inputs/regular-file'
import { gitContextHost, localDockerfilePath } from '../inputs/build-options'
import type { BasesPrefetch, CacheMountsRestore, CacheMountsSave } from '../model/cache-mounts'
import { findBaseImages } from '../model/dockerfile-bases'
import { findCacheMounts, isDockerfileFrontend } from '../model/dockerfile-mounts'
import { CacheMountsPlan, planCacheMounts } from '../plan/cache-mounts-plan'
import type { Plan } from '../plan/plan'
import { cacheMountsOutput, prefetchMessage, restoreMessages, saveMessages } from '../report/cache-mounts'
import { setOutputs } from '../report/outputs'
import { HelperEnv, prefetchBases, restoreCacheMounts, saveCacheMounts } from '../run/build/cache-mounts'
import * as log from '../run/runner/log'

/** What the restore left for the save after the build. */
export interface CacheMountsRun {
  plan?: CacheMountsPlan
  env: HelperEnv
  restore: CacheMountsRestore
  /**
   * The pull of the build's base images, started beside the restore on a new builder. The build does not wait
   * for it: BuildKit joins the build's pull of the same image to the one under way.
   */
  prefetch?: Promise<BasesPrefetch | undefined>
}

/**
 * cache-mounts before the build: the Dockerfile's cache mounts found, and restored on the build's builder.
 * Undefined when the input is off; never throws (a restore that fails warns, and the build runs cold).
 */
export async function restoreStep(
  inputs: Inputs,
  plan: Plan,
  workDir: string
): Promise<CacheMountsRun | undefined> {
  const settings = inputs.cacheMounts
  if (!settings) return undefined
  if (inputs.noCache) {
    // BuildKit gives every RUN of a no-cache build empty cache mounts: a restore would be wasted.
    log.info('Cache mounts: not restored nor saved, as no-cache gives the build empty cache mounts.')
    return undefined
  }
  return log.group('Cache mounts: restore', async () => {
    const env: HelperEnv = { builder: plan.builder, env: plan.proxyEnv, redactions: plan.redactions }
    const run = await restoreOf(inputs, plan, workDir, env)
    restoreMessages(run.restore, settings.ref).forEach(({ level, text }) => log[level](text))
    return run
  })
}

async function restoreOf(
  inputs: Inputs,
  plan: Plan,
  workDir: string,
  env: HelperEnv
): Promise<CacheMountsRun> {
  const settings = inputs.cacheMounts as NonNullable<Inputs['cacheMounts']>
  const text = readDockerfile(inputs)
  if (typeof text !== 'string')
    return { env, restore: { kind: 'dockerfile-unreadable', reason: text.reason } }
  const found = findCacheMounts(text)
  const skipped = found.skipped.map(skip => skip.reason)
  if (found.syntax && !isDockerfileFrontend(found.syntax))
    skipped.push(
      `the Dockerfile names the frontend ${found.syntax.slice(0, 100)}; its cache mounts are assumed to be keyed as BuildKit's Dockerfile frontend keys them`
    )
  if (found.mounts.length === 0) return { env, restore: { kind: 'none-declared', skipped } }
  const newBuilder = plan.ownBuilder && !plan.warm
  const cachePlan = planCacheMounts({
    mounts: found.mounts,
    settings,
    builder: plan.builder,
    buildArgs: inputs.buildArgs,
    workDir,
    // A builder made for this run has no base image yet: pulling them beside the restore hides the restore.
    bases: newBuilder ? findBaseImages(text, { buildArgs: inputs.buildArgs, target: inputs.target }) : [],
    platforms: inputs.platforms
  })
  const prefetch = prefetchBases(cachePlan, env)
  const restore = await restoreCacheMounts(cachePlan, env, skipped, newBuilder)
  return { plan: cachePlan, env, restore, prefetch }
}

/**
 * Waits for the pull started beside the restore and says how it went: after the build, which pulled the same
 * images (or failed). Never throws, so a failed build still reports its own error.
 */
export async function prefetchSettled(run: CacheMountsRun | undefined): Promise<void> {
  const prefetch = await run?.prefetch
  if (prefetch) log.info(prefetchMessage(prefetch))
}

/** The Dockerfile buildx will read, when it is a local file; else why it cannot be read here. */
function readDockerfile(inputs: Inputs): string | { reason: string } {
  if (gitContextHost(inputs.context) !== undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(inputs.context))
    return {
      reason: 'the build context is not a local folder, so its Dockerfile cannot be read before the build'
    }
  const path = localDockerfilePath(inputs)
  try {
    return readRegularFile(path, 1024 * 1024)
  } catch (error) {
    return {
      reason: `the Dockerfile ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    }
  }
}

/** cache-mounts after a successful build: the mounts saved when they changed; never throws. */
export async function saveStep(
  inputs: Inputs,
  run: CacheMountsRun | undefined
): Promise<CacheMountsSave | undefined> {
  const settings = inputs.cacheMounts
  if (!settings || !run?.plan) {
    if (run) setOutputs(core.setOutput, { 'cache-mounts': cacheMountsOutput(run.restore, undefined) })
    return undefined
  }
  const cachePlan = run.plan
  const save = await log.group('Cache mounts: save', async () => {
    const before =
      run.restore.kind === 'restored' || run.restore.kind === 'on-builder' ? run.restore.mounts : []
    const artifactId = run.restore.kind === 'restored' ? run.restore.artifactId : undefined
    const result = await saveCacheMounts(cachePlan, run.env, before, settings.maxBytes, artifactId)
    saveMessages(result).forEach(({ level, text }) => log[level](text))
    return result
  })
  setOutputs(core.setOutput, { 'cache-mounts': cacheMountsOutput(run.restore, save) })
  return save
}
