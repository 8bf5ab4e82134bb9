/**
 * NO_PROXY as golang.org/x/net/http/httpproxy reads it (BuildKit and buildx are Go): which entries it
 * understands, and which hosts they exempt from the proxy.
 */
import { isIPv4, isIPv6 } from 'node:net'
import { InputError } from './input-error'
import { isHost, isPort, unbracket } from './hosts'

/** NO_PROXY as Go reads it: comma-separated; newlines and spaces are accepted here and turned into commas. */
export function parseNoProxy(value: string): string[] {
  const entries = value
    .split(/[\s,]+/)
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
  for (const entry of entries) {
    if (!isNoProxyEntry(entry)) {
      throw new InputError(
        'no-proxy',
        entry,
        'not a host, domain, IP address or CIDR',
        'List entries such as "localhost,127.0.0.1,.corp.example.com,10.0.0.0/8" separated by commas.'
      )
    }
  }
  return [...new Set(entries)]
}

/**
 * The forms Go's NO_PROXY matching understands: "*", a CIDR, a bare IP, or [*.|.]host[:port]. "_" is
 * allowed in names: Go compares them as strings and internal names often have one.
 */
function isNoProxyEntry(entry: string): boolean {
  if (entry === '*') return true
  if (entry.includes('/')) return parseCidr(entry) !== undefined
  // An address with a zone (fe80::1%eth0) is not one Go matches.
  if (isIPv4(entry) || isIPv6(entry)) return parseIp(entry) !== undefined
  const match = /^(\*?\.)?(\[[^\]]*\]|[^:[\]]+)(?::([^:]*))?$/.exec(entry.toLowerCase())
  if (!match) return false
  const [, domain, host, port] = match
  if (port !== undefined && !isPort(port)) return false
  if (host.startsWith('[')) return domain === undefined && isHost(host)
  return isHost(host.replace(/_/g, 'a'))
}

/**
 * Whether NO_PROXY exempts host:port, as golang.org/x/net/http/httpproxy reads it: `*` matches everything;
 * an IP or CIDR matches addresses; `example.com` matches it and its subdomains, `.example.com` and
 * `*.example.com` only subdomains; any entry may carry a `:port`. Loopback is not handled here.
 */
export function matchesNoProxy(host: string, port: number, noProxy: string[]): boolean {
  const name = unbracket(host.trim().toLowerCase())
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
    const entryHost = split ? unbracket(split.host) : entry
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

/** An IPv4 or IPv6 network/bits (no zone, bits within the address size); undefined when it is not one. */
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
