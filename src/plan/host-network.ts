import { gitContextHost } from '../inputs/build-options'
import { isLoopbackHost, parseHostPort } from '../model/hosts'
import type { ProxySettings, ProxyUrl } from '../model/proxy'
import { RegistryModel, registryHosts } from '../model/registries'
import { splitImage } from '../model/image-ref'

/** Addresses of each (lower-case) name in hosts-file text such as /etc/hosts. */
export type HostsTable = ReadonlyMap<string, readonly string[]>

export function parseHostsFile(text: string): HostsTable {
  const addresses = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/)
    if (!address || aliases.length === 0) continue
    for (const alias of aliases)
      addresses.set(alias.toLowerCase(), [...(addresses.get(alias.toLowerCase()) ?? []), address])
  }
  return addresses
}

/**
 * Whether a builder must share the host network to reach `host`: a loopback address or name, or a name the
 * hosts file maps only to loopback addresses (self-hosted runners often map a registry or proxy name to
 * 127.0.0.1 there). The hosts file is read rather than asking DNS: no lookup leaves the machine and nothing
 * waits on a slow resolver.
 */
export function isOnLoopback(host: string, hosts: HostsTable): boolean {
  if (isLoopbackHost(host)) return true
  const mapped = hosts.get(host.toLowerCase())
  return mapped !== undefined && mapped.every(isLoopbackHost)
}

/**
 * Why the builder shares the host network, from every host it dials itself: the proxies, every registry and
 * mirror of the final config (the user's TOML included), the registries of `images` (tags, cache refs), and a
 * Git context's host, which BuildKit clones from
 * inside its container. Empty when the bridge network reaches them all.
 */
export function hostNetworkReasons(
  proxy: ProxySettings,
  registryModel: RegistryModel,
  context: string,
  hosts: HostsTable,
  images: string[] = []
): string[] {
  const reasons: string[] = []
  for (const url of [proxy.http, proxy.https]) {
    const reason = `proxy ${url?.display} is on loopback`
    if (url && isOnLoopback(url.hostname, hosts) && !reasons.includes(reason)) reasons.push(reason)
  }
  for (const hostPort of registryHosts(registryModel)) {
    if (isOnLoopback(hostPort.replace(/:\d+$/, ''), hosts))
      reasons.push(`registry ${hostPort} is on loopback`)
  }
  // Tags and cache refs name registries the config may not: BuildKit pushes and exports to them all the same.
  for (const image of images) {
    const { registry } = splitImage(image)
    const reason = `registry ${registry} is on loopback`
    const host = parseHostPort(registry)?.host ?? registry
    if (isOnLoopback(host, hosts) && !reasons.includes(reason)) reasons.push(reason)
  }
  const gitHost = gitContextHost(context)
  const gitHostName = gitHost ? parseHostPort(gitHost)?.host : undefined
  if (gitHost && gitHostName && isOnLoopback(gitHostName, hosts)) {
    reasons.push(`Git context host ${gitHost} is on loopback`)
  }
  return reasons
}

/**
 * The proxies on loopback that came from the runner's environment rather than an input: they put the builder and
 * every RUN step on the host network without the workflow saying so, which the step announces.
 */
export function inheritedLoopbackProxies(proxy: ProxySettings, hosts: HostsTable): ProxyUrl[] {
  return [proxy.http, proxy.https].filter(
    (url): url is ProxyUrl => url?.fromEnvironment !== undefined && isOnLoopback(url.hostname, hosts)
  )
}
