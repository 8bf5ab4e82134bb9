import { bareVersion, isPlainHttpSafe, parseHttpUrl } from '../model/release-tool'
import { COSIGN_RELEASE, DEFAULT_COSIGN_DOWNLOAD_URL, PINNED_COSIGN_VERSION } from '../model/cosign-release'
import { releaseDownloadUrl } from '../model/release-tool'
import { InputError } from '../model/input-error'
import { isCosignPrivateKey, SignMode } from '../model/signing'

/** The Signing group's inputs, checked against each other and against what the step pushes. */
export interface SignInputs {
  /** What `sign` asked for. */
  requested: 'true' | 'false' | 'auto'
  /** How the step signs after the push; undefined when it does not. */
  mode?: SignMode
  /** Why `sign: auto` does not sign in this step (for a notice); undefined when it signs or sign is false. */
  autoSkipped?: string
  /** The cosign private key (PEM) and its password: secrets, masked by readInputs, passed to cosign by env only. */
  key: string
  keyPassword: string
  /** Keyless: the user's own Sigstore instance; empty means the public one. */
  fulcioUrl: string
  rekorUrl: string
  /** Keyless: an OIDC token (secret); empty means one is requested from the runner's GitHub OIDC. */
  identityToken: string
  cosignVersion: string
  cosignDownloadUrl: string
}

/** What the step pushes, as the other inputs decided it. */
export interface PushShape {
  /** An index is pushed under the tags: a build with push (not by digest), or a merge of digests. */
  pushesIndex: boolean
  /** This step is one leg of a split build (push-by-digest): its image is merged, and signed, later. */
  pushByDigest: boolean
}

const SIGN_VALUES = ['true', 'false', 'auto'] as const

/**
 * Reads the Signing inputs. `sign: auto` signs when the step pushes an index and a way to sign is configured (a
 * sign-key, a sigstore-identity-token, or the runner's GitHub OIDC); otherwise it says why it did not and goes on.
 * `sign: true` with no way to sign, or nothing pushed, fails before anything is built.
 */
export function parseSignInputs(
  getRaw: (name: string) => string,
  env: Record<string, string | undefined>,
  shape: PushShape
): SignInputs {
  const get = (name: string) => getRaw(name).trim()
  const requested = signValue(get('sign'))
  const key = get('sign-key')
  // A password is used as written: spaces around it are part of it.
  const keyPassword = getRaw('sign-key-password')
  const identityToken = get('sigstore-identity-token')
  const fulcioUrl = serviceUrl('sigstore-fulcio-url', get('sigstore-fulcio-url'))
  const rekorUrl = serviceUrl('sigstore-rekor-url', get('sigstore-rekor-url'))
  const cosignVersion = get('cosign-version') || `v${PINNED_COSIGN_VERSION}`
  try {
    bareVersion(cosignVersion, 'cosign')
  } catch {
    throw new InputError(
      'cosign-version',
      cosignVersion,
      'not a version',
      'Use a cosign release such as "v3.1.3".'
    )
  }
  const cosignDownloadUrl = get('cosign-download-url') || DEFAULT_COSIGN_DOWNLOAD_URL
  releaseDownloadUrl(COSIGN_RELEASE, cosignDownloadUrl, cosignVersion, 'linux', 'x64')
  if (requested !== 'false' && key !== '' && !isCosignPrivateKey(key)) {
    throw new InputError(
      'sign-key',
      '(not shown)',
      'not a PEM private key',
      'Give the whole cosign.key that `cosign generate-key-pair` wrote, from a secret, BEGIN and END lines included.'
    )
  }
  const base = {
    requested,
    key,
    keyPassword,
    fulcioUrl,
    rekorUrl,
    identityToken,
    cosignVersion,
    cosignDownloadUrl
  }
  if (requested === 'false') return base
  const mode = signMode(key, identityToken, env)
  const noPush = shape.pushByDigest
    ? 'this step pushes by digest (one leg of a split build): the merge step signs the merged index'
    : shape.pushesIndex
      ? undefined
      : 'this step pushes no image'
  if (requested === 'auto') {
    if (noPush !== undefined) return { ...base, autoSkipped: noPush }
    if (mode === undefined) {
      return {
        ...base,
        autoSkipped:
          'no way to sign is configured (no sign-key, no sigstore-identity-token, no GitHub OIDC: ' +
          'the job has no "id-token: write")'
      }
    }
    return { ...base, mode }
  }
  if (noPush !== undefined) {
    throw new InputError(
      'sign',
      'true',
      `nothing to sign: ${noPush}`,
      'Sign in the step that pushes the index (the merge step of a split build), or use "sign: auto".'
    )
  }
  if (mode === undefined) {
    throw new InputError(
      'sign',
      'true',
      'no way to sign: sign-key is empty, sigstore-identity-token is empty and the runner offers no GitHub OIDC',
      'Set sign-key (and sign-key-password) to sign offline with a cosign key, or give the job ' +
        '"permissions: id-token: write", or pass an OIDC token of your own issuer in sigstore-identity-token.'
    )
  }
  return { ...base, mode }
}

function signValue(value: string): SignInputs['requested'] {
  const lower = value.toLowerCase() || 'false'
  if ((SIGN_VALUES as readonly string[]).includes(lower)) return lower as SignInputs['requested']
  throw new InputError(
    'sign',
    value,
    'not true, false or auto',
    'Use "sign: true", "sign: false" or "sign: auto".'
  )
}

/** A key signs offline; without one, a token given or the runner's GitHub OIDC signs keyless. */
function signMode(key: string, token: string, env: Record<string, string | undefined>): SignMode | undefined {
  if (key !== '') return 'key'
  if (token !== '' || githubOidcAvailable(env)) return 'keyless'
  return undefined
}

/** The runner hands out OIDC tokens to this job (`permissions: id-token: write`). */
export function githubOidcAvailable(env: Record<string, string | undefined>): boolean {
  return !!env.ACTIONS_ID_TOKEN_REQUEST_URL && !!env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
}

/**
 * A Fulcio or Rekor URL: https (the identity token goes to Fulcio), or http to loopback only, with no user info
 * and no query: cosign appends its API paths to it.
 */
function serviceUrl(input: string, value: string): string {
  if (value === '') return ''
  const url = parseHttpUrl(value)
  const hint =
    'Give the base URL of your instance, e.g. "https://fulcio.internal.example"; empty means the public one.'
  if (url === undefined || /\s/.test(value)) throw new InputError(input, value, 'not an http(s) URL', hint)
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      input,
      value,
      'holds a user or password',
      `${hint} cosign authenticates with the token.`
    )
  }
  if (url.search !== '' || url.hash !== '')
    throw new InputError(input, value, 'has a query or fragment', hint)
  if (url.protocol === 'http:' && !isPlainHttpSafe(url.hostname)) {
    throw new InputError(
      input,
      value,
      `plain http to ${url.hostname}, where the identity token and signatures could be read or changed on the way`,
      'Use https://; http:// is only accepted for 127.0.0.0/8, [::1] and localhost.'
    )
  }
  return value.replace(/\/+$/, '')
}
