import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Servers for the credential rows: everything listens on 127.0.0.1 and dials only 127.0.0.1.

/** A self-signed certificate (its own CA) for the given DNS names and 127.0.0.1, written as PEM files. */
export function selfSignedCertificate(names: string[]): { key: string; cert: string; certPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-cert-'))
  const san = [...names.map(name => `DNS:${name}`), 'IP:127.0.0.1'].join(',')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${names[0] ?? 'localhost'}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem')
    ],
    { stdio: 'pipe', timeout: 10_000 }
  )
  const certPath = join(dir, 'cert.pem')
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath }
}

/** What a server saw of one request: its path (or absolute URI) and the credential headers it carried. */
export interface Seen {
  method: string
  url: string
  authorization?: string
  proxyAuthorization?: string
}

export interface Listening {
  port: number
  seen: Seen[]
  close(): Promise<void>
}

function listen(server: net.Server, seen: Seen[]): Promise<Listening> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        seen,
        close: () => {
          for (const socket of sockets) socket.destroy()
          return new Promise(done => server.close(() => done()))
        }
      })
    )
  })
}

const record = (request: http.IncomingMessage): Seen => ({
  method: request.method ?? '',
  url: request.url ?? '',
  ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
  ...(request.headers['proxy-authorization']
    ? { proxyAuthorization: request.headers['proxy-authorization'] }
    : {})
})

/**
 * A registry that asks for a Bearer token at `realm` (its own /token when not given), which it hands out only
 * for `basic` (the base64 of user:password). Over TLS with `tls`, else plain HTTP.
 */
export function tokenRegistry(options: {
  basic: string
  tls?: { key: string; cert: string }
  realm?: (port: number) => string
}): Promise<Listening> {
  const seen: Seen[] = []
  let port = 0
  const handler: http.RequestListener = (request, response) => {
    seen.push(record(request))
    const scheme = options.tls ? 'https' : 'http'
    if (request.url === '/v2/') {
      const realm = options.realm?.(port) ?? `${scheme}://${request.headers.host}/token`
      response.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}",service="fake-registry"` })
      response.end()
    } else if (request.url?.startsWith('/token')) {
      const ok = request.headers.authorization === `Basic ${options.basic}`
      response.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' })
      response.end(ok ? '{"token":"t"}' : '{"errors":[{"code":"UNAUTHORIZED"}]}')
    } else {
      response.writeHead(404).end()
    }
  }
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler)
  return listen(server, seen).then(listening => {
    port = listening.port
    return listening
  })
}

/**
 * An HTTP proxy (over TLS with `tls`) that tunnels every CONNECT to 127.0.0.1:`tunnelTo`, whatever host it
 * names, and answers absolute-URI requests itself with 200 and a token, as a proxy that reads plain HTTP would.
 * `seen` records both, with the credentials they carried.
 */
export function interceptingProxy(options: {
  tunnelTo: number
  tls?: { key: string; cert: string }
}): Promise<Listening> {
  const seen: Seen[] = []
  const handler: http.RequestListener = (request, response) => {
    seen.push(record(request))
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"token":"t"}')
  }
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler)
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(record(request))
    client.on('error', () => {})
    const upstream = net.connect(options.tunnelTo, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client).pipe(upstream)
    })
    const close = (): void => {
      client.destroy()
      upstream.destroy()
    }
    upstream.on('error', close).on('close', close)
    client.on('close', close)
  })
  return listen(server, seen)
}
