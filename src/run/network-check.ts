import * as log from '../log'
import { Inputs } from '../inputs/parse'
import { Plan } from '../plan/plan'
import {
  decideMirrors,
  formatProbeTable,
  LoginVerdict,
  loginVerdict,
  parseChallenge,
  preflightEndpoints,
  ProbeResult,
  proxyFor,
  tokenRequestUrl
} from '../plan/preflight'
import type { RegistryLogin } from '../inputs/registry-auth'
import { registryApiHost } from '../model/docker-config'

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
export async function checkNetwork(
  inputs: Inputs,
  plan: Plan,
  logins: RegistryLogin[] = []
): Promise<Preflight> {
  if (logins.length > 0) await checkLogins(inputs, plan, logins)
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

/**
 * Tries each `registry-auth` login the way the build will use it, before any container exists: GET /v2/,
 * then the token realm with Basic credentials (or /v2/ again with them), through the same proxy choice as
 * BuildKit. At most two requests of PROBE_TIMEOUT_MS each per registry, all registries at once.
 */
async function checkLogins(inputs: Inputs, plan: Plan, logins: RegistryLogin[]): Promise<void> {
  const { fetchAnswer } = await import('./probe')
  const fetch = (url: string, headers: Record<string, string> = {}) =>
    fetchAnswer(url, proxyFor(url, inputs.proxy), headers, PROBE_TIMEOUT_MS)
  const verdicts = await Promise.all(
    logins.map(async ({ registry, username, password }): Promise<LoginVerdict> => {
      const host = registryApiHost(registry)
      const url = `${plan.registryModel.get(registry)?.http ? 'http' : 'https'}://${host}/v2/`
      const first = await fetch(url)
      if (!first.answer) return loginVerdict(registry, undefined, first.status)
      const challenge = first.answer.code === 401 ? parseChallenge(first.answer.challenge) : undefined
      if (!challenge) {
        // An open registry (200) needs no login; any other answer says nothing about the credentials.
        return first.answer.code === 200
          ? { registry, status: 'no login asked' }
          : loginVerdict(registry, undefined, first.status)
      }
      const authorization = {
        Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
      }
      const second =
        challenge.scheme === 'bearer'
          ? await fetch(tokenRequestUrl(challenge, username), authorization)
          : await fetch(url, authorization)
      return loginVerdict(registry, second.answer?.code, second.status)
    })
  )
  for (const verdict of verdicts) log.info(`registry-auth ${verdict.registry}: ${verdict.status}`)
  verdicts.forEach(verdict => verdict.warning && log.warning(verdict.warning))
  const failed = verdicts.filter(verdict => verdict.error)
  if (failed.length > 0) throw new Error(failed.map(verdict => verdict.error).join('\n'))
}
