import { InputError } from './input-error'
import { maskUserInfo } from './credentials'
import { parseHostPort, unbracket } from './hosts'

export interface ProxyUrl {
  /** The URL with an explicit scheme (Go reads a bare host:port as http://). */
  url: string
  /** Host name or address without brackets, to decide whether the builder must share the host network. */
  hostname: string
  /** The URL with its credentials replaced by ***, for logs and summaries. */
  display: string
  /** The runner's environment variable it came from (e.g. HTTPS_PROXY); unset when an input gave it. */
  fromEnvironment?: string
}

export interface ProxySettings {
  http?: ProxyUrl
  https?: ProxyUrl
  noProxy: string[]
}

const SCHEMES = ['http', 'https', 'socks5', 'socks5h']
/** RFC 3986 user info, what Go's net/url accepts; anything else has to be percent-encoded. */
const USER_INFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/

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
  return unbracket(hostname)
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
