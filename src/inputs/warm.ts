import { InputError } from '../model/input-error'
import { parseDuration, parseSize } from '../model/warm-shape'

/** warm-builder and its settings. */
export interface WarmInputs {
  enabled: boolean
  /** Warm builders no job has used for this long are removed by the next job that starts one. */
  idleMs: number
  /** The cache a warm builder keeps at most; undefined: a tenth of the free disk. */
  cacheBytes?: number
}

export function parseWarmInputs(given: {
  enabled: boolean
  idle: string
  cacheSize: string
  existingBuilder: string
}): WarmInputs {
  const idleMs = parseDuration(given.idle || '24h')
  if (idleMs === undefined) {
    throw new InputError(
      'warm-builder-idle',
      given.idle,
      'not a duration',
      'Write a number and a unit: s, m, h or d, e.g. "24h" or "7d" ("0" removes every idle warm builder).'
    )
  }
  const cacheBytes = given.cacheSize === '' ? undefined : parseSize(given.cacheSize)
  if (cacheBytes === undefined && given.cacheSize !== '') {
    throw new InputError(
      'warm-builder-cache',
      given.cacheSize,
      'not a size',
      'Write a number and MB, GB or TB, e.g. "20GB"; leave it empty for a tenth of the free disk.'
    )
  }
  if (given.enabled && given.existingBuilder !== '') {
    throw new InputError(
      'warm-builder',
      'true',
      `cannot be used with "builder" (${given.existingBuilder}), which names a builder to use as it is`,
      'Remove one of the two: warm-builder keeps a builder of its own, made from the inputs.'
    )
  }
  return { enabled: given.enabled, idleMs, ...(cacheBytes !== undefined ? { cacheBytes } : {}) }
}
