import { isIP } from 'node:net'
import { InputError, maskUserInfo } from '../inputs/input-error'
import { isHost, isLoopbackHost, isPort, parseHostPort } from './hosts'

export interface ProxyUrl {
  /** The URL with an explicit scheme (Go reads a bare host:port as http://). */
  url: string
  /** Host name or address without brackets, to decide whether the builder must share the host network. */
  hostname: string
  /** The URL with its credentials replaced by ***, for logs and summaries. */
  display: string
}

export interface ProxySettings {
  http?: ProxyUrl
  https?: ProxyUrl
  noProxy: string[]
}

const SCHEMES = ['http', 'https', 'socks5', 'socks5h']
/** RFC 3986 user info, what Go's net/url accepts; anything else has to be percent-encoded. */
const USER_INFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/

/** Every form in which a proxy URL's credentials could be printed; registered as secrets before any log. */
export function proxyCredentialSecrets(value: string): string[] {
  // Up to the last "@", as URL parsers split it, so a password holding "@" is registered whole.
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^]*)@/i.exec(value.trim())
  if (!match) return []
  const userInfo = match[1]
  const secrets = new Set([value.trim(), userInfo])
  const colon = userInfo.indexOf(':')
  const password = colon >= 0 ? userInfo.slice(colon + 1) : userInfo
  for (const candidate of [password, safeDecode(password), safeDecode(userInfo)]) secrets.add(candidate)
  return [...secrets].filter(secret => secret.length >= 3)
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * Checks the URL as written, not as WHATWG URL normalizes it: the string itself goes to Go, curl and RUN
 * steps, so a host URL() maps (fullwidth, zero-width, %70) or a path it folds away (/%2e%2e) is refused.
 */
export function parseProxyUrl(input: string, value: string): ProxyUrl {
  const hint =
    'Write a proxy as http://[user:password@]host:port (https://, socks5:// and socks5h:// also work), ' +
    'with reserved characters in the user name and password percent-encoded (e.g. @ as %40).'
  const fail = (reason: string): never => {
    throw new InputError(input, maskUserInfo(value), reason, hint)
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)
  if (scheme && !SCHEMES.includes(scheme[1].toLowerCase())) {
    fail(`unsupported proxy scheme "${scheme[1].toLowerCase()}:"`)
  }
  const withScheme = scheme ? value : `http://${value}`
  const authority = withScheme.slice(withScheme.indexOf('://') + 3).replace(/\/$/, '')
  const at = authority.lastIndexOf('@')
  if (at >= 0 && !USER_INFO.test(authority.slice(0, at))) {
    fail('not a valid proxy URL: the user name or password has characters that must be percent-encoded')
  }
  const hostText = authority.slice(at + 1)
  if (/[/?#]/.test(hostText)) fail('a proxy URL is a scheme, host and port only')
  const hostPort = parseHostPort(hostText)
  if (!hostPort) return fail('not a valid proxy URL: the host or port is malformed')
  const url = withScheme.replace(/\/$/, '')
  return { url, hostname: proxyHostname(url, hostPort.host), display: maskUserInfo(url) }
}

/** The host as Go dials it, in URL() canonical form where it has one ([0:0::1] is ::1, a loopback). */
function proxyHostname(url: string, host: string): string {
  let hostname = host
  try {
    hostname = new URL(url).hostname
  } catch {
    // An IPv6 zone (fe80::1%eth0) is valid for Go but not for URL(): keep the host as written.
  }
  return hostname.replace(/^\[|\]$/g, '')
}

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
  if (entry.includes('/')) return isCidr(entry)
  if (isIP(entry) !== 0) return !entry.includes('%')
  const match = /^(\*?\.)?(\[[^\]]*\]|[^:[\]]+)(?::([^:]*))?$/.exec(entry.toLowerCase())
  if (!match) return false
  const [, domain, host, port] = match
  if (port !== undefined && !isPort(port)) return false
  if (host.startsWith('[')) return domain === undefined && isHost(host)
  return isHost(host.replace(/_/g, 'a'))
}

function isCidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/')
  const version = isIP(address)
  return (
    rest.length === 0 &&
    version !== 0 &&
    !address.includes('%') &&
    /^\d{1,3}$/.test(bits) &&
    Number(bits) <= (version === 4 ? 32 : 128)
  )
}

/** Proxy variables in both cases: Go reads upper case first, curl and most RUN-step tools read lower case. */
export function proxyEnvironment(proxy: ProxySettings): Record<string, string> {
  const env: Record<string, string> = {}
  const set = (name: string, value: string | undefined): void => {
    if (value === undefined || value === '') return
    env[name] = value
    env[name.toLowerCase()] = value
  }
  set('HTTP_PROXY', proxy.http?.url)
  set('HTTPS_PROXY', proxy.https?.url)
  if (proxy.http || proxy.https) set('NO_PROXY', proxy.noProxy.join(','))
  return env
}

export function loopbackProxies(proxy: ProxySettings): ProxyUrl[] {
  return [proxy.http, proxy.https].filter((p): p is ProxyUrl => p !== undefined && isLoopbackHost(p.hostname))
}
