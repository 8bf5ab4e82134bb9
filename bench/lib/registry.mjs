// Reads what a bench pushed back from a plain-HTTP registry with the distribution API, as a client outside the
// action would, so a figure is never taken from a run that did not leave the image it claims.
import { createHash } from 'node:crypto'

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/**
 * The manifest under a tag or digest of host/repository: the sha256 of the bytes served, and the platforms of
 * an index (os/arch[/variant] → manifest digest; attestation manifests left out). Throws on any non-200.
 */
export async function readIndex(host, repository, reference, timeoutMs = 10_000) {
  const url = `http://${host}/v2/${repository}/manifests/${reference}`
  const response = await globalThis.fetch(url, {
    headers: { Accept: ACCEPT },
    signal: globalThis.AbortSignal.timeout(timeoutMs)
  })
  const bytes = Buffer.from(await response.arrayBuffer())
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`)
  const manifest = JSON.parse(bytes.toString('utf8'))
  const platforms = {}
  for (const entry of manifest.manifests ?? []) {
    if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue
    const p = entry.platform
    if (p) platforms[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = entry.digest
  }
  return {
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    mediaType: manifest.mediaType ?? '',
    platforms
  }
}
