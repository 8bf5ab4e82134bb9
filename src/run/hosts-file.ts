import { readFileSync } from 'node:fs'
import { isLoopbackHost } from '../model/hosts'

/**
 * Names that /etc/hosts maps only to loopback addresses (self-hosted runners often map a registry or proxy
 * name to 127.0.0.1 there). A builder must share the host network to reach them. The hosts file is read
 * rather than asking DNS: no lookup leaves the machine and nothing waits on a slow resolver.
 */
export function loopbackNamesIn(hostsFile: string, names: string[]): Set<string> {
  const addresses = new Map<string, string[]>()
  for (const line of hostsFile.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/)
    if (!address || aliases.length === 0) continue
    for (const alias of aliases)
      addresses.set(alias.toLowerCase(), [...(addresses.get(alias.toLowerCase()) ?? []), address])
  }
  const loopback = names.filter(name => {
    const mapped = addresses.get(name.toLowerCase())
    return mapped !== undefined && mapped.every(isLoopbackHost)
  })
  return new Set(loopback)
}

export function resolveLoopbackNames(names: string[], hostsPath = '/etc/hosts'): Set<string> {
  try {
    return loopbackNamesIn(readFileSync(hostsPath, 'utf8'), names)
  } catch {
    return new Set()
  }
}
