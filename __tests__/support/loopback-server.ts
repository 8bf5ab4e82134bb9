import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Starts a test server on a free port of 127.0.0.1 (tests talk to loopback only) and gives the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}
