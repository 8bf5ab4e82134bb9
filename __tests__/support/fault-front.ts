import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http'
import { connect, Socket } from 'node:net'

/** 'pass' on at once, answer 503, cut the connection, or pass on after a wait or once something has happened. */
export type Fault = 'pass' | '503' | 'reset' | { passAfterMs: number } | { passWhen: Promise<unknown> }

export interface Front {
  address: string
  /** Every request seen, as "METHOD path" with the fault applied to it. */
  seen: string[]
  close(): Promise<void>
}

/**
 * A small HTTP front on 127.0.0.1 that injects faults: as a reverse proxy in front of a registry (`target`), or
 * as a forward proxy (no target: absolute-URI requests go where they say). `fault` picks, per request number,
 * whether to pass it on, answer 503, or cut the connection.
 */
export async function startFront(
  fault: (count: number, method: string, path: string) => Fault,
  target?: string,
  options: { proxyAuth?: string } = {}
): Promise<Front> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  let count = 0
  // As a forward proxy that wants a login: anything without these credentials gets 407.
  const wanted = options.proxyAuth && `Basic ${Buffer.from(options.proxyAuth).toString('base64')}`
  const refused = (incoming: IncomingMessage) =>
    wanted !== undefined && incoming.headers['proxy-authorization'] !== wanted
  const server: Server = createServer((incoming, outgoing) => {
    if (refused(incoming)) {
      seen.push(`407 ${incoming.method} ${incoming.url}`)
      outgoing.writeHead(407, { 'proxy-authenticate': 'Basic realm="front"' })
      return outgoing.end()
    }
    count++
    const decision = fault(count, incoming.method ?? 'GET', incoming.url ?? '/')
    const name =
      typeof decision === 'string'
        ? decision
        : 'passAfterMs' in decision
          ? `pass after ${decision.passAfterMs} ms`
          : 'pass when ready'
    seen.push(`${name} ${incoming.method} ${incoming.url}`)
    if (decision === 'reset') return incoming.socket.destroy()
    if (decision === '503') {
      outgoing.writeHead(503, { 'content-type': 'text/plain' })
      return outgoing.end('injected fault')
    }
    if (typeof decision !== 'string') {
      incoming.pause()
      if ('passWhen' in decision) return void decision.passWhen.finally(() => passOn(incoming, outgoing))
      return void setTimeout(() => passOn(incoming, outgoing), decision.passAfterMs)
    }
    passOn(incoming, outgoing)
  })
  function passOn(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const url = target ? new URL(incoming.url ?? '/', `http://${target}`) : new URL(incoming.url ?? '/')
    const upstream = request(
      {
        host: '127.0.0.1',
        port: Number(url.port || 80),
        path: url.pathname + url.search,
        method: incoming.method,
        headers: { ...incoming.headers, host: url.host }
      },
      response => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers)
        response.pipe(outgoing)
      }
    )
    upstream.setTimeout(30_000, () => upstream.destroy())
    upstream.on('error', () => outgoing.destroy())
    incoming.pipe(upstream)
    incoming.resume()
  }
  // CONNECT, for clients that tunnel (HTTPS, or BuildKit trying HTTPS first for an insecure registry).
  server.on('connect', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
    if (refused(incoming)) {
      seen.push(`407 CONNECT ${incoming.url}`)
      return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
    }
    count++
    const decision = fault(count, 'CONNECT', incoming.url ?? '')
    seen.push(`${typeof decision === 'string' ? decision : 'pass'} CONNECT ${incoming.url}`)
    if (decision !== 'pass') return client.destroy()
    const [host, port] = (incoming.url ?? '').split(':')
    const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = `127.0.0.1:${(server.address() as { port: number }).port}`
  return {
    address,
    seen,
    close: () =>
      new Promise(resolve => {
        sockets.forEach(socket => socket.destroy())
        server.close(() => resolve())
      })
  }
}
