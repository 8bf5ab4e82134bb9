import * as http from 'node:http'
import { isIP, Socket, connect as connectTcp } from 'node:net'
import { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { unbracket } from '../../model/hosts'
import { Endpoint, ProbeResult, Target } from '../../plan/preflight'
import { trustedContext } from './trust'

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'socks5:': 1080,
  'socks5h:': 1080
}
/** What a proxy answers itself when it cannot reach the target of an absolute-URI request. */
const PROXY_FAILURES = new Set([407, 502, 503, 504])

/** Probes every endpoint at once; the same URL through the same proxy is probed only once. */
export async function probeAll(endpoints: Endpoint[], timeoutMs: number): Promise<ProbeResult[]> {
  const probes = new Map<string, Promise<ProbeResult>>()
  return Promise.all(
    endpoints.map(async endpoint => {
      const key = JSON.stringify([
        endpoint.kind === 'proxy',
        endpoint.url,
        endpoint.viaProxy ?? '',
        endpoint.fallback
      ])
      let probe = probes.get(key)
      if (!probe) {
        probe = probeEndpoint(endpoint, timeoutMs)
        probes.set(key, probe)
      }
      return { ...(await probe), endpoint }
    })
  )
}

/**
 * A proxy: a TCP connect. A mirror or registry: GET /v2/, directly or the way Go sends it through a proxy
 * (absolute URI for http, CONNECT or SOCKS5 then TLS for https), then over plain HTTP where BuildKit would
 * fall back to it. Any HTTP answer means reachable. One deadline covers everything, and every socket is
 * destroyed when the probe ends, so nothing outlives it. No credential goes to the registry, so any
 * certificate will do (the status says when it is not trusted).
 */
export async function probeEndpoint(endpoint: Endpoint, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now()
  const outcome =
    endpoint.kind === 'proxy'
      ? await attempt({ url: endpoint.url }, timeoutMs, { tcpOnly: true })
      : await withFallback(endpoint, timeoutMs, {})
  const { reachable, status } = outcome
  return { endpoint, reachable, status, latencyMs: Math.round(performance.now() - started) }
}

/** How the TLS of a request that carries a credential is checked. */
export interface TlsCheck {
  /** Refuse a certificate the trusted CAs do not vouch for, before anything is sent. */
  verify: boolean
  /** PEM text of CAs to trust besides Node's own and the system ones (the buildkitd config's `ca`). */
  ca?: string[]
}

/** What one request got: the answer, or why there was none. */
export interface Fetched {
  answer?: Answer
  status: string
  /** The URL that answered (the plain-HTTP fallback, when that was taken). */
  url: string
  /** Set when nothing was sent because the certificate is not trusted: the reason OpenSSL gives. */
  untrusted?: string
}

/**
 * One GET the way BuildKit would send it (same proxy choice, same timeout, its plain-HTTP fallback), with extra
 * headers such as Authorization. With `tls.verify` the headers are written only once the certificate checks
 * out. Resolves with the answer, or with why there was none; never prints the headers.
 */
export async function fetchAnswer(
  target: Target & { fallback?: Target },
  headers: Record<string, string>,
  timeoutMs: number,
  options: { bodyLimit?: number; tls?: TlsCheck } = {}
): Promise<Fetched> {
  const outcome = await withFallback(target, timeoutMs, { headers, ...options })
  const { answer, status, url, untrusted } = outcome
  return {
    ...(outcome.reachable && answer ? { answer } : {}),
    status,
    url,
    ...(untrusted === undefined ? {} : { untrusted })
  }
}

interface Request {
  headers?: Record<string, string>
  bodyLimit?: number
  tls?: TlsCheck
  tcpOnly?: boolean
}

interface Attempted extends Outcome {
  url: string
  /** The target did not speak TLS (or refused port 443): where BuildKit falls back to plain HTTP. */
  notTls?: boolean
  untrusted?: string
}

/** The target, then its fallback when the target turned out not to speak TLS, within one deadline. */
async function withFallback(
  target: Target & { fallback?: Target },
  timeoutMs: number,
  request: Request
): Promise<Attempted> {
  const started = performance.now()
  const first = await attempt(target, timeoutMs, request)
  if (first.reachable || !first.notTls || !target.fallback) return first
  const left = Math.max(1, Math.round(timeoutMs - (performance.now() - started)))
  return attempt(target.fallback, left, request)
}

/** One try at one URL, ended by its own deadline. */
function attempt(target: Target, timeoutMs: number, request: Request): Promise<Attempted> {
  return new Promise(resolve => {
    let answer: Answer | undefined
    const probe = new Probe((reachable, status) =>
      resolve({
        reachable,
        status,
        url: target.url,
        ...(answer ? { answer } : {}),
        ...(probe.notTls ? { notTls: true } : {}),
        ...(probe.untrusted === undefined ? {} : { untrusted: probe.untrusted })
      })
    )
    const timer = setTimeout(() => probe.fail(`timeout after ${timeoutMs} ms`), timeoutMs)
    probe.onEnd = () => clearTimeout(timer)
    run(target, probe, request).then(
      outcome => {
        answer = outcome.answer
        probe.end(outcome.reachable, outcome.status)
      },
      (error: Error) => probe.failWith(error)
    )
  })
}

/** One probe's state: the sockets to destroy, and whether it is still on the hop to the proxy. */
class Probe {
  done = false
  toProxy = false
  /** The target answered the TLS handshake in plain HTTP, or refused the implicit port 443. */
  notTls = false
  /** Why the target's certificate was refused, when it was. */
  untrusted?: string
  /** The target URL has no port of its own (BuildKit falls back to port 80 when 443 refuses). */
  implicitPort = false
  onEnd = (): void => {}
  private readonly resources: { destroy(): void }[] = []

  constructor(private readonly report: (reachable: boolean, status: string) => void) {}

  /** Routes every error of this resource to the probe, so none is ever unhandled. */
  track<T extends { destroy(): void; on(event: 'error', listener: (error: Error) => void): unknown }>(
    resource: T
  ): T {
    this.resources.push(resource)
    resource.on('error', error => this.failWith(error))
    if (this.done) resource.destroy()
    return resource
  }

  failWith(error: Error): void {
    if (this.done) return
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (!this.toProxy) {
      this.notTls = NOT_TLS.has(code) || (code === 'ECONNREFUSED' && this.implicitPort)
      this.untrusted = untrustedReason(error)
    }
    this.fail(describeError(error))
  }

  fail(status: string): void {
    this.end(false, this.toProxy ? `proxy: ${status}` : status)
  }

  end(reachable: boolean, status: string): void {
    if (this.done) return
    this.done = true
    this.onEnd()
    for (const resource of this.resources) resource.destroy()
    this.report(reachable, status)
  }
}

interface Outcome {
  reachable: boolean
  status: string
  /** The registry's own answer, when it gave one: its status code and WWW-Authenticate challenge. */
  answer?: Answer
}

interface Answer {
  code: number
  challenge: string
  /** The body, when the caller asked for it (bodyLimit) and it was no longer than that. */
  body?: Buffer
}

async function run(target: Target, probe: Probe, request: Request): Promise<Outcome> {
  const url = new URL(target.url)
  if (request.tcpOnly) {
    await openTcp(probe, url)
    return { reachable: true, status: 'TCP connected' }
  }
  const https = url.protocol === 'https:'
  const headers: Record<string, string> = {
    Host: url.host,
    'User-Agent': 'buildx-preflight',
    ...request.headers
  }
  let path = `${url.pathname}${url.search}`
  let stream: Duplex
  let throughHttpProxy = false
  probe.implicitPort = https && url.port === '' && target.viaProxy === undefined
  if (target.viaProxy !== undefined) {
    const proxy = new URL(target.viaProxy)
    probe.toProxy = true
    const auth = proxyAuthorization(proxy)
    // Credentials for an https proxy go only to one whose certificate checks out, as Go sends them.
    stream =
      proxy.protocol === 'https:'
        ? await openTls(probe, proxy, await openTcp(probe, proxy), { verify: auth !== undefined })
        : await openTcp(probe, proxy)
    probe.toProxy = false
    if (proxy.protocol.startsWith('socks5')) {
      await socks5Connect(probe, stream, proxy, url)
    } else if (https) {
      const status = await httpConnect(probe, stream, auth, url)
      if (status !== 200) return { reachable: false, status: `proxy answered CONNECT with HTTP ${status}` }
    } else {
      path = url.href
      if (auth) headers['Proxy-Authorization'] = auth
      throughHttpProxy = true
    }
  } else {
    stream = await openTcp(probe, url)
  }
  let certificate = ''
  if (https) {
    const tls = request.tls ?? { verify: false }
    const secure = await openTls(probe, url, stream, tls)
    // Reachability only: an untrusted certificate is BuildKit's problem to report, not a dead endpoint.
    if (!secure.authorized) certificate = ` (untrusted certificate: ${String(secure.authorizationError)})`
    stream = secure
  }
  const answer = await get(probe, stream, path, headers, request.bodyLimit ?? 0)
  const status = answer.code
  if (throughHttpProxy && PROXY_FAILURES.has(status)) {
    return { reachable: false, status: `HTTP ${status} from proxy` }
  }
  return { reachable: true, status: `HTTP ${status}${certificate}`, answer }
}

const portOf = (url: URL): number => (url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port))

function openTcp(probe: Probe, url: URL): Promise<Socket> {
  return new Promise(resolve => {
    const socket = probe.track(connectTcp({ host: unbracket(url.hostname), port: portOf(url) }))
    socket.once('connect', () => resolve(socket))
  })
}

/**
 * TLS is loaded only for an https endpoint or proxy: it costs each start more than the rest of the probe. With
 * `check.verify`, a certificate the trusted CAs do not vouch for (or for another name) ends the probe in the
 * handshake, before a byte of the request is written.
 */
async function openTls(probe: Probe, url: URL, socket: Duplex, check: TlsCheck): Promise<TLSSocket> {
  const tls = await import('node:tls')
  const secureContext = check.verify ? trustedContext(tls, check.ca ?? []) : undefined
  return new Promise(resolve => {
    const host = unbracket(url.hostname)
    const secure = tls.connect({
      socket,
      host,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: check.verify,
      ...(secureContext ? { secureContext } : {}),
      ALPNProtocols: ['http/1.1']
    })
    // Node records why it refused the certificate before it fails the socket with that error: mark the error
    // (this listener runs before the probe's own) so the probe can tell a refused certificate from the rest.
    secure.once('error', (error: Error) => {
      if (check.verify && secure.authorizationError) {
        Object.assign(error, { [UNTRUSTED]: String(secure.authorizationError) })
      }
    })
    probe.track(secure)
    secure.once('secureConnect', () => resolve(secure))
  })
}

/** HTTP CONNECT through the proxy; resolves with the proxy's status code (only 200 opens a tunnel, as in Go). */
function httpConnect(probe: Probe, socket: Duplex, auth: string | undefined, target: URL): Promise<number> {
  return new Promise(resolve => {
    const authority = `${target.hostname}:${portOf(target)}`
    const headers: Record<string, string> = { Host: authority }
    if (auth) headers['Proxy-Authorization'] = auth
    const request = probe.track(
      http.request({ createConnection: () => socket, method: 'CONNECT', path: authority, headers })
    )
    request.once('connect', (response: http.IncomingMessage) => resolve(response.statusCode ?? 0))
    request.once('response', (response: http.IncomingMessage) => resolve(response.statusCode ?? 0))
    request.end()
  })
}

/** One GET; the body is kept only when `bodyLimit` asks for it and it fits (a longer one is dropped unread). */
function get(
  probe: Probe,
  socket: Duplex,
  path: string,
  headers: Record<string, string>,
  bodyLimit: number
): Promise<Answer> {
  return new Promise(resolve => {
    const request = probe.track(
      http.request({ createConnection: () => socket, method: 'GET', path, headers })
    )
    request.once('response', (response: http.IncomingMessage) => {
      const code = response.statusCode ?? 0
      const challenge = String(response.headers['www-authenticate'] ?? '')
      if (bodyLimit === 0 || code !== 200) {
        response.resume()
        resolve({ code, challenge })
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= bodyLimit) chunks.push(chunk)
      })
      response.once('end', () =>
        resolve({ code, challenge, ...(size <= bodyLimit ? { body: Buffer.concat(chunks) } : {}) })
      )
    })
    request.end()
  })
}

/** Basic credentials from the proxy URL, as Go sends them. */
function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return `Basic ${Buffer.from(credentials).toString('base64')}`
}

/** SOCKS5 CONNECT (RFC 1928), with username/password (RFC 1929) when the proxy URL has them. */
async function socks5Connect(probe: Probe, socket: Duplex, proxy: URL, target: URL): Promise<void> {
  const reader = new Reader(probe, socket)
  const user = Buffer.from(decodeURIComponent(proxy.username))
  const password = Buffer.from(decodeURIComponent(proxy.password))
  const withPassword = user.length > 0 || password.length > 0
  socket.write(Buffer.from(withPassword ? [5, 2, 0, 2] : [5, 1, 0]))
  const [version, method] = await reader.read(2)
  if (version !== 5 || (method !== 0 && !(method === 2 && withPassword))) {
    throw new ProbeError('SOCKS5 proxy accepted none of the offered authentication methods')
  }
  if (method === 2) {
    socket.write(
      Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([password.length]), password])
    )
    if ((await reader.read(2))[1] !== 0) throw new ProbeError('SOCKS5 proxy rejected the credentials')
  }
  const host = unbracket(target.hostname)
  const port = portOf(target)
  const address =
    isIP(host) === 4
      ? Buffer.from([1, ...host.split('.').map(Number)])
      : isIP(host) === 6
        ? Buffer.concat([Buffer.from([4]), ipv6Bytes(host)])
        : Buffer.concat([Buffer.from([3, Buffer.byteLength(host)]), Buffer.from(host)])
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, Buffer.from([port >> 8, port & 0xff])]))
  const [, reply, , type, first] = await reader.read(5)
  if (reply !== 0) throw new ProbeError(`SOCKS5 proxy: ${SOCKS_REPLIES[reply] ?? `reply ${reply}`}`)
  await reader.read(type === 1 ? 5 : type === 4 ? 17 : first + 2)
  reader.release()
}

const UNTRUSTED = Symbol('untrusted certificate')

function untrustedReason(error: Error): string | undefined {
  const reason = (error as { [UNTRUSTED]?: unknown })[UNTRUSTED]
  return typeof reason === 'string' ? reason : undefined
}

/** OpenSSL's words for a server that answered the handshake in plain HTTP: BuildKit then falls back to HTTP. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'])

const SOCKS_REPLIES: Record<number, string> = {
  1: 'general failure',
  2: 'connection not allowed',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired'
}

function ipv6Bytes(host: string): Buffer {
  const [head, tail] = host.split('::')
  const groups = (part: string | undefined): string[] => (part ? part.split(':') : [])
  const missing = 8 - groups(head).length - groups(tail).length
  const all = [...groups(head), ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...groups(tail)]
  return Buffer.from(all.flatMap(group => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]))
}

/** Reads exact byte counts for the SOCKS handshake, then hands the socket on untouched. */
class Reader {
  private buffer = Buffer.alloc(0)
  private waiting?: () => void
  private readonly onData = (chunk: Buffer): void => {
    this.buffer = Buffer.concat([this.buffer, chunk])
    this.waiting?.()
  }
  private readonly onClose = (): void =>
    this.probe.fail('proxy closed the connection during the SOCKS5 handshake')

  constructor(
    private readonly probe: Probe,
    private readonly socket: Duplex
  ) {
    socket.on('data', this.onData)
    socket.once('close', this.onClose)
  }

  async read(count: number): Promise<Buffer> {
    while (this.buffer.length < count) await new Promise<void>(resolve => (this.waiting = resolve))
    const bytes = this.buffer.subarray(0, count)
    this.buffer = this.buffer.subarray(count)
    return bytes
  }

  release(): void {
    this.socket.off('data', this.onData)
    this.socket.off('close', this.onClose)
  }
}

class ProbeError extends Error {}

/** Short reasons for the log table. */
function describeError(error: Error): string {
  if (error instanceof ProbeError) return error.message
  const untrusted = untrustedReason(error)
  if (untrusted !== undefined) return `untrusted certificate: ${untrusted}`
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed (EAI_AGAIN)',
    ETIMEDOUT: 'connect timed out',
    EPIPE: 'connection closed',
    ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (the server may speak plain HTTP)',
    ERR_SSL_PACKET_LENGTH_TOO_LONG: 'TLS handshake failed (the server may speak plain HTTP)'
  }
  if (known[code]) return known[code]
  if (error.message === 'socket hang up') return 'connection closed before a response'
  if (/before secure TLS connection/.test(error.message)) return 'connection closed during the TLS handshake'
  if (code === 'ECONNRESET') return 'connection reset'
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return `TLS handshake failed (${code})`
  return code || error.message
}
