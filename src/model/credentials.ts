/**
 * The user info of URLs (scheme://user:password@host): masked for display, stripped for RUN steps, and the
 * forms of it registered as secrets with the runner.
 */

/**
 * The shortest value registered with the runner's masker: it hides every occurrence in the log, so "=" would
 * hide every "=". A secret value or password shorter than this is refused where the input is read.
 */
export const MIN_MASK_LENGTH = 4

/**
 * From the scheme to the LAST "@": a malformed password may itself hold "@", "/" or spaces, and no part of
 * it may show. Group 1 is the scheme with its "://", when there is one.
 */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)?[^]*@/i

/** Masks the password (and a username that could be a token) of one URL-like value, for messages. */
export function maskUserInfo(value: string): string {
  return value.replace(USER_INFO, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`)
}

/**
 * The value without its user info, for RUN steps: BuildKit records build args in provenance, so credentials
 * must not be in them.
 */
export function stripUserInfo(value: string): string {
  return value.replace(USER_INFO, (_m, scheme: string | undefined) => scheme ?? '')
}

/**
 * Masks the user info of every URL in a text (scheme://user:password@host), for any message or log line.
 * The text is cut into tokens at whitespace and each token is scanned once, so this is linear on any input.
 * As in maskUserInfo, everything from the scheme to a token's last "@" goes, so no part of a malformed
 * password shows (a value with spaces in its password is masked whole by the callers that know it is one).
 */
export function maskCredentials(text: string): string {
  return text.replace(/\S+/g, maskUrlUserInfo)
}

/** One value (a token, or a whole input entry whose password may hold spaces) with its URL user info masked. */
export function maskUrlUserInfo(value: string): string {
  const scheme = value.indexOf('://')
  const at = value.lastIndexOf('@')
  return scheme > 0 && at > scheme ? `${value.slice(0, scheme + 3)}***${value.slice(at)}` : value
}

/** Every form in which a proxy URL's credentials could be printed; registered as secrets before any log. */
export function proxyCredentialSecrets(value: string): string[] {
  // Up to the last "@", as URL parsers split it, so a password holding "@" is registered whole.
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^]*)@/i.exec(value.trim())
  return match ? userInfoSecrets([value.trim()], match[1]) : []
}

/**
 * The credentials of a URL with a path (a Git context with a token in it). The user info ends at the first
 * "/", "?" or "#": an "@" after that is part of the path or the ref, not a password.
 */
export function urlCredentialSecrets(value: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(value.trim())
  return match ? userInfoSecrets([], match[1]) : []
}

/** The user info, its password, and both percent-decoded; short ones would mask unrelated text. */
function userInfoSecrets(also: string[], userInfo: string): string[] {
  // Without a colon the whole user info is one token, so it is the "password".
  const password = userInfo.slice(userInfo.indexOf(':') + 1)
  const secrets = new Set([...also, userInfo, password, safeDecode(password), safeDecode(userInfo)])
  return [...secrets].filter(secret => secret.length >= MIN_MASK_LENGTH)
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
