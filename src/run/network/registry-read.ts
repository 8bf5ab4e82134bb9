import { isLoopbackHost, parseHostPort } from '../../model/hosts'
import { contentDigest, MANIFEST_MEDIA_TYPES, splitImage } from '../../model/image-ref'
import { registryApiHost } from '../../model/docker-config'
import type { ProxySettings } from '../../model/proxy'
import type { RegistryModel } from '../../model/registries'
import { proxyFor } from '../../plan/preflight'

const ACCEPT = MANIFEST_MEDIA_TYPES.join(', ')
const TIMEOUT_MS = 3000
const MAX_MANIFEST = 4 * 1024 * 1024

/**
 * The manifest `repository@digest` as the registry serves it, read in this process instead of a second buildx
 * process, when that needs no login: only an anonymous GET is sent, so no credential can go anywhere, and the
 * bytes count only if their sha256 is the digest asked for, so neither the transport nor the registry can
 * change them. undefined when any of that does not hold (a registry that wants a login, an unknown answer):
 * the caller then reads it with `buildx imagetools`.
 */
export async function readManifestAnonymously(
  repository: string,
  digest: string,
  registries: RegistryModel,
  proxy: ProxySettings
): Promise<string | undefined> {
  const { registry, path } = splitImage(repository)
  const host = registryApiHost(registry)
  const plainHttp = registries.get(registry)?.http === true
  const loopback = isLoopbackHost(parseHostPort(registry)?.host ?? registry)
  // BuildKit speaks plain HTTP to a registry the config marks so, and falls back to it on loopback. There
  // plain HTTP is asked first: it is what a loopback registry mostly speaks, and asking it needs no TLS.
  const schemes = plainHttp ? ['http'] : loopback ? ['http', 'https'] : ['https']
  const { fetchAnswer } = await import('./probe')
  for (const scheme of schemes) {
    const url = `${scheme}://${host}/v2/${path}/manifests/${digest}`
    const viaProxy = proxyFor(url, proxy)
    const { answer } = await fetchAnswer(
      viaProxy === undefined ? { url } : { url, viaProxy },
      { Accept: ACCEPT },
      TIMEOUT_MS,
      { bodyLimit: MAX_MANIFEST }
    )
    // Anything but the manifest (a TLS port's 400 to plain HTTP, say) means: try the next scheme.
    if (answer?.code !== 200 || answer.body === undefined) continue
    return contentDigest(answer.body) === digest ? answer.body.toString('utf8') : undefined
  }
  return undefined
}
