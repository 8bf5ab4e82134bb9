import * as core from '@actions/core'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { explainFailure } from './build-errors'
import {
  decideMirrors,
  formatProbeTable,
  preflightEndpoints,
  ProbeResult,
  probeSummaryRows
} from './preflight'
import { probeAll } from './probe'
import { parseInspectPlatforms, unsupportedPlatforms } from './builder-info'
import { MIN_BUILDX_VERSION, needsBuildx, parseBuildxVersion } from './buildx-version'
import { diagnose } from './diagnose'
import { docker } from './docker'
import { ensureImage } from './ensure-image'
import { mirrorCandidates } from './image-refs'
import { emulatedArchitectures, hostGoArch } from './qemu'
import { registerQemu } from './qemu-setup'
import { Inputs } from './inputs'
import { resolveLoopbackNames } from './loopback-names'
import { makePlan, networkHostNames, Plan } from './plan'
import { readInputs } from './read-inputs'
import { readMetadata, SummaryRow, summaryRows } from './report'
import { markMainStarted, SavedState, saveState } from './state'

const PROBE_TIMEOUT_MS = 3000
const BUILDER_EXISTS = /existing instance for ".*" but no append mode|already exists/

export async function runMain(): Promise<void> {
  markMainStarted()
  const inputs = readInputs()
  const workDir = join(process.env.RUNNER_TEMP || tmpdir(), `multi-platform-build-${inputs.builderName}`)
  const loopbackNames = resolveLoopbackNames(networkHostNames(inputs))
  const firstPlan = makePlan(inputs, { workDir, loopbackNames })
  const preflight = await core.group('Preflight: mirrors, registries, proxy', () =>
    checkNetwork(inputs, firstPlan)
  )
  const plan =
    preflight.drop.length > 0
      ? makePlan(inputs, { workDir, loopbackNames, droppedMirrors: preflight.drop })
      : firstPlan
  plan.warnings.forEach(warning => core.warning(warning))

  // Saved before anything is created, so post cleans up after a failure or cancellation from here on.
  const state: SavedState = { builder: plan.builder, workDir, cleanup: inputs.cleanup }
  saveState(state)
  mkdirSync(workDir, { recursive: true, mode: 0o700 })
  writeFileSync(plan.configPath, plan.configToml, { mode: 0o600 })
  core.setOutput('buildkitd-config', plan.configToml)
  core.setOutput('builder', plan.builder)
  core.startGroup('buildkitd.toml')
  core.info(plan.configToml.trim() === '' ? '(empty: BuildKit defaults)' : plan.configToml)
  if (plan.hostNetworkReasons.length > 0)
    core.info(`\nBuilder uses the host network: ${plan.hostNetworkReasons.join('; ')}`)
  core.endGroup()

  const buildx = await core.group('buildx', () => ensureBuildx(inputs, plan, state))
  const qemu = await core.group('QEMU', () => setupQemu(inputs))
  const image = await core.group(`BuildKit image ${plan.buildkitImage}`, () =>
    obtainImage(plan.buildkitImage, inputs)
  )
  const platforms = await core.group(`Create builder ${plan.builder}`, () => createBuilder(inputs, plan))
  core.setOutput('platforms', platforms.join(','))

  await core.group('Build', () => build(plan))
  const result = readMetadata(readFileIfPresent(plan.metadataPath))
  core.setOutput('digest', result.digest)
  core.setOutput('imageid', result.imageId)
  core.setOutput('metadata', result.metadata)
  const facts = { platforms, qemu, buildx, buildkitImageSource: image, droppedMirrors: preflight.drop }
  await writeSummary(summaryRows(inputs, plan, result, facts), preflight.results)
}

/**
 * Probes what the config names before the builder exists: each dead mirror would cost BuildKit a dial timeout
 * on every request, so mirror-check warn drops them, strict fails, off skips the probe.
 */
async function checkNetwork(inputs: Inputs, plan: Plan): Promise<{ drop: string[]; results: ProbeResult[] }> {
  if (inputs.mirrorCheck === 'off') return { drop: [], results: [] }
  const endpoints = preflightEndpoints(plan.registryModel, inputs.proxy)
  if (endpoints.length === 0) return { drop: [], results: [] }
  const results = await probeAll(endpoints, PROBE_TIMEOUT_MS)
  core.info(formatProbeTable(results))
  const decision = decideMirrors(results, inputs.mirrorCheck)
  decision.warnings.forEach(warning => core.warning(warning))
  if (decision.error) throw new Error(decision.error)
  return { drop: decision.drop, results }
}

/** Uses the runner's buildx when it is recent enough, else installs the pinned one (loaded only then). */
async function ensureBuildx(inputs: Inputs, plan: Plan, state: SavedState): Promise<string> {
  const installed = await docker(['buildx', 'version'], { silent: true })
  const output = installed.exitCode === 0 ? installed.stdout : undefined
  if (output !== undefined && parseBuildxVersion(output) === undefined) {
    core.warning(`Cannot tell the version of docker buildx ("${output.trim()}"); using it as it is.`)
    return output.trim()
  }
  if (!needsBuildx(output)) return `docker buildx ${parseBuildxVersion(output ?? '')} (runner)`
  core.info(
    output
      ? `docker buildx ${parseBuildxVersion(output)} is older than ${MIN_BUILDX_VERSION}.`
      : 'docker buildx is missing.'
  )
  const { installBuildx, useBuildxPlugin } = await import('./buildx-install')
  const download = await installBuildx({
    version: inputs.buildxVersion,
    urlTemplate: inputs.buildxDownloadUrl,
    log: core,
    proxyEnv: plan.proxyEnv
  })
  const link = useBuildxPlugin(download.path)
  if (link.changed) {
    state.buildxPlugin = { path: link.pluginPath, dir: download.path }
    saveState(state)
  }
  const now = await docker(['buildx', 'version'], { silent: true })
  if (now.exitCode !== 0 || needsBuildx(now.stdout)) {
    throw new Error(
      `docker still does not run the installed buildx from ${link.pluginPath}: ${now.stderr.trim() || now.stdout.trim()}`
    )
  }
  return `docker buildx ${parseBuildxVersion(now.stdout)} (${download.source === 'tool-cache' ? 'tool cache' : 'downloaded'})`
}

/** Registers QEMU for non-native platforms before the builder boots; returns what the summary says about it. */
async function setupQemu(inputs: Inputs): Promise<string> {
  if (inputs.qemu === 'false') return 'left alone (qemu: false)'
  const needed = emulatedArchitectures(inputs.platforms, hostGoArch(process.arch))
  if (needed.length === 0) return 'not needed (all platforms native)'
  try {
    const result = await registerQemu(needed, inputs.qemuImage, image =>
      obtainImage(image, inputs).then(() => undefined)
    )
    const state =
      result.registered.length > 0
        ? `registered ${result.registered.join(', ')} with ${result.method}`
        : `already registered: ${result.alreadyRegistered.join(', ')}`
    core.info(`QEMU ${state}.`)
    return state
  } catch (error) {
    if (inputs.qemu === 'true') throw error
    core.warning(`${(error as Error).message} (qemu: auto goes on without it.)`)
    return `not registered: ${needed.join(', ')}`
  }
}

/** The daemon's copy of an image, else one pulled through the mirrors of its registry; says where it came from. */
async function obtainImage(image: string, inputs: Inputs): Promise<string> {
  try {
    const { source } = await ensureImage(image, mirrorCandidates(image, inputs.mirrors), {
      attemptsPerSource: 3,
      backoffMs: 2000,
      log: line => core.info(line)
    })
    return source === 'local' ? 'already in the Docker daemon' : `pulled from ${source}`
  } catch (error) {
    throw failure(`Getting ${image} failed`, (error as Error).message)
  }
}

async function createBuilder(inputs: Inputs, plan: Plan): Promise<string[]> {
  let created = await docker(plan.commands.create, { redactions: plan.redactions })
  if (created.exitCode !== 0 && BUILDER_EXISTS.test(created.stderr)) {
    // A builder left by an earlier run with this name would keep its old config: replace it.
    await docker(plan.commands.remove, { silent: true })
    core.info(`Removed an existing builder named ${plan.builder}.`)
    created = await docker(plan.commands.create, { redactions: plan.redactions })
  }
  if (created.exitCode !== 0) throw failure('Creating the builder failed', created.stderr)
  const booted = await docker(plan.commands.bootstrap)
  if (booted.exitCode !== 0)
    throw failure('Starting the builder failed', `${booted.stdout}\n${booted.stderr}`)
  const platforms = parseInspectPlatforms(booted.stdout)
  const missing = unsupportedPlatforms(inputs.platforms, platforms)
  if (missing.length > 0 && platforms.length > 0) {
    core.warning(
      `The builder cannot run ${missing.join(', ')} natively or under emulation (it has ${platforms.join(', ')}). ` +
        'Register QEMU (e.g. qemu-user-static) on the runner before this step, or RUN steps for those platforms fail.'
    )
  }
  return platforms
}

async function build(plan: Plan): Promise<void> {
  // The buildx client fetches registry tokens itself, so it needs the proxy too (moby/buildkit#5839).
  const result = await docker(plan.commands.build, { env: plan.proxyEnv, redactions: plan.redactions })
  if (result.exitCode !== 0)
    throw failure(`docker buildx build failed (exit code ${result.exitCode})`, result.stderr)
}

/** Annotates each known cause with the input to change, and returns the error with the lines that matter. */
function failure(what: string, output: string): Error {
  for (const { title, cause, fix } of diagnose(output)) core.error(`${cause} ${fix}`, { title })
  return new Error(`${what}:\n${explainFailure(output).join('\n')}`)
}

function readFileIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

async function writeSummary(rows: SummaryRow[], probes: ProbeResult[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  if (probes.length > 0) {
    const [header, ...body] = probeSummaryRows(probes)
    core.summary
      .addHeading('Network preflight', 4)
      .addTable([header.map(data => ({ data, header: true })), ...body])
  }
  await core.summary
    .addHeading('Multi-platform build', 3)
    .addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true }
      ],
      ...rows.map(row => [row.label, row.value])
    ])
    .write()
}
