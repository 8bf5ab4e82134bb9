import { InputError, maskUserInfo } from './errors'
import { isLoopbackHost } from './hosts'

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

const SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:']

/** Every form in which a proxy URL's credentials could be printed; registered as secrets before any log. */
export function proxyCredentialSecrets(value: string): string[] {
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^@/\s]*)@/i.exec(value.trim())
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

export function parseProxyUrl(input: string, value: string): ProxyUrl {
  const hint =
    'Write a proxy as http://[user:password@]host:port (https://, socks5:// and socks5h:// also work).'
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new InputError(input, maskUserInfo(value), 'not a valid proxy URL', hint)
  }
  if (!SCHEMES.includes(url.protocol)) {
    throw new InputError(input, maskUserInfo(value), `unsupported proxy scheme "${url.protocol}"`, hint)
  }
  if (url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new InputError(input, maskUserInfo(value), 'a proxy URL is a scheme, host and port only', hint)
  }
  return {
    url: withScheme.replace(/\/$/, ''),
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    display: maskUserInfo(withScheme.replace(/\/$/, ''))
  }
}

const NO_PROXY_ENTRY = /^(?:\*|\[[0-9a-f:.]+\](?::\d{1,5})?|[a-z0-9*._:/-]+)$/i

/** NO_PROXY as Go reads it: comma-separated; newlines and spaces are accepted here and turned into commas. */
export function parseNoProxy(value: string): string[] {
  const entries = value
    .split(/[\s,]+/)
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
  for (const entry of entries) {
    if (!NO_PROXY_ENTRY.test(entry)) {
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
