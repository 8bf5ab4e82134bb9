/** Image references: the grammar (close to what the Docker CLI accepts), their parts, and mirror copies. */
import { createHash } from 'node:crypto'
import { isIPv6Literal, isPort } from './hosts'
import { DOCKER_HUB, RegistryModel } from './registries'

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[([0-9a-fA-F:]+)\\])(?::([0-9]+))?'
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

const DIGEST_SOURCE = /^(?:(.+)@)?(sha256:[0-9a-f]{64})$/

/** A digest to merge: `sha256:<64 hex>` alone (in the first tag's repository) or pinned to a repository. */
export interface DigestSource {
  repository?: string
  digest: string
}

/** `sha256:…` or `repository@sha256:…` (no tag); undefined for anything else. */
export function parseDigestSource(value: string): DigestSource | undefined {
  const match = DIGEST_SOURCE.exec(value)
  if (!match) return undefined
  const [, repository, digest] = match
  if (repository === undefined) return { digest }
  const bare = imageRepository(repository) === repository && isImageReference(repository)
  return bare ? { repository, digest } : undefined
}

export function isImageReference(value: string): boolean {
  const match = value.length <= 255 + 128 + 80 ? REFERENCE.exec(value) : null
  if (!match) return false
  // The grammar takes any digits and hex; a registry that cannot exist fails here, not at push time.
  const [, ipv6, port] = match
  return (ipv6 === undefined || isIPv6Literal(ipv6)) && (port === undefined || isPort(port))
}

export interface ImageName {
  /** Registry host as image references write it; docker.io for Docker Hub. */
  registry: string
  /** Repository path inside the registry (library/busybox for an official image). */
  path: string
  /** ":tag" or "@sha256:…" (":latest" when the reference has neither). */
  suffix: string
}

interface ReferenceParts {
  /** Registry and repository path as written: no tag, no digest. */
  name: string
  /** ":tag", when the reference has one. */
  tag?: string
  /** "@sha256:…", when the reference has one. */
  digest?: string
}

/** Cuts a reference at its digest ("@", first) and then its tag (a ":" after the last "/", not a registry port). */
function referenceParts(image: string): ReferenceParts {
  const digestAt = image.indexOf('@')
  const withoutDigest = digestAt >= 0 ? image.slice(0, digestAt) : image
  const tagColon = withoutDigest.lastIndexOf(':')
  const hasTag = tagColon > withoutDigest.lastIndexOf('/')
  return {
    name: hasTag ? withoutDigest.slice(0, tagColon) : withoutDigest,
    tag: hasTag ? withoutDigest.slice(tagColon) : undefined,
    digest: digestAt >= 0 ? image.slice(digestAt) : undefined
  }
}

/**
 * The repository of a reference as written: registry and path, no tag, no digest
 * (ghcr.io/o/app:1@sha256:… → ghcr.io/o/app). Summaries name images by it and digests are pinned to it.
 */
export function imageRepository(image: string): string {
  return referenceParts(image).name
}

/** Splits an image reference the way Docker does: a first component with a dot, a colon or "localhost" is a registry. */
export function splitImage(image: string): ImageName {
  const { name, tag, digest } = referenceParts(image)
  // A digest pins the image; the tag beside it is only a label, and Docker pulls by the digest alone.
  const suffix = digest ?? tag ?? ':latest'
  const [first, ...rest] = name.split('/')
  if (rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const registry = ['index.docker.io', 'registry-1.docker.io'].includes(first) ? DOCKER_HUB : first
    return { registry, path: rest.join('/'), suffix }
  }
  return { registry: DOCKER_HUB, path: rest.length > 0 ? name : `library/${name}`, suffix }
}

/**
 * The same image through each mirror the registry model gives its registry, in order. The model is the plan's:
 * the user's buildkitd config included and mirrors the preflight found dead left out, as BuildKit will use it.
 */
export function mirrorCandidates(image: string, registries: RegistryModel): string[] {
  const { registry, path, suffix } = splitImage(image)
  return (registries.get(registry)?.mirrors ?? []).map(location => `${location}/${path}${suffix}`)
}

/** What a registry may serve for an image reference: index or manifest, OCI or Docker (the Accept header). */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]

/** The digest registries name content by: sha256 of the exact bytes. */
export function contentDigest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}
