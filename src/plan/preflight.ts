import { isIPv4, isIPv6 } from 'node:net'
import { quoteValue } from '../inputs/input-error'
import { isLoopbackHost } from '../model/hosts'
import { ProxySettings } from '../model/proxy'
import { DOCKER_HUB, RegistryModel } from '../model/registries'

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
}

export interface ProbeResult {
  endpoint: Endpoint
  reachable: boolean
  /** e.g. 'HTTP 200', 'HTTP 401', 'timeout after 3000 ms', 'connection refused'. */
  status: string
  latencyMs: number
}

export type MirrorCheckMode = 'warn' | 'strict' | 'off'

export interface MirrorDecision {
  /** Mirror locations to remove from the registry model. */
  drop: string[]
  warnings: string[]
  error?: string
}

/** What BuildKit will connect to: every mirror, every plain-HTTP/insecure registry, and every proxy. */
export function preflightEndpoints(model: RegistryModel, proxy: ProxySettings): Endpoint[] {
  const endpoints: Endpoint[] = []
  const mirrorHosts = new Set<string>()
  for (const [registry, options] of model) {
    for (const location of options.mirrors) {
      const hostKey = location.split('/')[0]
      mirrorHosts.add(hostKey)
      const url = `${model.get(hostKey)?.http ? 'http' : 'https'}://${hostKey}/v2/`
      endpoints.push(withProxy({ kind: 'mirror', label: location, url, registry }, proxy))
    }
  }
  for (const [key, options] of model) {
    // A plain-HTTP mirror's own section is already probed as a mirror above.
    if (key === DOCKER_HUB || mirrorHosts.has(key) || !(options.http || options.insecure)) continue
    const url = `${options.http ? 'http' : 'https'}://${key}/v2/`
    endpoints.push(withProxy({ kind: 'registry', label: key, url }, proxy))
  }
  const proxies = [proxy.http, proxy.https].filter(p => p !== undefined)
  for (const p of proxies.filter((p, i) => proxies.findIndex(q => q.url === p.url) === i)) {
    endpoints.push({ kind: 'proxy', label: p.display, url: p.url })
  }
  return endpoints
}

function withProxy(endpoint: Endpoint, proxy: ProxySettings): Endpoint {
  const viaProxy = proxyFor(endpoint.url, proxy)
  return viaProxy === undefined ? endpoint : { ...endpoint, viaProxy }
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
 * Whether NO_PROXY exempts host:port, as golang.org/x/net/http/httpproxy reads it: `*` matches everything;
 * an IP or CIDR matches addresses; `example.com` matches it and its subdomains, `.example.com` and
 * `*.example.com` only subdomains; any entry may carry a `:port`. Loopback is not handled here.
 */
export function matchesNoProxy(host: string, port: number, noProxy: string[]): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  const ip = parseIp(name)
  for (const raw of noProxy) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return true
    const cidr = parseCidr(entry)
    if (cidr) {
      if (ip && cidrContains(cidr, ip)) return true
      continue
    }
    const split = splitHostPort(entry)
    if (split && split.host === '') continue
    const entryHost = split ? split.host.replace(/^\[(.*)\]$/, '$1') : entry
    const entryPort = split?.port ?? ''
    const portMatches = entryPort === '' || entryPort === String(port)
    const entryIp = parseIp(entryHost)
    if (entryIp) {
      if (ip && sameIp(entryIp, ip) && portMatches) return true
      continue
    }
    const suffix = entryHost.replace(/^\*\./, '.')
    const domain = suffix.startsWith('.') ? suffix : `.${suffix}`
    const exact = !suffix.startsWith('.')
    if ((name.endsWith(domain) || (exact && name === domain.slice(1))) && portMatches) return true
  }
  return false
}

/** net.SplitHostPort: needs a port, brackets around a host with colons; undefined when Go returns an error. */
function splitHostPort(text: string): { host: string; port: string } | undefined {
  if (text.startsWith('[')) {
    const match = /^\[([^\]]*)\]:([^:[\]]*)$/.exec(text)
    return match ? { host: match[1], port: match[2] } : undefined
  }
  const colon = text.lastIndexOf(':')
  if (colon < 0 || text.slice(0, colon).includes(':')) return undefined
  return { host: text.slice(0, colon), port: text.slice(colon + 1) }
}

/** An address as 16 bytes (IPv4 mapped into IPv6, as Go stores it); undefined when it is not an address. */
function parseIp(text: string): number[] | undefined {
  if (isIPv4(text)) return [...Array(10).fill(0), 0xff, 0xff, ...text.split('.').map(Number)]
  if (!isIPv6(text) || text.includes('%')) return undefined
  let body = text
  const tail: number[] = []
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    body = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1)
    tail.push(...dotted[2].split('.').map(Number))
  }
  const groups = (part: string): number[] =>
    part === '' ? [] : part.split(':').flatMap(g => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])
  const [head, rest] = body.split('::')
  const front = groups(head)
  const back = [...groups(rest ?? ''), ...tail]
  return [...front, ...Array(16 - front.length - back.length).fill(0), ...back]
}

function sameIp(a: number[], b: number[]): boolean {
  return a.every((byte, i) => byte === b[i])
}

const isMapped = (ip: number[]): boolean => sameIp(ip.slice(0, 12), [...Array(10).fill(0), 0xff, 0xff])

interface Cidr {
  network: number[]
  /** Prefix length over the 16-byte form. */
  bits: number
  v4: boolean
}

function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text)
  const ip = match && parseIp(match[1])
  if (!match || !ip) return undefined
  const literalV4 = isIPv4(match[1])
  const bits = Number(match[2]) + (literalV4 ? 96 : 0)
  if (bits > 128) return undefined
  // Go compares an IPv4 host only with an IPv4 network (which a mapped address with a /96+ prefix is).
  return { network: ip, bits, v4: literalV4 || (isMapped(ip) && bits >= 96) }
}

function cidrContains(cidr: Cidr, ip: number[]): boolean {
  if (cidr.v4 !== isMapped(ip)) return false
  for (let bit = 0; bit < cidr.bits; bit++) {
    const mask = 0x80 >> (bit % 8)
    if ((cidr.network[bit >> 3] & mask) !== (ip[bit >> 3] & mask)) return false
  }
  return true
}

/**
 * What to do with the probe results. A dead mirror is worse than none: BuildKit tries it first on every
 * request and only falls back to the next host after its dial timeout. A mirror that failed because its
 * proxy is down is left alone: the proxy is the problem, and the proxy warning says so.
 */
export function decideMirrors(results: ProbeResult[], mode: MirrorCheckMode): MirrorDecision {
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
