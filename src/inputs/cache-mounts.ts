import { InputError } from '../model/input-error'
import { isImageReference } from '../model/image-ref'
import { parseSize } from '../model/warm-shape'
import { refNextToFirstTag } from './cache'

/** cache-mounts and its settings; undefined when it is off. */
export interface CacheMountsInputs {
  /** The image the cache mounts are kept in. */
  ref: string
  /** Together at most this much is saved or restored. */
  maxBytes: number
  /** The image helper builds run their copy in. */
  helper: string
}

interface Given {
  mode: string
  maxSize: string
  helper: string
  tags: string[]
  platforms: string[]
  pushByDigest: boolean
}

/** `off`, `registry` (next to the first tag, one per split-build part) or an image reference of the user's. */
export function parseCacheMounts(given: Given): CacheMountsInputs | undefined {
  const mode = given.mode.trim()
  if (mode === '' || mode === 'off') return undefined
  const ref = refNextToFirstTag('cache-mounts', mode, given, 'cache-mounts')
  if (ref === undefined) return undefined
  const maxBytes = parseSize(given.maxSize.trim() || '2GB')
  if (maxBytes === undefined) {
    throw new InputError(
      'cache-mounts-max-size',
      given.maxSize,
      'not a size',
      'Write a number and MB, GB or TB, e.g. "2GB".'
    )
  }
  const helper = given.helper.trim() || 'busybox:1.36'
  if (!isImageReference(helper)) {
    throw new InputError(
      'cache-mounts-helper',
      helper,
      'not an image reference',
      'Name an image with sh, tar, find, stat and sha256sum, e.g. "busybox:1.36".'
    )
  }
  return { ref, maxBytes, helper }
}
