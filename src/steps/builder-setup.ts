import * as core from '@actions/core'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import type { Inputs } from '../inputs/parse'
import type { ImageFact, QemuFact } from '../model/facts'
import { mirrorCandidates } from '../model/image-ref'
import type { BuildxPluginLink, SavedState } from '../model/saved-state'
import type { Plan } from '../plan/plan'
import { inheritedProxyNotice } from '../report/notices'
import { setOutputs } from '../report/outputs'
import { describeQemu } from '../report/summary'
import { BuilderStart, createBuilder, registerBuilder } from '../run/builder/builder'
import { failure } from '../run/runner/command-failure'
import { docker } from '../run/docker/docker'
import { imageInDaemon, obtainImage } from '../run/builder/image'
import * as log from '../run/runner/log'
import { qemuMayPull, setupQemu } from '../run/builder/qemu'
import { saveState } from '../run/runner/save-state'
import type { PlanContext } from '../plan/plan-context'

/** What the builder setup found out, for the summary. */
export interface BuilderFacts {
  qemu: QemuFact
  buildkitImage: ImageFact
  /** For a warm builder: whether an earlier job's was used. */
  reused?: boolean
}

/**
 * The builder of this run, whichever it is: one of ours created now (booted while the preflight probes the network
 * where it can), a warm one kept between jobs, or an existing one the user named. Main asks it for the same things
 * in the same order whatever the kind: boot early if you can, stay safe while the preflight runs, take the final
 * plan, start.
 */
export class BuilderSetup {
  /** Saved before anything is created, so post cleans up after a failure or cancellation from then on. */
  readonly state: SavedState
  private image: ImageFact = { source: 'existing-builder' }
  private readonly imagePresent: Promise<boolean> | undefined
  private booting: BootingBuilder | undefined
  private booted: BuilderStart | undefined

  constructor(
    private readonly inputs: Inputs,
    private readonly firstPlan: Plan,
    private readonly context: PlanContext & { workDir: string }
  ) {
    this.state = {
      builder: firstPlan.builder,
      workDir: context.workDir,
      // A warm builder stays for the next job; post releases this job's lease on it instead.
      cleanup: inputs.cleanup && firstPlan.ownBuilder && !firstPlan.warm,
      keepState: inputs.builderOptions.keepState
    }
    // The daemon's copy of the BuildKit image is looked up while the preflight probes the network. A merge
    // starts no builder container, so it needs no image.
    this.imagePresent =
      firstPlan.ownBuilder &&
      inputs.split.mergeDigests.length === 0 &&
      mirrorCandidates(firstPlan.buildkitImage, firstPlan.registryModel).length > 0
        ? imageInDaemon(firstPlan.buildkitImage).catch(() => false)
        : undefined
  }

  /** Boots the builder now, before the preflight has spoken, where that is safe (see bootsDuringPreflight). */
  async bootEarly(): Promise<void> {
    const plan = this.firstPlan
    // A builder booting before the preflight has spoken pulls nothing: a pull may only use mirrors found alive.
    const early =
      bootsDuringPreflight(this.inputs, plan) &&
      (await this.imagePresent) !== false &&
      !qemuMayPull(this.inputs)
    if (!early) return
    this.prepare(plan)
    await this.writeConfig(plan)
    this.booting = await bootBuilder(this.inputs, plan, {
      prepare: () => this.obtain(plan),
      linked: link => this.linked(link)
    })
  }

  /** Runs the preflight; if it throws, a builder booting meanwhile is booted to its end and shown first. */
  async whilePreflight<T>(preflight: () => Promise<T>): Promise<T> {
    try {
      return await preflight()
    } catch (error) {
      // Nothing this step started may outlive it: the builder is booted to its end, shown, and left to post.
      await this.booting?.shown(this.firstPlan).catch(() => undefined)
      throw error
    }
  }

  /** Takes the plan the preflight left (dead mirrors dropped): an early builder booted without them is replaced. */
  async configure(plan: Plan): Promise<void> {
    const { booting, firstPlan } = this
    if (booting && plan === firstPlan) this.booted = await booting.shown(plan)
    else if (booting) {
      // The builder booted with a mirror the preflight found dead: replaced by one without it.
      await booting.shown(firstPlan).catch(() => undefined)
      await log.group(`Builder ${firstPlan.builder} (replaced: a mirror is down)`, () =>
        removeBuilder(firstPlan)
      )
    }
    if (this.booted) return
    if (!booting) this.prepare(plan)
    await this.writeConfig(plan, booting !== undefined)
  }

  /** Records the builder only, for the registry config imagetools reads from it (a merge starts no container). */
  async register(plan: Plan): Promise<void> {
    if (!plan.ownBuilder) return
    await log.group(`Builder ${plan.builder} (registry config for imagetools)`, () =>
      registerBuilder(this.inputs, plan, link => saveState({ ...this.state, buildxPlugin: link }))
    )
  }

  /** QEMU, then the builder running: the early one, a warm one, or one created (or an existing one booted) now. */
  async start(plan: Plan): Promise<{ start: BuilderStart; facts: BuilderFacts }> {
    const qemu = this.booting?.qemu ?? (await qemuGroup(this.inputs, plan))
    let reused: boolean | undefined
    let start: BuilderStart
    if (this.booted) start = this.booted
    else if (plan.warm) {
      const warm = await import('../run/builder/warm-builders')
      const used = await log.group(`Warm builder ${plan.builder}`, () =>
        warm.useWarmBuilder(this.inputs, plan, {
          prepare: () => this.obtain(plan),
          linked: link => this.linked(link),
          leased: lease => saveState(Object.assign(this.state, { warmLease: lease }))
        })
      )
      used.removedIdle.forEach(name => log.info(`Removed idle warm builder ${name}.`))
      log.info(used.reused ? `Reused warm builder ${plan.builder}.` : `Created warm builder ${plan.builder}.`)
      ;({ reused } = used)
      start = used
    } else {
      if (plan.ownBuilder) await log.group(`BuildKit image ${plan.buildkitImage}`, () => this.obtain(plan))
      start = await log.group(`Builder ${plan.builder}`, () =>
        createBuilder(this.inputs, plan, link => this.linked(link))
      )
    }
    setOutputs(core.setOutput, { 'builder-reused': reused ?? false })
    return { start, facts: { qemu, buildkitImage: this.image, reused } }
  }

  /** A buildx link is saved the moment it is made, so post undoes it whatever fails later. */
  private linked(link: BuildxPluginLink): void {
    saveState(Object.assign(this.state, { buildxPlugin: link }))
  }

  private async obtain(plan: Plan): Promise<void> {
    this.image = await obtainImage(
      plan.buildkitImage,
      plan.registryModel,
      plan.buildkitImage === this.firstPlan.buildkitImage ? this.imagePresent : undefined
    )
  }

  /** The plan's warnings, what it will run (debug), and the state post needs, before anything is created. */
  private prepare(plan: Plan): void {
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
    saveState(Object.assign(this.state, { builder: plan.builder }))
  }

  /**
   * The work dir must be new (mkdir fails on anything already there) and the config a new file in it; a config
   * this step wrote for a builder it replaced is deleted first, so the new one is a new file too.
   */
  private async writeConfig(plan: Plan, replace = false): Promise<void> {
    if (replace) rmSync(plan.configPath, { force: true })
    else mkdirSync(this.context.workDir, { mode: 0o700 })
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
}

/**
 * Whether the builder can boot while the preflight probes the network: only where the preflight's answer
 * changes the builder just when a mirror is down (mirror-check warn; strict fails before any builder exists),
 * for one builder of ours booted by `create --bootstrap`, with no logins to check first. Behind a slow network
 * the probes then cost nothing: the boot takes longer than they do.
 */
function bootsDuringPreflight(inputs: Inputs, plan: Plan): boolean {
  return (
    plan.ownBuilder &&
    !plan.warm &&
    plan.bootsOnCreate &&
    inputs.mirrorCheck === 'warn' &&
    inputs.registryLogins.length === 0 &&
    inputs.split.mergeDigests.length === 0
  )
}

/** QEMU in a log group of its own, with a line on what was registered. */
function qemuGroup(inputs: Inputs, plan: Plan): Promise<QemuFact> {
  return log.group('QEMU', async () => {
    const fact = await setupQemu(inputs, plan.registryModel)
    if (fact.kind === 'registered' || fact.kind === 'already-registered')
      log.info(`QEMU ${describeQemu(fact)}.`)
    return fact
  })
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
  const qemu = await qemuGroup(inputs, plan)
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
