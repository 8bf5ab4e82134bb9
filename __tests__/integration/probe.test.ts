import { readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import { dirname, join } from 'node:path'
import { selfSignedCertificate } from '../support/tls-servers'
import { Endpoint } from '../../src/plan/preflight'
import { fetchAnswer, probeAll, probeEndpoint } from '../../src/run/network/probe'
import { interceptingProxy } from '../support/tls-servers'
import { readManifestAnonymously } from '../../src/run/network/registry-read'
import { contentDigest } from '../../src/model/image-ref'

// Every server listens on 127.0.0.1, and the proxies only dial 127.0.0.1: no traffic leaves the machine.
const HOST = '127.0.0.1'
// Probes meant to time out wait TIMEOUT_MS; probes meant to get an answer get ANSWER_MS, so that a loaded machine
// cannot turn a slow answer into a timeout. Time bounds are generous: they catch a hang, not a slow scheduler.
const TIMEOUT_MS = 300
const ANSWER_MS = 10_000
const SLACK_MS = 5_000

const INDEX = JSON.stringify({ schemaVersion: 2, manifests: [] })
const INDEX_DIGEST = contentDigest(INDEX)

const servers: net.Server[] = []
const openSockets = new Set<net.Socket>()
let tempDir = ''

function listen(server: net.Server): Promise<number> {
  servers.push(server)
  server.on('connection', (socket: net.Socket) => {
    openSockets.add(socket)
    socket.on('close', () => openSockets.delete(socket))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port))
  })
}

/** Both proxies refuse anything but loopback, so a wrong target fails loudly instead of going out. */
const localTarget = (host: string): string | undefined =>
  host === HOST || host === 'localhost' ? HOST : undefined

interface Seen {
  method: string
  target: string
  auth?: string
}

let ok = 0
let unauthorized = 0
let blackhole = 0
let closed = 0
let tlsPort = 0
let proxyPort = 0
let socksPort = 0
let okRequests: http.IncomingHttpHeaders[] = []
/** What the servers saw, in the order they saw it: probes that overlap show it here, whatever the clock says. */
const serverEvents: string[] = []
let tlsRequests: http.IncomingHttpHeaders[] = []
const proxySeen: Seen[] = []
const socksSeen: Seen[] = []

beforeAll(async () => {
  ok = await listen(
    http.createServer((req, res) => {
      okRequests.push(req.headers)
      serverEvents.push('ok: request')
      res.writeHead(req.url === '/v2/' ? 200 : 404, { 'Content-Type': 'application/json' }).end('{}')
    })
  )
  unauthorized = await listen(
    http.createServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="https://auth.invalid/token"' }).end()
    })
  )
  // Accepts connections and never says a word; it reads only to notice when the client hangs up.
  blackhole = await listen(
    net.createServer(socket => {
      serverEvents.push('blackhole: open')
      socket.on('close', () => serverEvents.push('blackhole: closed')).resume()
    })
  )
  const spare = net.createServer()
  closed = await listen(spare)
  await new Promise(resolve => spare.close(resolve))

  const selfSigned = selfSignedCertificate(['localhost'])
  tempDir = dirname(selfSigned.certPath)
  tlsPort = await listen(
    https.createServer({ key: selfSigned.key, cert: selfSigned.cert }, (req, res) =>
      tlsRequests.push(req.headers) && req.url === `/v2/team/app/manifests/${INDEX_DIGEST}`
        ? res.writeHead(200).end(INDEX)
        : res.writeHead(req.url === '/v2/' ? 200 : 404).end()
    )
  )

  const proxy = http.createServer((req, res) => {
    proxySeen.push({
      method: req.method ?? '',
      target: req.url ?? '',
      auth: req.headers['proxy-authorization']
    })
    const url = new URL(req.url ?? '')
    const host = localTarget(url.hostname)
    if (!host) return void res.writeHead(403).end()
    const upstream = http.request(
      { host, port: url.port, path: url.pathname, method: req.method, headers: req.headers, agent: false },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.writeHead(502).end())
    upstream.end()
  })
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxySeen.push({ method: 'CONNECT', target: req.url ?? '', auth: req.headers['proxy-authorization'] })
    const [name, port] = (req.url ?? '').split(':')
    const host = localTarget(name)
    client.on('error', () => {})
    if (!host) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      tunnel(client, upstream)
    })
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
  })
  proxyPort = await listen(proxy)

  socksPort = await listen(net.createServer(socks5Server))
})

/** Pipes both ways and tears both sides down when either ends, so no half-open socket outlives the test. */
function tunnel(client: net.Socket, upstream: net.Socket): void {
  const close = (): void => {
    client.destroy()
    upstream.destroy()
  }
  for (const socket of [client, upstream]) {
    socket.on('error', close).on('end', close).on('close', close)
  }
  upstream.pipe(client).pipe(upstream)
}

/** A SOCKS5 server for the test, requiring user "ci" / password "pw" when the client offers a password. */
function socks5Server(client: net.Socket): void {
  client.on('error', () => {})
  const seen: Seen = { method: 'SOCKS5', target: '' }
  const request = (): void => {
    client.once('data', (data: Buffer) => {
      const type = data[3]
      const name =
        type === 1 ? [...data.subarray(4, 8)].join('.') : data.subarray(5, 5 + data[4]).toString('latin1')
      const port = data.readUInt16BE(data.length - 2)
      seen.target = `${name}:${port}`
      socksSeen.push(seen)
      const host = localTarget(name)
      if (!host) return void client.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]))
      const upstream = net.connect(port, host, () => {
        client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]))
        tunnel(client, upstream)
      })
      upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])))
    })
  }
  client.once('data', (greeting: Buffer) => {
    if (![...greeting.subarray(2)].includes(2)) {
      client.write(Buffer.from([5, 0]))
      return request()
    }
    client.write(Buffer.from([5, 2]))
    client.once('data', (auth: Buffer) => {
      const user = auth.subarray(2, 2 + auth[1]).toString()
      const password = auth.subarray(3 + auth[1], 3 + auth[1] + auth[2 + auth[1]]).toString()
      seen.auth = `${user}:${password}`
      client.write(Buffer.from([1, user === 'ci' && password === 'pw' ? 0 : 1]))
      request()
    })
  })
}

afterAll(async () => {
  for (const socket of openSockets) socket.destroy()
  await Promise.all(
    servers.filter(server => server.listening).map(server => new Promise(resolve => server.close(resolve)))
  )
  if (tempDir) rmSync(tempDir, { recursive: true, force: true })
})

beforeEach(() => {
  okRequests = []
  serverEvents.length = 0
  tlsRequests = []
  proxySeen.length = 0
  socksSeen.length = 0
})

const mirror = (url: string, viaProxy?: string): Endpoint => ({
  kind: 'mirror',
  label: new URL(url).host,
  url,
  registry: 'docker.io',
  ...(viaProxy ? { viaProxy } : {})
})
const proxyEndpoint = (port: number): Endpoint => ({
  kind: 'proxy',
  label: `http://${HOST}:${port}`,
  url: `http://${HOST}:${port}`
})

/** Waits until `done` holds, polling for at most 10 s (a loaded machine is slow to deliver a close). */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!done() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const value = await work()
  return [value, performance.now() - started]
}

describe('probeEndpoint, direct', () => {
  it('reports HTTP 200 from /v2/ with a latency', async () => {
    const result = await probeEndpoint(mirror(`http://${HOST}:${ok}/v2/`), ANSWER_MS)
    expect(result).toMatchObject({ reachable: true, status: 'HTTP 200' })
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    expect(result.latencyMs).toBeLessThan(ANSWER_MS)
    expect(okRequests).toEqual([expect.objectContaining({ host: `${HOST}:${ok}` })])
  })

  it('counts HTTP 401 as reachable', async () => {
    const result = await probeEndpoint(mirror(`http://${HOST}:${unauthorized}/v2/`), ANSWER_MS)
    expect(result).toMatchObject({ reachable: true, status: 'HTTP 401' })
  })

  it.each(['http', 'https'])(
    'times out on a %s listener that never answers, within the timeout',
    async scheme => {
      const [result, elapsed] = await timed(() =>
        probeEndpoint(mirror(`${scheme}://${HOST}:${blackhole}/v2/`), TIMEOUT_MS)
      )
      expect(result).toMatchObject({ reachable: false, status: `timeout after ${TIMEOUT_MS} ms` })
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5)
      expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS)
      expect(result.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5)
    }
  )

  it('reports a closed port as connection refused', async () => {
    const result = await probeEndpoint(mirror(`http://${HOST}:${closed}/v2/`), ANSWER_MS)
    expect(result).toMatchObject({ reachable: false, status: 'connection refused' })
  })

  it('counts a self-signed certificate as reachable, and says so', async () => {
    const result = await probeEndpoint(mirror(`https://${HOST}:${tlsPort}/v2/`), ANSWER_MS)
    expect(result.reachable).toBe(true)
    expect(result.status).toMatch(/^HTTP 200 \(untrusted certificate: \w+/)
  })

  it('tells a TLS probe of a plain-HTTP server apart from a dead one', async () => {
    const result = await probeEndpoint(mirror(`https://${HOST}:${ok}/v2/`), ANSWER_MS)
    expect(result).toMatchObject({ reachable: false, status: expect.stringMatching(/^TLS handshake failed/) })
  })
})

describe('probeEndpoint, proxy endpoints', () => {
  it('is reachable when a TCP connection opens', async () => {
    const result = await probeEndpoint(proxyEndpoint(proxyPort), ANSWER_MS)
    expect(result).toMatchObject({ reachable: true, status: 'TCP connected' })
  })

  it('is unreachable on a closed port', async () => {
    const result = await probeEndpoint(proxyEndpoint(closed), ANSWER_MS)
    expect(result).toMatchObject({ reachable: false, status: 'connection refused' })
  })
})

describe('probeEndpoint through an HTTP proxy', () => {
  const viaProxy = () => `http://ci:p%40ss@${HOST}:${proxyPort}`
  const basic = `Basic ${Buffer.from('ci:p@ss').toString('base64')}`

  it('sends an http probe as an absolute-URI GET, with the proxy credentials', async () => {
    const target = `http://${HOST}:${ok}/v2/`
    const result = await probeEndpoint(mirror(target, viaProxy()), ANSWER_MS)
    expect(result).toMatchObject({ reachable: true, status: 'HTTP 200' })
    expect(proxySeen).toEqual([{ method: 'GET', target, auth: basic }])
    expect(okRequests).toHaveLength(1)
  })

  it('does not count the proxy’s own 502 as an answer from the mirror', async () => {
    const result = await probeEndpoint(mirror(`http://${HOST}:${closed}/v2/`, viaProxy()), ANSWER_MS)
    expect(result).toMatchObject({ reachable: false, status: 'HTTP 502 from proxy' })
  })

  it('tunnels an https probe with CONNECT, then TLS, then GET', async () => {
    const result = await probeEndpoint(mirror(`https://${HOST}:${tlsPort}/v2/`, viaProxy()), ANSWER_MS)
    expect(result.reachable).toBe(true)
    expect(result.status).toMatch(/^HTTP 200 \(untrusted certificate/)
    expect(proxySeen).toEqual([{ method: 'CONNECT', target: `${HOST}:${tlsPort}`, auth: basic }])
  })

  it('uses port 443 in CONNECT when the URL has none', async () => {
    const result = await probeEndpoint(mirror('https://mirror.invalid/v2/', viaProxy()), ANSWER_MS)
    expect(result).toMatchObject({ reachable: false, status: 'proxy answered CONNECT with HTTP 403' })
    expect(proxySeen).toEqual([expect.objectContaining({ target: 'mirror.invalid:443' })])
  })

  it('reports a refused tunnel as unreachable', async () => {
    const result = await probeEndpoint(mirror(`https://${HOST}:${closed}/v2/`, viaProxy()), ANSWER_MS)
    expect(result).toMatchObject({ reachable: false, status: 'proxy answered CONNECT with HTTP 502' })
  })

  it('times out through a proxy that stalls', async () => {
    const stalled = `http://${HOST}:${blackhole}`
    const [result, elapsed] = await timed(() =>
      probeEndpoint(mirror(`https://${HOST}:${tlsPort}/v2/`, stalled), TIMEOUT_MS)
    )
    expect(result).toMatchObject({ reachable: false, status: `timeout after ${TIMEOUT_MS} ms` })
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS)
  })

  it('blames the proxy when the proxy itself is down', async () => {
    const result = await probeEndpoint(
      mirror(`http://${HOST}:${ok}/v2/`, `http://${HOST}:${closed}`),
      ANSWER_MS
    )
    expect(result).toMatchObject({ reachable: false, status: 'proxy: connection refused' })
  })
})

describe('probeEndpoint through a SOCKS5 proxy', () => {
  it('connects by address without credentials', async () => {
    const result = await probeEndpoint(
      mirror(`http://${HOST}:${ok}/v2/`, `socks5://${HOST}:${socksPort}`),
      ANSWER_MS
    )
    expect(result).toMatchObject({ reachable: true, status: 'HTTP 200' })
    expect(socksSeen).toEqual([{ method: 'SOCKS5', target: `${HOST}:${ok}` }])
  })

  it('connects by name with credentials, then TLS', async () => {
    const viaProxy = `socks5h://ci:pw@${HOST}:${socksPort}`
    const result = await probeEndpoint(mirror(`https://localhost:${tlsPort}/v2/`, viaProxy), ANSWER_MS)
    expect(result.reachable).toBe(true)
    expect(result.status).toMatch(/^HTTP 200/)
    expect(socksSeen).toEqual([{ method: 'SOCKS5', target: `localhost:${tlsPort}`, auth: 'ci:pw' }])
  })

  it('reports wrong credentials and refused targets', async () => {
    const wrong = await probeEndpoint(
      mirror(`http://${HOST}:${ok}/v2/`, `socks5://ci:nope@${HOST}:${socksPort}`),
      ANSWER_MS
    )
    expect(wrong).toMatchObject({ reachable: false, status: 'SOCKS5 proxy rejected the credentials' })
    const refused = await probeEndpoint(
      mirror(`http://${HOST}:${closed}/v2/`, `socks5://${HOST}:${socksPort}`),
      ANSWER_MS
    )
    expect(refused).toMatchObject({ reachable: false, status: 'SOCKS5 proxy: connection refused' })
  })
})

describe('probeAll', () => {
  it('probes in parallel, keeps the order, and probes a repeated URL once', async () => {
    const dead = (label: string): Endpoint => ({ ...mirror(`http://${HOST}:${blackhole}/v2/`), label })
    const shared = `http://${HOST}:${ok}/v2/`
    const endpoints = [
      dead('a'),
      { ...mirror(shared), label: 'ok/one' },
      dead('b'),
      { ...mirror(shared), label: 'ok/two', registry: 'ghcr.io' },
      proxyEndpoint(closed)
    ]
    // Long enough that the answering probes answer on a loaded machine; the dead one holds its socket that long.
    const wait = 3_000
    const [results, elapsed] = await timed(() => probeAll(endpoints, wait))
    expect(elapsed).toBeLessThan(wait + SLACK_MS)
    // In parallel: the answering mirror was asked while the dead one (listed first) still held its connection.
    await until(() => serverEvents.includes('blackhole: closed'))
    expect(serverEvents.indexOf('ok: request')).toBeGreaterThan(-1)
    expect(serverEvents.indexOf('ok: request')).toBeLessThan(serverEvents.indexOf('blackhole: closed'))
    expect(results.map(r => [r.endpoint.label, r.endpoint.registry, r.reachable, r.status])).toEqual([
      ['a', 'docker.io', false, `timeout after ${wait} ms`],
      ['ok/one', 'docker.io', true, 'HTTP 200'],
      ['b', 'docker.io', false, `timeout after ${wait} ms`],
      ['ok/two', 'ghcr.io', true, 'HTTP 200'],
      [`http://${HOST}:${closed}`, undefined, false, 'connection refused']
    ])
    expect(okRequests).toHaveLength(1)
  })

  it('leaves no socket open once the probes are done', async () => {
    await probeAll(
      [
        mirror(`http://${HOST}:${blackhole}/v2/`),
        mirror(`https://${HOST}:${blackhole}/v2/`),
        mirror(`https://${HOST}:${tlsPort}/v2/`, `http://${HOST}:${proxyPort}`),
        mirror(`http://${HOST}:${ok}/v2/`, `socks5://${HOST}:${socksPort}`)
      ],
      TIMEOUT_MS
    )
    // The client ends are destroyed at once; the servers' ends close when they see it.
    await until(() => openSockets.size === 0)
    expect(openSockets.size).toBe(0)
    expect(process.getActiveResourcesInfo().filter(name => name === 'TCPSocketWrap')).toEqual([])
  })
})

describe('reading a pushed index from a TLS registry on loopback', () => {
  it('asks plain HTTP first, then reads it over TLS when plain HTTP gets no manifest', async () => {
    await expect(
      readManifestAnonymously(`127.0.0.1:${tlsPort}/team/app`, INDEX_DIGEST, new Map(), { noProxy: [] })
    ).resolves.toBe(INDEX)
  })
})

describe('requests that carry a credential', () => {
  const authorization = { Authorization: 'Basic Y2k6c2VjcmV0' }
  const certificate = () => readFileSync(join(tempDir, 'cert.pem'), 'utf8')

  it('sends nothing to a server whose certificate no trusted CA vouches for, and says why', async () => {
    const fetched = await fetchAnswer({ url: `https://${HOST}:${tlsPort}/v2/` }, authorization, 2000, {
      tls: { verify: true }
    })
    expect(fetched.answer).toBeUndefined()
    expect(fetched.untrusted).toMatch(/^\w+$/)
    expect(fetched.status).toBe(`untrusted certificate: ${fetched.untrusted}`)
    expect(tlsRequests).toEqual([])
  })

  it('sends them once the certificate checks out against the CA it is given', async () => {
    const fetched = await fetchAnswer({ url: `https://${HOST}:${tlsPort}/v2/` }, authorization, 2000, {
      tls: { verify: true, ca: [certificate()] }
    })
    expect(fetched).toMatchObject({ status: 'HTTP 200', answer: { code: 200 } })
    expect(fetched.untrusted).toBeUndefined()
    expect(tlsRequests).toEqual([expect.objectContaining({ authorization: authorization.Authorization })])
  })

  it('refuses a certificate for another name, even from a trusted CA', async () => {
    // A proxy that tunnels other.example to the server whose certificate names localhost and 127.0.0.1.
    const proxy = await interceptingProxy({ tunnelTo: tlsPort })
    try {
      const fetched = await fetchAnswer(
        { url: 'https://other.example/v2/', viaProxy: `http://${HOST}:${proxy.port}` },
        authorization,
        2000,
        { tls: { verify: true, ca: [certificate()] } }
      )
      expect(fetched.untrusted).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
      expect(tlsRequests).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('sends no proxy credentials to an https proxy whose certificate is not trusted', async () => {
    const proxy = await interceptingProxy({
      tunnelTo: ok,
      tls: { key: readFileSync(join(tempDir, 'key.pem'), 'utf8'), cert: certificate() }
    })
    try {
      const withPassword = await probeEndpoint(
        mirror(`https://${HOST}:${tlsPort}/v2/`, `https://ci:pw@${HOST}:${proxy.port}`),
        2000
      )
      expect(withPassword).toMatchObject({
        reachable: false,
        status: expect.stringMatching(/^proxy: untrusted certificate: \w+$/)
      })
      expect(proxy.seen).toEqual([])
      // Without credentials there is nothing to keep from it: the probe goes through to report reachability.
      await probeEndpoint(mirror(`http://${HOST}:${ok}/v2/`, `https://${HOST}:${proxy.port}`), 2000)
      expect(proxy.seen).toEqual([{ method: 'GET', url: `http://${HOST}:${ok}/v2/` }])
    } finally {
      await proxy.close()
    }
  })
})

describe('the plain-HTTP fallback of an insecure registry', () => {
  it('goes to plain HTTP when the server answers the TLS handshake in plain HTTP, as BuildKit does', async () => {
    const result = await probeEndpoint(
      {
        ...mirror(`https://${HOST}:${ok}/v2/`),
        fallback: { url: `http://${HOST}:${ok}/v2/` }
      },
      2000
    )
    expect(result).toMatchObject({ reachable: true, status: 'HTTP 200' })
    expect(okRequests).toHaveLength(1)
  })

  it('stays on TLS when the server speaks it, whatever its certificate', async () => {
    const result = await probeEndpoint(
      { ...mirror(`https://${HOST}:${tlsPort}/v2/`), fallback: { url: `http://${HOST}:${tlsPort}/v2/` } },
      2000
    )
    expect(result).toMatchObject({ reachable: true, status: expect.stringMatching(/^HTTP 200 \(untrusted/) })
  })

  it('does not fall back from a dead server, and keeps to one deadline', async () => {
    const [result, elapsed] = await timed(() =>
      probeEndpoint(
        { ...mirror(`https://${HOST}:${blackhole}/v2/`), fallback: { url: `http://${HOST}:${ok}/v2/` } },
        TIMEOUT_MS
      )
    )
    expect(result).toMatchObject({ reachable: false, status: `timeout after ${TIMEOUT_MS} ms` })
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS)
    expect(okRequests).toEqual([])
  })
})
