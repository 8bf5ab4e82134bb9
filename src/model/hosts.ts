/** Host and port grammar shared by mirror, registry and proxy entries. */
import { isIPv6 } from 'node:net'

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`)
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

export interface HostPort {
  /** Lower-case host name, IPv4 address, or IPv6 address in brackets. */
  host: string
  port?: number
}

/** Parses `host[:port]` (IPv6 in brackets); returns undefined when it is not one. */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text.toLowerCase())
  if (!match) return undefined
  const [, host, portText] = match
  if (!isHost(host)) return undefined
  if (portText === undefined) return { host }
  if (!isPort(portText)) return undefined
  return { host, port: Number(portText) }
}

/** A TCP port in decimal ASCII digits, 1 to 65535 (no sign, no fullwidth digits). */
export function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535
}

export function isHost(host: string): boolean {
  if (host.startsWith('[')) return host.endsWith(']') && isIPv6Literal(unbracket(host))
  if (host.length > 253) return false
  if (/^[\d.]+$/.test(host)) return IPV4.test(host)
  return HOSTNAME.test(host)
}

/** An IPv6 address with an optional zone (fe80::1%eth0); hex and colons alone would let "[:]" through. */
export function isIPv6Literal(text: string): boolean {
  const [address, zone, ...rest] = text.split('%')
  return rest.length === 0 && (zone === undefined || /^[a-z0-9]+$/i.test(zone)) && isIPv6(address)
}

/** An IPv6 address without the brackets URLs and host:port put around it ("[::1]" → "::1"); others as given. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

export function formatHostPort({ host, port }: HostPort): string {
  return port === undefined ? host : `${host}:${port}`
}

/** Loopback as Go sees it: never proxied, and only reachable from a builder on the host network. */
export function isLoopbackHost(host: string): boolean {
  const bare = unbracket(host).toLowerCase()
  return (
    bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
  )
}
