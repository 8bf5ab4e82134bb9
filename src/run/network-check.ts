import * as log from '../log'
import { Inputs } from '../inputs/parse'
import { Plan } from '../plan/plan'
import { decideMirrors, formatProbeTable, preflightEndpoints, ProbeResult } from '../plan/preflight'

const PROBE_TIMEOUT_MS = 3000

/** What the network check found before the builder exists. */
export interface Preflight {
  /** Mirrors left out of the config because they did not answer (mirror-check: warn). */
  drop: string[]
  /** One result per probed endpoint; empty when nothing was probed. */
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
