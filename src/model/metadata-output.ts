/** What buildx writes after a build: the --metadata-file, and the raw index read back with imagetools. */

export interface BuildResult {
  digest: string
  imageId: string
  metadata: string
}

/**
 * Outputs from the file buildx writes with --metadata-file. The image ID is the config digest of a
 * single-platform image; an index has no single config, so it is the index digest then, as --iidfile has it.
 * The build has succeeded by the time this runs, so a file that cannot be read says so instead of throwing
 * a bare SyntaxError.
 */
export function readMetadata(text: string): BuildResult {
  if (text.trim() === '') return { digest: '', imageId: '', metadata: '' }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(
      `The build succeeded, but the --metadata-file buildx wrote is not JSON (${(error as Error).message}), so ` +
        'the digest, imageid and metadata outputs are unknown. Pin a released buildx with "buildx-version".'
    )
  }
  if (!isObject(json)) {
    throw new Error(
      'The build succeeded, but the --metadata-file buildx wrote is not a JSON object, so the digest, imageid ' +
        'and metadata outputs are unknown. Pin a released buildx with "buildx-version".'
    )
  }
  const field = (key: string): string => (typeof json[key] === 'string' ? json[key] : '')
  const digest = field('containerimage.digest')
  return { digest, imageId: field('containerimage.config.digest') || digest, metadata: compact(json, text) }
}

/** JSON on one line; JSON.stringify recurses, so a file nested deeper than the stack is passed on as written. */
function compact(json: object, text: string): string {
  try {
    return JSON.stringify(json)
  } catch {
    return text.trim()
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Image manifests of an index with their platforms, in index order (a platform twice is listed twice);
 * attestation manifests (unknown/unknown) left out. The index comes from a registry, which can answer anything:
 * what is not an index, or an entry without string fields, gives no images instead of a bare SyntaxError or
 * TypeError after a successful push.
 */
export function indexImages(indexJson: string): { platform: string; digest: string }[] {
  let index: unknown
  try {
    index = JSON.parse(indexJson)
  } catch {
    return []
  }
  const manifests = isObject(index) && Array.isArray(index.manifests) ? index.manifests : []
  return (manifests as unknown[]).flatMap(entry => {
    if (!isObject(entry) || typeof entry.digest !== 'string' || !isObject(entry.platform)) return []
    const annotations = isObject(entry.annotations) ? entry.annotations : {}
    if (annotations['vnd.docker.reference.type'] === 'attestation-manifest') return []
    const { os, architecture, variant } = entry.platform
    if (typeof os !== 'string' || typeof architecture !== 'string') return []
    const platform = [os, architecture, typeof variant === 'string' ? variant : ''].filter(Boolean).join('/')
    return [{ platform, digest: entry.digest }]
  })
}

/** Image manifests of an index by platform (the last one when a platform is there twice). */
export function platformDigests(indexJson: string): Record<string, string> {
  const digests: Record<string, string> = {}
  for (const { platform, digest } of indexImages(indexJson)) {
    // Defined, not assigned: a platform named "__proto__" is a key like any other.
    Object.defineProperty(digests, platform, {
      value: digest,
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return digests
}
