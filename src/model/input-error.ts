import { maskCredentials, maskUrlUserInfo } from './credentials'

/** A workflow input that cannot be used: the message names the input, the value and how to fix it. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly reason: string,
    readonly hint: string
  ) {
    // The hint is our own text; the value and the reason may quote a URL with user:password in it.
    super(`Input "${input}": ${maskCredentials(reason)} (got ${quoteValue(maskUrlUserInfo(value))}). ${hint}`)
    this.name = 'InputError'
  }
}

/**
 * A value as a JSON string for messages. JSON leaves invisible characters (zero-width space, bidi
 * controls, NBSP) and Unicode line separators raw: they are escaped too, so the reader sees why a value
 * that looks right was refused and the message stays one line.
 */
export function quoteValue(value: string): string {
  // A pasted blob is refused by its length; the message shows its start, not all of it.
  const shown = value.length > MAX_QUOTED ? value.slice(0, MAX_QUOTED) : value
  const more = value.length > MAX_QUOTED ? `… (${value.length} characters)` : ''
  return `${quoteShown(shown)}${more}`
}

const MAX_QUOTED = 200

function quoteShown(value: string): string {
  return JSON.stringify(value).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/gu, char =>
    char === ' '
      ? char
      : char
          .split('')
          .map(unit => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .join('')
  )
}
