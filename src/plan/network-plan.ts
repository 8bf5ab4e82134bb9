import type { Inputs } from '../inputs/parse'
import { cacheReferences } from '../inputs/cache'
import { proxyEnvironment, ProxyUrl } from '../model/proxy'
import type { RegistryModel } from '../model/registries'
import { hostNetworkReasons, inheritedLoopbackProxies, parseHostsFile } from './host-network'

/** Who gets which proxy, and whether the builder shares the host network. */
export interface NetworkPlan {
  /** Proxy variables for the builder container, the buildx client and RUN steps. */
  proxyEnv: Record<string, string>
  /** Why the builder shares the host network; empty when it does not need to. */
  hostNetworkReasons: string[]
  /** Loopback proxies taken from the runner's environment, which alone decide host networking (announced). */
  inheritedLoopbackProxies: ProxyUrl[]
  /** Proxy URLs with credentials and their masked form, for echoing command lines. */
  redactions: [string, string][]
  warnings: string[]
}

export function planNetwork(inputs: Inputs, registryModel: RegistryModel, hostsFile: string): NetworkPlan {
  const warnings: string[] = []
  if (inputs.proxy.http && !inputs.proxy.https) {
    warnings.push(
      'http-proxy is set but https-proxy is not: registries are reached over HTTPS, which then bypasses the proxy.'
    )
  }
  const hosts = parseHostsFile(hostsFile)
  return {
    proxyEnv: proxyEnvironment(inputs.proxy),
    // Decided once, from the final config: a registry only the user's TOML names counts like any other.
    hostNetworkReasons: hostNetworkReasons(inputs.proxy, registryModel, inputs.context, hosts, [
      ...inputs.tags,
      ...cacheReferences([...inputs.cacheFrom, ...inputs.cacheTo])
    ]),
    inheritedLoopbackProxies: inheritedLoopbackProxies(inputs.proxy, hosts),
    redactions: [inputs.proxy.http, inputs.proxy.https].flatMap(proxy =>
      proxy && proxy.url !== proxy.display ? [[proxy.url, proxy.display] as [string, string]] : []
    ),
    warnings
  }
}
