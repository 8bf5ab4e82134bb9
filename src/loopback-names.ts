import { lookup } from 'node:dns/promises'
import { isHost, isLoopbackHost } from './hosts'

const LOOKUP_TIMEOUT_MS = 2000

/**
 * Which of these host names resolve only to loopback addresses on the runner (self-hosted runners often map
 * a registry or proxy name to 127.0.0.1 in /etc/hosts). A builder must share the host network to reach them.
 */
export async function resolveLoopbackNames(hosts: string[]): Promise<Set<string>> {
  const names = [...new Set(hosts)].filter(
    host => isHost(host) && !/^[\d.]+$/.test(host) && !host.startsWith('[')
  )
  const results = await Promise.all(
    names
      .filter(name => !isLoopbackHost(name))
      .map(async name => ((await resolvesToLoopback(name)) ? name : undefined))
  )
  return new Set(results.filter((name): name is string => name !== undefined))
}

async function resolvesToLoopback(name: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>(resolve => {
    timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS)
  })
  try {
    const addresses = await Promise.race([lookup(name, { all: true }), timeout])
    return !!addresses && addresses.length > 0 && addresses.every(({ address }) => isLoopbackHost(address))
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}
