import * as log from '../log'
import { ensureImage } from './image'
import { failure } from '../report/failure'
import { mirrorCandidates } from '../model/image-ref'
import { Inputs } from '../inputs/parse'
import { Plan } from '../plan/plan'
import { decideMirrors, formatProbeTable, preflightEndpoints, ProbeResult } from '../plan/preflight'
import { emulatedArchitectures, hostGoArch } from '../model/platform'
import { registerQemu } from './qemu'

/** What the runner needs before a builder can start: reachable mirrors, QEMU, the BuildKit image. */

const PROBE_TIMEOUT_MS = 3000

export interface Preflight {
  drop: string[]
  results: ProbeResult[]
}

/**
 * Probes what the config names before the builder exists: each dead mirror would cost BuildKit a dial timeout
 * on every request (a silent one stalls it outright), so mirror-check warn drops them, strict fails, off skips.
 */
export async function checkNetwork(inputs: Inputs, plan: Plan): Promise<Preflight> {
  if (inputs.mirrorCheck === 'off' || !plan.ownBuilder) return { drop: [], results: [] }
  const endpoints = preflightEndpoints(plan.registryModel, inputs.proxy)
  if (endpoints.length === 0) return { drop: [], results: [] }
  // The probe (and node:http with it) is loaded only when there is something to probe.
  const { probeAll } = await import('./probe')
  const results = await probeAll(endpoints, PROBE_TIMEOUT_MS)
  log.info(formatProbeTable(results))
  const decision = decideMirrors(results, inputs.mirrorCheck)
  decision.warnings.forEach(warning => log.warning(warning))
  if (decision.error) throw new Error(decision.error)
  return { drop: decision.drop, results }
}

/** Registers QEMU for non-native platforms before the builder boots; returns what the summary says about it. */
export async function setupQemu(inputs: Inputs): Promise<string> {
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
    log.info(`QEMU ${state}.`)
    return state
  } catch (error) {
    if (inputs.qemu === 'true') throw error
    log.warning(`${(error as Error).message} (qemu: auto goes on without it.)`)
    return `not registered: ${needed.join(', ')}`
  }
}

/** The daemon's copy of an image, else one pulled through the mirrors of its registry; says where it came from. */
export async function obtainImage(image: string, inputs: Inputs): Promise<string> {
  const candidates = mirrorCandidates(image, inputs.mirrors)
  // With no mirror to fall back on there is nothing to do before buildx asks the daemon for it.
  if (candidates.length === 0) return 'the Docker daemon’s (no mirror for its registry)'
  try {
    const { source } = await ensureImage(image, candidates, {
      attemptsPerSource: 3,
      backoffMs: 2000,
      log: line => log.info(line)
    })
    return source === 'local' ? 'already in the Docker daemon' : `pulled from ${source}`
  } catch (error) {
    throw failure(`Getting ${image} failed`, (error as Error).message)
  }
}
