/**
 * Annotation levels, as buildx reads `[TYPE[,TYPE…]:]KEY=VALUE` (a TYPE may name a platform, `manifest[linux/arm64]`).
 * `buildx imagetools create` takes only index and manifest-descriptor annotations: any other level fails the whole
 * merge ("" annotations are not supported yet). A bare key is a manifest annotation, which the builds put on
 * each platform's image.
 */

/** The levels `buildx imagetools create` writes: the new index and the descriptors of its manifests. */
const MERGE_LEVELS = new Set(['index', 'manifest-descriptor'])

/** Every level buildx knows; it refuses any other. */
const LEVELS = new Set(['index', 'index-descriptor', 'manifest', 'manifest-descriptor'])

/** One entry of a TYPE list as buildx spells it: the level, then an optional [platform]. */
const TYPE = /^([a-z-]+)(?:\[[A-Za-z0-9_/-]+\])?$/

/**
 * What the merge may pass to `imagetools create`: each annotation with only the index and manifest-descriptor
 * levels of its TYPE list, and none of those left to the builds (bare or manifest-only ones). A text buildx would
 * refuse anyway (no "=", an unknown level) is kept as it is, so the merge fails naming it as the builds do.
 */
export function mergeAnnotations(annotations: readonly string[]): string[] {
  return annotations.flatMap(annotation => {
    const kept = mergeAnnotation(annotation)
    return kept === undefined ? [] : [kept]
  })
}

function mergeAnnotation(annotation: string): string | undefined {
  const equals = annotation.indexOf('=')
  if (equals < 0) return annotation
  const key = annotation.slice(0, equals)
  const colon = key.indexOf(':')
  // No TYPE: a manifest annotation.
  if (colon < 0) return undefined
  const types = key.slice(0, colon).split(',')
  const levels = types.map(type => TYPE.exec(type)?.[1] ?? '')
  if (levels.some(level => !LEVELS.has(level))) return annotation
  const kept = types.filter((_type, index) => MERGE_LEVELS.has(levels[index]))
  if (kept.length === 0) return undefined
  if (kept.length === types.length) return annotation
  return `${kept.join(',')}${annotation.slice(colon)}`
}
