/** A workflow input that cannot be used: the message names the input, the value and how to fix it. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly reason: string,
    readonly hint: string
  ) {
    super(`Input "${input}": ${reason} (got ${quoteValue(value)}). ${hint}`)
    this.name = 'InputError'
  }
}

/**
 * A value as a JSON string for messages. JSON leaves invisible characters (zero-width space, bidi
 * controls, NBSP) and Unicode line separators raw: they are escaped too, so the reader sees why a value
 * that looks right was refused and the message stays one line.
 */
export function quoteValue(value: string): string {
  return JSON.stringify(value).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/gu, char =>
    char === ' '
      ? char
      : char
          .split('')
          .map(unit => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .join('')
  )
}

/**
 * Masks the password (and a username that could be a token) of a URL-like string for messages. Everything
 * up to the last "@" goes: a malformed password may itself hold "@", "/" or spaces, and no part may show.
 */
export function maskUserInfo(value: string): string {
  return value.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^]*@/i,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`
  )
}
