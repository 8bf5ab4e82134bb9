import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { annotateBuildChecks, runBuild } from './run/build'
import { BuilderStart, createBuilder, registerBuilder } from './run/builder'
import { runMerge } from './run/merge'
import { ImageFact, imageInDaemon, obtainImage } from './run/image'
import { mirrorCandidates } from './model/image-ref'
import { checkNetwork, Preflight } from './run/network-check'
import { setDockerEnv } from './run/docker'
import { writePrivateDockerConfig } from './run/docker-config'
import { setupQemu } from './run/qemu'
import * as log from './log'
import { readHostsFile } from './run/hosts-file'
import { workDirName } from './model/names'
import { makePlan, Plan } from './plan/plan'
import { readInputs } from './inputs/read'
import type { Inputs } from './inputs/parse'
import { setOutputs } from './report/outputs'
import { mergeSummaryRows, platformsBuilt, summaryRows } from './report/summary-rows'
import { BuildxPluginLink, markMainStarted, SavedState, saveState } from './state'
import { writeSummary } from './report/summary'
import { cacheFailureWarning } from './report/explain'

/** main: inputs → plan → preflight → builder → one build (or the merge of split builds) → outputs and summary. */
export async function runMain(): Promise<void> {
  markMainStarted()
  setDockerEnv({})
  const inputs = await readInputs()
  // A new name each run: a folder someone planted (or a world-writable one left over) is never reused.
  const workDir = join(process.env.RUNNER_TEMP || tmpdir(), workDirName(randomBytes(6).toString('hex')))
  const hostsFile = readHostsFile()
  // YAML for extra nodes is parsed (and its library loaded) only when there are any.
  const appendNodes = inputs.builderOptions.append.trim()
    ? (await import('./inputs/append-nodes')).parseAppendNodes(inputs.builderOptions.append)
    : []
  const logins = inputs.registryAuth.trim()
    ? (await import('./inputs/registry-auth')).parseRegistryAuth(inputs.registryAuth, process.env)
    : []
  // Warm-builder code (and its disk check) is loaded only when asked for.
  const warm = inputs.warm.enabled ? await import('./run/warm-builders') : undefined
  const freeDiskBytes = warm?.freeDiskBytes()
  const firstPlan = makePlan(inputs, { workDir, hostsFile, appendNodes, freeDiskBytes })
  // The daemon's copy of the BuildKit image is looked up while the preflight probes the network.
  // A merge starts no builder container, so it needs no image.
  const imagePresent =
    firstPlan.ownBuilder &&
    inputs.split.mergeDigests.length === 0 &&
    mirrorCandidates(firstPlan.buildkitImage, inputs.mirrors).length > 0
      ? imageInDaemon(firstPlan.buildkitImage).catch(() => false)
      : undefined
  const preflight = await log.group('Preflight: mirrors, registries, proxy', () =>
    checkNetwork(inputs, firstPlan, logins)
  )
  const plan =
    preflight.drop.length > 0
      ? makePlan(inputs, { workDir, hostsFile, appendNodes, freeDiskBytes, droppedMirrors: preflight.drop })
      : firstPlan
  plan.warnings.forEach(warning => log.warning(warning))
  if (core.isDebug()) {
    const commands = Object.values(plan.commands).flatMap(c =>
      Array.isArray(c[0]) ? (c as string[][]) : [c as string[]]
    )
    log.debug(
      `planned docker commands:\n${commands.map(args => `  ${log.formatCommand(args, plan.redactions)}`).join('\n')}`
    )
    log.debug(`build environment adds: ${Object.keys(plan.buildEnv).join(', ') || '(nothing)'}`)
  }

  // Saved before anything is created, so post cleans up after a failure or cancellation from here on.
  const state: SavedState = {
    builder: plan.builder,
    workDir,
    // A warm builder stays for the next job; post releases this job's lease on it instead.
    cleanup: inputs.cleanup && plan.ownBuilder && !plan.warm,
    keepState: inputs.builderOptions.keepState
  }
  saveState(state)
  await writeConfig(plan, workDir)
  if (logins.length > 0) {
    // Only this step's docker commands see the logins; the daemon and other steps keep their own config.
    setDockerEnv(writePrivateDockerConfig(workDir, logins))
    log.info(`Logged in for this step: ${logins.map(login => login.registry).join(', ')}`)
  }

  if (inputs.split.mergeDigests.length > 0) return mergeDigests(inputs, plan, state, preflight)

  const qemu = await log.group('QEMU', () => setupQemu(inputs))
  let image: ImageFact = { source: 'existing-builder' }
  const obtain = async () => {
    image = await obtainImage(
      plan.buildkitImage,
      inputs,
      plan.buildkitImage === firstPlan.buildkitImage ? imagePresent : undefined
    )
  }
  // A buildx link or a warm-builder lease is saved the moment it is made, so post undoes it whatever fails later.
  const linked = (link: BuildxPluginLink) => saveState(Object.assign(state, { buildxPlugin: link }))
  const leased = (lease: string) => saveState(Object.assign(state, { warmLease: lease }))
  let reused: boolean | undefined
  let start: BuilderStart
  if (plan.warm && warm) {
    const used = await log.group(`Warm builder ${plan.builder}`, () =>
      warm.useWarmBuilder(inputs, plan, { prepare: obtain, linked, leased })
    )
    used.removedIdle.forEach(name => log.info(`Removed idle warm builder ${name}.`))
    log.info(used.reused ? `Reused warm builder ${plan.builder}.` : `Created warm builder ${plan.builder}.`)
    ;({ reused } = used)
    start = used
  } else {
    if (plan.ownBuilder) await log.group(`BuildKit image ${plan.buildkitImage}`, obtain)
    start = await log.group(`Builder ${plan.builder}`, () => createBuilder(inputs, plan, linked))
  }
  setOutputs(core.setOutput, { 'builder-reused': reused ?? false })
  // The builder's nodes are read while the build starts; they are reported even when the build fails.
  const nodesRead = start.nodes.then(nodes => {
    setOutputs(core.setOutput, { platforms: nodes.platforms, nodes: nodes.nodes, driver: nodes.driver })
    return nodes
  })
  const [builder, outcome] = await Promise.all([nodesRead, log.group('Build', () => runBuild(inputs, plan))])
  setOutputs(core.setOutput, {
    digest: outcome.digest,
    imageid: outcome.imageId,
    metadata: outcome.metadata,
    manifest: outcome.manifest,
    'platforms-built': platformsBuilt(inputs, builder.nodes),
    'cached-steps': outcome.steps.cached
  })
  annotateBuildChecks(inputs, outcome.metadata)
  outcome.cacheFailures.forEach(failure => log.warning(cacheFailureWarning(failure)))
  if (inputs.summary) {
    const facts = {
      ...outcome,
      nodes: builder.nodes,
      qemu,
      buildx: start.buildx,
      driver: builder.driver,
      buildkitImage: image,
      droppedMirrors: preflight.drop,
      reused
    }
    await writeSummary(summaryRows(inputs, plan, outcome, facts), preflight.results)
  }
}

/**
 * merge-digests: no build, so no QEMU, no BuildKit image and no container: the builder is only recorded, for
 * the registry config imagetools reads from it.
 */
async function mergeDigests(
  inputs: Inputs,
  plan: Plan,
  state: SavedState,
  preflight: Preflight
): Promise<void> {
  if (plan.ownBuilder) {
    await log.group(`Builder ${plan.builder} (registry config for imagetools)`, () =>
      registerBuilder(inputs, plan, link => saveState({ ...state, buildxPlugin: link }))
    )
  }
  const outcome = await log.group('Merge', () => runMerge(inputs, plan))
  setOutputs(core.setOutput, {
    digest: outcome.digest,
    imageid: outcome.digest,
    manifest: outcome.manifest,
    'platforms-built': Object.keys(outcome.manifest)
  })
  if (inputs.summary)
    await writeSummary(mergeSummaryRows(inputs, plan, outcome, preflight.drop), preflight.results)
}

/** The work dir must be new (mkdir fails on anything already there) and the config a new file in it. */
async function writeConfig(plan: Plan, workDir: string): Promise<void> {
  mkdirSync(workDir, { mode: 0o700 })
  writeFileSync(plan.configPath, plan.configToml, { mode: 0o600, flag: 'wx' })
  setOutputs(core.setOutput, { 'buildkitd-config': plan.configToml, builder: plan.builder })
  await log.group('buildkitd.toml', async () => {
    log.info(plan.configToml.trim() === '' ? '(empty: BuildKit defaults)' : plan.configToml)
    if (plan.hostNetworkReasons.length > 0)
      log.info(`\nBuilder uses the host network: ${plan.hostNetworkReasons.join('; ')}`)
  })
}
