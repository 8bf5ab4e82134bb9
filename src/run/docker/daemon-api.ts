import { request } from 'node:http'

/**
 * The status code of GET `path` on the Docker Engine API at a Unix socket, or undefined when there is no
 * answer within timeoutMs (no socket, no permission, a hung daemon). The body is discarded: the callers need
 * only the code, and nothing the daemon sends is parsed or printed.
 */
export function daemonGetStatus(
  socketPath: string,
  path: string,
  timeoutMs: number
): Promise<number | undefined> {
  return new Promise(resolve => {
    const req = request(
      { socketPath, path, method: 'GET', headers: { Host: 'docker' }, agent: false },
      res => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
        res.on('error', () => resolve(undefined))
        res.on('close', () => resolve(undefined))
      }
    )
    req.setTimeout(timeoutMs, () => req.destroy())
    req.on('error', () => resolve(undefined))
    req.end()
  })
}
