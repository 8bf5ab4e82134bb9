import * as log from '../runner/log'
import { Inputs } from '../../inputs/parse'
import { Plan } from '../../plan/plan'
import {
  decideMirrors,
  formatProbeTable,
  LoginVerdict,
  loginNotSent,
  loginVerdict,
  parseChallenge,
  PLAIN_REALM_FIX,
  preflightEndpoints,
  ProbeResult,
  proxyFor,
  realmTarget,
  registryRoute,
  routeTarget,
  Target,
  tokenRequestUrl,
  untrustedCertificateFix
} from '../../plan/preflight'
import type { RegistryLogin } from '../../model/docker-config'
import { registryApiHost } from '../../model/docker-config'
import type { TlsCheck } from './probe'
import { readCaFile } from './trust'

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
 * BuildKit. At most two requests of PROBE_TIMEOUT_MS each per registry (a plain-HTTP fallback shares its
 * request's time), all registries at once.
 */
async function checkLogins(inputs: Inputs, plan: Plan, logins: RegistryLogin[]): Promise<void> {
  const { fetchAnswer } = await import('./probe')
  const model = plan.registryModel
  const verdicts = await Promise.all(
    logins.map(async ({ registry, username, password }): Promise<LoginVerdict> => {
      const host = registryApiHost(registry)
      const route = registryRoute(host, model.get(registry))
      const trust = tlsCheck(registry, route.verify, route.ca)
      if ('problem' in trust) return loginNotSent(registry, trust.problem, CA_FILE_FIX)
      const first = await fetchAnswer(routeTarget(host, route, inputs.proxy), {}, PROBE_TIMEOUT_MS, {
        tls: trust
      })
      if (first.untrusted !== undefined) {
        return loginNotSent(
          registry,
          `the certificate of ${host} is not trusted (${first.untrusted})`,
          untrustedCertificateFix(registry)
        )
      }
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
      // Basic: the URL that answered, checked as it was. Bearer: the realm, checked as BuildKit would.
      let target: Target = { url: first.url, viaProxy: proxyFor(first.url, inputs.proxy) }
      let check = trust
      let where = host
      if (challenge.scheme === 'bearer') {
        const realm = realmTarget(tokenRequestUrl(challenge, username), registry, model, inputs.proxy)
        if ('refused' in realm) return loginNotSent(registry, realm.refused, PLAIN_REALM_FIX)
        const realmTrust = tlsCheck(registry, realm.verify, realm.ca)
        if ('problem' in realmTrust) return loginNotSent(registry, realmTrust.problem, CA_FILE_FIX)
        ;[target, check, where] = [realm, realmTrust, `its token realm ${new URL(realm.url).host}`]
      }
      const second = await fetchAnswer(target, authorization, PROBE_TIMEOUT_MS, { tls: check })
      if (second.untrusted !== undefined) {
        return loginNotSent(
          registry,
          `the certificate of ${where} is not trusted (${second.untrusted})`,
          untrustedCertificateFix(registry)
        )
      }
      return loginVerdict(registry, second.answer?.code, second.status)
    })
  )
  for (const verdict of verdicts) log.info(`registry-auth ${verdict.registry}: ${verdict.status}`)
  verdicts.forEach(verdict => verdict.warning && log.warning(verdict.warning))
  const failed = verdicts.filter(verdict => verdict.error)
  if (failed.length > 0) throw new Error(failed.map(verdict => verdict.error).join('\n'))
}

const CA_FILE_FIX =
  'BuildKit reads that file too (buildx copies it into the builder): fix the path in ca = [...].'

/** How to check TLS for a request with the password: with the CA files of the config read, or why one cannot be. */
function tlsCheck(registry: string, verify: boolean, caFiles: string[]): TlsCheck | { problem: string } {
  if (!verify) return { verify }
  const ca: string[] = []
  for (const [index, path] of caFiles.entries()) {
    try {
      ca.push(readCaFile(path))
    } catch (error) {
      // Which entry, never the path: the config file may hold anything, and its values are not shown.
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
      return {
        problem: `CA file ${index + 1} of ${caFiles.length} that the buildkitd config names for ${registry} cannot be read (${reason})`
      }
    }
  }
  return { verify, ca }
}
