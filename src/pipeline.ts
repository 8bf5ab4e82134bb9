import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { annotateBuildChecks, runBuild } from './run/build'
import { BuilderStart, createBuilder, registerBuilder } from './run/builder'
import { runMerge } from './run/merge'
import { ImageFact, imageInDaemon, obtainImage } from './run/image'
import { mirrorCandidates } from './model/image-ref'
import { checkNetwork, Preflight } from './run/network-check'
import { docker, setDockerEnv } from './run/docker'
import { writePrivateDockerConfig } from './run/docker-config'
import { qemuMayPull, QemuFact, setupQemu } from './run/qemu'
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
import { failure } from './report/failure'
import { inheritedProxyNotice } from './report/notices'
import type { RegistryLogin } from './model/docker-config'

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
  const logins = inputs.registryLogins
  // Warm-builder code (and its disk check) is loaded only when asked for.
  const warm = inputs.warm.enabled ? await import('./run/warm-builders') : undefined
  const freeDiskBytes = warm?.freeDiskBytes()
  const warmFacts = warm?.warmNameFacts(inputs)
  const firstPlan = makePlan(inputs, { workDir, hostsFile, appendNodes, freeDiskBytes, ...warmFacts })
  // The daemon's copy of the BuildKit image is looked up while the preflight probes the network.
  // A merge starts no builder container, so it needs no image.
  const imagePresent =
    firstPlan.ownBuilder &&
    inputs.split.mergeDigests.length === 0 &&
    mirrorCandidates(firstPlan.buildkitImage, firstPlan.registryModel).length > 0
      ? imageInDaemon(firstPlan.buildkitImage).catch(() => false)
      : undefined
  // Saved before anything is created, so post cleans up after a failure or cancellation from here on.
  const state: SavedState = {
    builder: firstPlan.builder,
    workDir,
    // A warm builder stays for the next job; post releases this job's lease on it instead.
    cleanup: inputs.cleanup && firstPlan.ownBuilder && !firstPlan.warm,
    keepState: inputs.builderOptions.keepState
  }
  // A buildx link or a warm-builder lease is saved the moment it is made, so post undoes it whatever fails later.
  const linked = (link: BuildxPluginLink) => saveState(Object.assign(state, { buildxPlugin: link }))
  let image: ImageFact = { source: 'existing-builder' }
  const obtain = async (builderPlan: Plan) => {
    image = await obtainImage(
      builderPlan.buildkitImage,
      builderPlan.registryModel,
      builderPlan.buildkitImage === firstPlan.buildkitImage ? imagePresent : undefined
    )
  }
  // A builder booting before the preflight has spoken pulls nothing: a pull may only use mirrors found alive.
  const early =
    bootsDuringPreflight(inputs, firstPlan, logins) && (await imagePresent) !== false && !qemuMayPull(inputs)
  let booting: BootingBuilder | undefined
  if (early) {
    prepare(firstPlan, state)
    await writeConfig(firstPlan, workDir)
    booting = await bootBuilder(inputs, firstPlan, { prepare: () => obtain(firstPlan), linked })
  }
  let preflight: Preflight
  try {
    preflight = await log.group('Preflight: mirrors, registries, proxy', () =>
      checkNetwork(inputs, firstPlan, logins)
    )
  } catch (error) {
    // Nothing this step started may outlive it: the builder is booted to its end, shown, and left to post.
    await booting?.shown(firstPlan).catch(() => undefined)
    throw error
  }
  const plan =
    preflight.drop.length > 0
      ? makePlan(inputs, {
          workDir,
          hostsFile,
          appendNodes,
          freeDiskBytes,
          ...warmFacts,
          droppedMirrors: preflight.drop
        })
      : firstPlan
  let booted: BuilderStart | undefined
  if (booting && plan === firstPlan) booted = await booting.shown(plan)
  else if (booting) {
    // The builder booted with a mirror the preflight found dead: replaced by one without it.
    await booting.shown(firstPlan).catch(() => undefined)
    await log.group(`Builder ${firstPlan.builder} (replaced: a mirror is down)`, () =>
      removeBuilder(firstPlan)
    )
  }
  if (!booted) {
    if (!booting) prepare(plan, state)
    await writeConfig(plan, workDir, booting !== undefined)
  }
  if (logins.length > 0) {
    // Only this step's docker commands see the logins; the daemon and other steps keep their own config.
    setDockerEnv(writePrivateDockerConfig(workDir, logins))
    log.info(`Logged in for this step: ${logins.map(login => login.registry).join(', ')}`)
  }

  if (inputs.split.mergeDigests.length > 0) return mergeDigests(inputs, plan, state, preflight)

  const leased = (lease: string) => saveState(Object.assign(state, { warmLease: lease }))
  let reused: boolean | undefined
  let start: BuilderStart
  const qemu = booting?.qemu ?? (await log.group('QEMU', () => setupQemu(inputs, plan.registryModel)))
  if (booted) start = booted
  else if (plan.warm && warm) {
    const used = await log.group(`Warm builder ${plan.builder}`, () =>
      warm.useWarmBuilder(inputs, plan, { prepare: () => obtain(plan), linked, leased })
    )
    used.removedIdle.forEach(name => log.info(`Removed idle warm builder ${name}.`))
    log.info(used.reused ? `Reused warm builder ${plan.builder}.` : `Created warm builder ${plan.builder}.`)
    ;({ reused } = used)
    start = used
  } else {
    if (plan.ownBuilder) await log.group(`BuildKit image ${plan.buildkitImage}`, () => obtain(plan))
    start = await log.group(`Builder ${plan.builder}`, () => createBuilder(inputs, plan, linked))
  }
  setOutputs(core.setOutput, { 'builder-reused': reused ?? false })
  // The build's process starts first, then the nodes are read beside it; they are reported even when it fails.
  const building = log.group('Build', () => runBuild(inputs, plan))
  const nodesRead = start.nodes().then(nodes => {
    setOutputs(core.setOutput, { platforms: nodes.platforms, nodes: nodes.nodes, driver: nodes.driver })
    return nodes
  })
  const [builder, outcome] = await Promise.all([nodesRead, building])
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

/**
 * Whether the builder can boot while the preflight probes the network: only where the preflight's answer
 * changes the builder just when a mirror is down (mirror-check warn; strict fails before any builder exists),
 * for one builder of ours booted by `create --bootstrap`, with no logins to check first. Behind a slow network
 * the probes then cost nothing: the boot takes longer than they do.
 */
function bootsDuringPreflight(inputs: Inputs, plan: Plan, logins: RegistryLogin[]): boolean {
  return (
    plan.ownBuilder &&
    !plan.warm &&
    plan.bootsOnCreate &&
    inputs.mirrorCheck === 'warn' &&
    logins.length === 0 &&
    inputs.split.mergeDigests.length === 0
  )
}

/** A builder booting during the preflight; its log is shown, in a group of its own, once that is done. */
interface BootingBuilder {
  qemu: QemuFact
  shown(plan: Plan): Promise<BuilderStart>
}

/**
 * QEMU first (BuildKit lists its platforms when it boots) and the BuildKit image (`prepare`), as for any new
 * builder, then `create --bootstrap` with its log held.
 */
async function bootBuilder(
  inputs: Inputs,
  plan: Plan,
  hooks: { prepare: () => Promise<void>; linked: (link: BuildxPluginLink) => void }
): Promise<BootingBuilder> {
  const qemu = await log.group('QEMU', () => setupQemu(inputs, plan.registryModel))
  await log.group(`BuildKit image ${plan.buildkitImage}`, hooks.prepare)
  const held = log.holdOutput(() => createBuilder(inputs, plan, hooks.linked))
  // Settled now and again when shown: a failure is reported there, not as an unhandled rejection.
  held.result.catch(() => undefined)
  return {
    qemu,
    shown: builderPlan =>
      log.group(`Builder ${builderPlan.builder}`, async () => {
        const settled = await held.result.then(
          start => ({ start }),
          (error: unknown) => ({ error })
        )
        held.release()
        if ('error' in settled) throw settled.error
        return settled.start
      })
  }
}

async function removeBuilder(plan: Plan): Promise<void> {
  const removed = await docker(plan.commands.remove, { redactions: plan.redactions })
  if (removed.exitCode !== 0) throw failure('Removing the builder failed', removed.stderr)
}

/** The plan's warnings, what it will run (debug), and the state post needs, before anything is created. */
function prepare(plan: Plan, state: SavedState): void {
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
  saveState(Object.assign(state, { builder: plan.builder }))
}

/**
 * The work dir must be new (mkdir fails on anything already there) and the config a new file in it; a config
 * this step wrote for a builder it replaced is deleted first, so the new one is a new file too.
 */
async function writeConfig(plan: Plan, workDir: string, replace = false): Promise<void> {
  if (replace) rmSync(plan.configPath, { force: true })
  else mkdirSync(workDir, { mode: 0o700 })
  writeFileSync(plan.configPath, plan.configToml, { mode: 0o600, flag: 'wx' })
  setOutputs(core.setOutput, { 'buildkitd-config': plan.configToml, builder: plan.builder })
  await log.group('buildkitd.toml', async () => {
    log.info(plan.configToml.trim() === '' ? '(empty: BuildKit defaults)' : plan.configToml)
    if (plan.hostNetworkReasons.length > 0)
      log.info(`\nBuilder uses the host network: ${plan.hostNetworkReasons.join('; ')}`)
  })
  const notice = inheritedProxyNotice(plan.inheritedLoopbackProxies)
  if (notice) log.notice(notice)
}
