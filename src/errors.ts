/** A workflow input that cannot be used: the message names the input, the value and how to fix it. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly reason: string,
    readonly hint: string
  ) {
    super(`Input "${input}": ${reason} (got ${JSON.stringify(value)}). ${hint}`)
    this.name = 'InputError'
  }
}

/** Masks the password (and a username that could be a token) of a URL-like string for messages. */
export function maskUserInfo(value: string): string {
  return value.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^@/\s]*@/i,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`
  )
}
