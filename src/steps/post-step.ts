import { lstatSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { removeBuilderArgs } from '../plan/argv'
import { docker, showFinished } from '../run/docker/docker'
import type { StartedRemoval } from '../run/docker/early-removal'
import * as log from '../run/runner/log'
import { isWorkDirName } from '../model/names'
import { isWarmBuilderName } from '../model/warm-shape'
import { loadState } from '../run/runner/save-state'
import type { SavedState } from '../model/saved-state'

/**
 * Undoes what main recorded: the builder (container and state volume), this run's files and a buildx link.
 * Post trusts the state only as far as it can check it: the removal is rebuilt from a valid builder name, and
 * only a folder of ours directly in RUNNER_TEMP and a link of ours into the tool cache are deleted. Every
 * failure here is a warning: the build's result stands.
 */
export async function runPost(removal?: StartedRemoval): Promise<void> {
  let state: SavedState | undefined
  try {
    state = loadState()
  } catch (error) {
    log.warning(`Nothing cleaned up: ${(error as Error).message}.`)
    return
  }
  if (!state) {
    log.info('Main created nothing; nothing to clean up.')
    return
  }
  const { builder, keepState, buildxPlugin, workDir, warmLease } = state
  if (warmLease !== undefined)
    await tryCleanup(`release warm builder ${builder}`, async () => releaseWarm(builder, warmLease))
  else if (state.cleanup)
    await tryCleanup(`remove builder ${builder}`, () => removeBuilder(builder, keepState, removal))
  else log.info(`cleanup is false: keeping builder ${builder}.`)
  if (buildxPlugin) await tryCleanup(`remove ${buildxPlugin.path}`, () => removePluginLink(buildxPlugin))
  await tryCleanup(`remove ${workDir}`, async () => removeWorkDir(workDir))
}

/** One cleanup step; its failure is a warning with the reason, and the steps after it still run. */
async function tryCleanup(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step()
  } catch (error) {
    log.warning(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`)
    if (error instanceof Error && error.stack) log.debug(error.stack)
  }
}

/** Only a lease file of this builder in the warm-builder folder is removed; the builder keeps running. */
async function releaseWarm(builder: string, lease: string): Promise<void> {
  const { releaseLease } = await import('../run/builder/warm-builders')
  if (!isWarmBuilderName(builder) || !releaseLease(builder, lease)) {
    log.warning(`Left ${lease} alone: it is not a lease file of this action.`)
    return
  }
  log.info(`Left warm builder ${builder} running for the next job.`)
}

/** The removal started before this code loaded, when it is of this builder; else it runs now. */
async function removeBuilder(builder: string, keepState: boolean, started?: StartedRemoval): Promise<void> {
  let removed
  if (started && started.builder === builder && started.keepState === keepState) {
    removed = await started.result
    showFinished(started.args, removed)
  } else removed = await docker(removeBuilderArgs(builder, keepState))
  if (removed.exitCode === 0) log.info(`Removed builder ${builder}.`)
  else if (/no builder .* found|not found/i.test(removed.stderr))
    log.info(`Builder ${builder} was never created.`)
  else log.warning(`Could not remove builder ${builder}: ${removed.stderr.trim()}`)
}

async function removePluginLink(plugin: { path: string; dir: string }): Promise<void> {
  const { dockerConfigDir, pluginFileName, removeBuildxPlugin } =
    await import('../run/builder/buildx-install')
  const toolCache = process.env.RUNNER_TOOL_CACHE
  const ownLink = resolve(plugin.path) === join(dockerConfigDir(), 'cli-plugins', pluginFileName())
  const ownDir =
    !!toolCache && resolve(plugin.dir).startsWith(join(resolve(toolCache), 'docker-buildx') + sep)
  if (!ownLink || !ownDir) {
    log.warning(`Left ${plugin.path} alone: it is not the buildx link this action makes.`)
    return
  }
  if (removeBuildxPlugin(plugin.path, plugin.dir)) log.info(`Removed ${plugin.path}.`)
}

function removeWorkDir(workDir: string): void {
  const base = resolve(process.env.RUNNER_TEMP || tmpdir())
  const path = resolve(workDir)
  if (dirname(path) !== base || !isWorkDirName(basename(path))) {
    log.warning(`Left ${workDir} alone: it is not a work folder of this action in ${base}.`)
    return
  }
  let stat
  try {
    stat = lstatSync(path)
  } catch {
    return
  }
  if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) {
    log.warning(`Left ${workDir} alone: it is not a folder this run created.`)
    return
  }
  rmSync(path, { recursive: true, force: true })
}
