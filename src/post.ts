import * as core from '@actions/core'
import { rmSync } from 'node:fs'
import { docker } from './docker'
import { loadState } from './state'

/** Undoes what main recorded: the builder (container and state volume) and this run's files. */
export async function runPost(): Promise<void> {
  const state = loadState()
  if (!state) {
    core.info('Main created nothing; nothing to clean up.')
    return
  }
  if (state.cleanup) {
    const removed = await docker(state.removeArgs)
    if (removed.exitCode === 0) {
      core.info(`Removed builder ${state.builder}.`)
    } else if (/no builder .* found|not found/i.test(removed.stderr)) {
      core.info(`Builder ${state.builder} was never created.`)
    } else {
      core.warning(`Could not remove builder ${state.builder}: ${removed.stderr.trim()}`)
    }
  } else {
    core.info(`cleanup is false: keeping builder ${state.builder}.`)
  }
  if (state.buildxPlugin) {
    const { removeBuildxPlugin } = await import('./buildx-install')
    if (removeBuildxPlugin(state.buildxPlugin.path, state.buildxPlugin.dir))
      core.info(`Removed ${state.buildxPlugin.path}.`)
  }
  rmSync(state.workDir, { recursive: true, force: true })
}
