/** Host and port grammar shared by mirror, registry and proxy entries. */

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`)
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/
const IPV6_CHARS = /^[0-9a-f:.]+(?:%[a-z0-9]+)?$/

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
  const port = Number(portText)
  if (port < 1 || port > 65535) return undefined
  return { host, port }
}

export function isHost(host: string): boolean {
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1)
    return host.endsWith(']') && inner.includes(':') && IPV6_CHARS.test(inner)
  }
  if (host.length > 253) return false
  if (/^[\d.]+$/.test(host)) return IPV4.test(host)
  return HOSTNAME.test(host)
}

export function formatHostPort({ host, port }: HostPort): string {
  return port === undefined ? host : `${host}:${port}`
}

/** Loopback as Go sees it: never proxied, and only reachable from a builder on the host network. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
  )
}
