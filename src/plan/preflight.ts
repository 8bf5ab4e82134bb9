import type { MirrorCheck } from '../inputs/network-inputs'
import { isIP } from 'node:net'
import { quoteValue } from '../model/input-error'
import { isLoopbackHost, parseHostPort, unbracket } from '../model/hosts'
import { matchesNoProxy } from '../model/no-proxy'
import { ProxySettings } from '../model/proxy'
import { DOCKER_HUB, RegistryModel, RegistryOptions } from '../model/registries'

/**
 * One thing to probe before the builder starts. `label` is safe to print; `url` (for a proxy) and `viaProxy`
 * may hold proxy credentials, so they are for connecting only and never appear in logs.
 */
export interface Endpoint {
  kind: 'mirror' | 'registry' | 'proxy'
  /** Mirror location (host[:port][/prefix]), registry host[:port], or masked proxy URL. */
  label: string
  /** `<scheme>://host[:port]/v2/` for mirrors and registries; the proxy URL for proxies. */
  url: string
  /** For a mirror: the registry it mirrors. */
  registry?: string
  /** The proxy URL Go would send this request through, if any. */
  viaProxy?: string
  /** Where BuildKit goes next when `url` (https) meets a server that speaks plain HTTP. */
  fallback?: Target
}

/** One URL and the proxy Go would send a request for it through. */
export interface Target {
  url: string
  viaProxy?: string
}

/**
 * How BuildKit reaches a registry or mirror host, from that host's own config section (fillInsecureOpts in its
 * resolver): `insecure` is TLS without checks, falling back to plain HTTP where `http` is set (or unset on
 * loopback); otherwise `http`, or loopback without a setting, is plain HTTP; anything else is checked TLS.
 */
export interface Route {
  scheme: 'https' | 'http'
  /** https: whether the certificate is checked (against the system CAs and `ca`). */
  verify: boolean
  /** https: plain HTTP is tried when the server turns out not to speak TLS. */
  fallback: boolean
  /** The CA files of the host's section. */
  ca: string[]
}

export function registryRoute(host: string, options: RegistryOptions | undefined): Route {
  const plain = options?.http ?? isBuildkitLocalhost(host)
  const ca = options?.ca ?? []
  if (options?.insecure) return { scheme: 'https', verify: false, fallback: plain, ca }
  return plain
    ? { scheme: 'http', verify: false, fallback: false, ca }
    : { scheme: 'https', verify: true, fallback: false, ca }
}

/** containerd's MatchLocalhost: "localhost" or a loopback address, with any port (not *.localhost). */
function isBuildkitLocalhost(hostPort: string): boolean {
  const host = unbracket(parseHostPort(hostPort)?.host ?? hostPort)
  return host === 'localhost' || (isIP(host) !== 0 && isLoopbackHost(host))
}

/** The /v2/ endpoint of host as BuildKit reaches it: URL, proxy, and the plain-HTTP fallback when it has one. */
export function routeTarget(
  host: string,
  route: Route,
  proxy: ProxySettings
): Target & { fallback?: Target } {
  const target = (scheme: string): Target => {
    const url = `${scheme}://${host}/v2/`
    const viaProxy = proxyFor(url, proxy)
    return viaProxy === undefined ? { url } : { url, viaProxy }
  }
  return route.fallback ? { ...target(route.scheme), fallback: target('http') } : target(route.scheme)
}

export interface ProbeResult {
  endpoint: Endpoint
  reachable: boolean
  /** e.g. 'HTTP 200', 'HTTP 401', 'timeout after 3000 ms', 'connection refused'. */
  status: string
  latencyMs: number
}

export interface MirrorDecision {
  /** Mirror locations to remove from the registry model. */
  drop: string[]
  warnings: string[]
  error?: string
}

/**
 * What BuildKit will connect to, the way it will: every mirror, every plain-HTTP/insecure registry, and every
 * proxy. An insecure registry is tried over TLS first, then over plain HTTP when it does not speak TLS.
 */
export function preflightEndpoints(model: RegistryModel, proxy: ProxySettings): Endpoint[] {
  const endpoints: Endpoint[] = []
  const mirrorHosts = new Set<string>()
  const reach = (host: string) => routeTarget(host, registryRoute(host, model.get(host)), proxy)
  for (const [registry, options] of model) {
    for (const location of options.mirrors) {
      const hostKey = location.split('/')[0]
      mirrorHosts.add(hostKey)
      endpoints.push({ kind: 'mirror', label: location, ...reach(hostKey), registry })
    }
  }
  for (const [key, options] of model) {
    // A plain-HTTP mirror's own section is already probed as a mirror above.
    if (key === DOCKER_HUB || mirrorHosts.has(key) || !(options.http || options.insecure)) continue
    endpoints.push({ kind: 'registry', label: key, ...reach(key) })
  }
  const proxies = [proxy.http, proxy.https].filter(p => p !== undefined)
  for (const p of proxies.filter((p, i) => proxies.findIndex(q => q.url === p.url) === i)) {
    endpoints.push({ kind: 'proxy', label: p.display, url: p.url })
  }
  return endpoints
}

/** Go's httpproxy choice: HTTPS_PROXY for https URLs, HTTP_PROXY for http ones, none for loopback or NO_PROXY. */
export function proxyFor(url: string, proxy: ProxySettings): string | undefined {
  const parsed = parseProbeUrl(url)
  const https = parsed.protocol === 'https:'
  const chosen = https ? proxy.https : proxy.http
  if (!chosen || isLoopbackHost(parsed.hostname)) return undefined
  const port = parsed.port === '' ? (https ? 443 : 80) : Number(parsed.port)
  return matchesNoProxy(parsed.hostname, port, proxy.noProxy) ? undefined : chosen.url
}

/**
 * The URL of an endpoint. Registry keys and mirrors are checked where they are read (inputs and the TOML),
 * so this only fails on a model built some other way: say which inputs hold hosts instead of "Invalid URL".
 */
function parseProbeUrl(url: string): URL {
  if (URL.canParse(url)) return new URL(url)
  throw new Error(
    `Cannot probe ${quoteValue(url)}: it is not a valid URL, so a registry key or mirror in the buildkitd config ` +
      'is not a host[:port][/path-prefix]. Fix it in "registry-mirrors", "insecure-registries", ' +
      '"buildkitd-config" or "buildkitd-config-inline", or set "mirror-check: off".'
  )
}

/**
 * What to do with the probe results. A dead mirror is worse than none: BuildKit tries it first on every
 * request and only falls back to the next host after its dial timeout. A mirror that failed because its
 * proxy is down is left alone: the proxy is the problem, and the proxy warning says so.
 */
export function decideMirrors(results: ProbeResult[], mode: MirrorCheck): MirrorDecision {
  const decision: MirrorDecision = { drop: [], warnings: [] }
  if (mode === 'off') return decision
  const deadProxies = new Set(
    results.filter(r => r.endpoint.kind === 'proxy' && !r.reachable).map(r => r.endpoint.url)
  )
  const deadMirrors = new Map<string, ProbeResult[]>()
  for (const result of results) {
    const { kind, label, viaProxy } = result.endpoint
    if (result.reachable) continue
    if (kind === 'mirror') {
      deadMirrors.set(label, [...(deadMirrors.get(label) ?? []), result])
    } else if (kind === 'registry') {
      decision.warnings.push(
        `Registry ${label} did not answer GET /v2/ (${result.status}${viaProxy ? ', through the proxy' : ''}); ` +
          'pulls and pushes that use it will fail.'
      )
    } else {
      decision.warnings.push(
        `Proxy ${label} is unreachable (${result.status}); BuildKit sends its registry traffic through it.`
      )
    }
  }
  if (mode === 'strict') {
    if (deadMirrors.size > 0) {
      const names = [...deadMirrors].map(([label, [first]]) => `${label} (${first.status})`)
      decision.error =
        `Unreachable registry mirror${names.length > 1 ? 's' : ''}: ${names.join(', ')}. ` +
        'Fix or remove them in "registry-mirrors", or set "mirror-check: warn" to drop dead mirrors and continue.'
    }
    return decision
  }
  for (const [label, dead] of deadMirrors) {
    const registries = [...new Set(dead.map(r => r.endpoint.registry ?? DOCKER_HUB))].join(', ')
    const viaProxy = dead[0].endpoint.viaProxy
    if (viaProxy !== undefined && deadProxies.has(viaProxy)) {
      decision.warnings.push(
        `Registry mirror ${label} (for ${registries}) could not be checked because its proxy is unreachable; kept it.`
      )
      continue
    }
    // Failed on the way to its proxy (an https proxy whose certificate is not trusted, say): the proxy is the problem.
    if (viaProxy !== undefined && dead[0].status.startsWith('proxy: ')) {
      decision.warnings.push(
        `Registry mirror ${label} (for ${registries}) could not be checked through its proxy (${dead[0].status}); kept it.`
      )
      continue
    }
    decision.drop.push(label)
    decision.warnings.push(
      `Registry mirror ${label} (for ${registries}) is unreachable (${dead[0].status}); dropped it, since each ` +
        'dead mirror can cost BuildKit a dial timeout on every request. Set "mirror-check: strict" to fail instead.'
    )
  }
  return decision
}

const HEADER = ['endpoint', 'kind', 'reachable', 'status', 'latency ms']

/** Rows for core.summary.addTable, header first. Only labels are shown, never URLs with credentials. */
export function probeSummaryRows(results: ProbeResult[]): string[][] {
  return [
    HEADER,
    ...results.map(({ endpoint, reachable, status, latencyMs }) => [
      endpoint.label,
      describeKind(endpoint),
      reachable ? 'yes' : 'no',
      status,
      String(Math.round(latencyMs))
    ])
  ]
}

function describeKind({ kind, registry, viaProxy }: Endpoint): string {
  return `${kind}${registry ? ` of ${registry}` : ''}${viaProxy ? ' via proxy' : ''}`
}

/** The same rows as a padded, pipe-separated table for the log. */
export function formatProbeTable(results: ProbeResult[]): string {
  const rows = probeSummaryRows(results)
  const widths = HEADER.map((_, column) => Math.max(...rows.map(row => row[column].length)))
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`
  const rule = `|${widths.map(width => '-'.repeat(width + 2)).join('|')}|`
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n')
}

/** What a registry's WWW-Authenticate asks for: a token from a realm (Bearer), or Basic on every request. */
export type Challenge = { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'basic' }

/** The first challenge of a WWW-Authenticate header, if it is one a registry login can answer. */
export function parseChallenge(header: string): Challenge | undefined {
  const scheme = /^\s*(\w+)/.exec(header)?.[1].toLowerCase()
  if (scheme === 'basic') return { scheme: 'basic' }
  if (scheme !== 'bearer') return undefined
  const params: Record<string, string> = {}
  for (const [, key, quoted, bare] of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g))
    params[key.toLowerCase()] = quoted ?? bare
  if (!params.realm || !/^https?:\/\//i.test(params.realm) || !URL.canParse(params.realm)) return undefined
  return { scheme: 'bearer', realm: params.realm, ...(params.service ? { service: params.service } : {}) }
}

/** The token request `docker login` makes: the realm with service and account, and no scope. */
export function tokenRequestUrl(challenge: { realm: string; service?: string }, username: string): string {
  const url = new URL(challenge.realm)
  if (challenge.service) url.searchParams.set('service', challenge.service)
  url.searchParams.set('account', username)
  return url.href
}

/** What the login check of one registry concluded; `error` fails the step, `warning` does not. */
export interface LoginVerdict {
  registry: string
  status: string
  error?: string
  warning?: string
}

/**
 * A login answered 401 or 403 is wrong (bad password, expired token, wrong user). Anything else that is not
 * a success cannot be told apart from a network fault here, so it is a warning and the build says the rest.
 */
export function loginVerdict(registry: string, code: number | undefined, status: string): LoginVerdict {
  if (code === 401 || code === 403) {
    return {
      registry,
      status: `login rejected (HTTP ${code})`,
      error:
        `Input "registry-auth": registry ${registry} rejected the username and password (HTTP ${code}). ` +
        'Check the secret it comes from and that the token may read and push there.'
    }
  }
  if (code !== undefined && code >= 200 && code < 300) return { registry, status: 'login accepted' }
  return {
    registry,
    status: `login not checked (${status})`,
    warning: `Could not check the "registry-auth" login for ${registry} (${status}); the build will tell.`
  }
}

/** A request that carries the password: where it goes, and whether the certificate there is checked (and with what CAs). */
export interface CredentialTarget extends Target {
  verify: boolean
  /** CA files from the buildkitd config trusted besides the system ones. */
  ca: string[]
}

/**
 * Where the token request, which carries the password, may go. BuildKit asks the realm with the registry's
 * own client, so the registry's `ca` counts, as does the realm host's. The certificate is checked unless the
 * realm's host is listed as insecure; plain HTTP goes only to such a host or to loopback. Otherwise the
 * password stays here, and `refused` says why.
 */
export function realmTarget(
  realm: string,
  registry: string,
  model: RegistryModel,
  proxy: ProxySettings
): CredentialTarget | { refused: string } {
  const url = new URL(realm)
  const own = model.get(url.host)
  const ca = [...(model.get(registry)?.ca ?? []), ...(own?.ca ?? [])]
  const viaProxy = proxyFor(url.href, proxy)
  const target = { url: url.href, ...(viaProxy === undefined ? {} : { viaProxy }) }
  if (url.protocol === 'https:') return { ...target, verify: own?.insecure !== true, ca }
  if (own?.http || own?.insecure || isBuildkitLocalhost(url.host)) return { ...target, verify: false, ca }
  return { refused: `its token realm ${url.protocol}//${url.host} is plain HTTP` }
}

/**
 * A login check that sent no password, because no connection could be trusted with it: a warning naming the
 * registry and the reason (the build itself will tell the rest).
 */
export function loginNotSent(registry: string, reason: string, fix: string): LoginVerdict {
  return {
    registry,
    status: `login not checked (${reason}; the password was not sent)`,
    warning: `Could not check the "registry-auth" login for ${registry}: ${reason}, so the password was not sent. ${fix}`
  }
}

/** What to do about a certificate the check could not trust, which BuildKit would refuse as well. */
export function untrustedCertificateFix(registry: string): string {
  return (
    'BuildKit would refuse it too: name the CA that signed it in the buildkitd config ' +
    `(ca = ["/path/to/ca.pem"] in [registry.${JSON.stringify(registry)}]), or list ${registry} in ` +
    '"insecure-registries" if it has no certificate a CA vouches for.'
  )
}

export const PLAIN_REALM_FIX =
  'A password travels only over TLS with a checked certificate, or to a registry listed in "insecure-registries".'
