import { createHash } from 'node:crypto'
import { imageRepository } from './image-ref'

/** What the step signs with: a cosign key pair, offline, or a Sigstore certificate for an OIDC identity. */
export type SignMode = 'key' | 'keyless'

/**
 * The references to sign: the pushed index digest in every distinct repository of the tags, in the order the
 * tags name them. A tag can be moved by anyone who can push; the digest names these bytes only.
 */
export function signTargets(tags: readonly string[], digest: string): string[] {
  return [...new Set(tags.map(imageRepository))].map(repository => `${repository}@${digest}`)
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n-----END \1-----/

/** The label and DER bytes of the first PEM block of text, or undefined when there is none. */
export function pemBlock(text: string): { label: string; der: Buffer } | undefined {
  const match = PEM_BLOCK.exec(text)
  if (!match) return undefined
  const body = match[2]
    .split(/\r?\n/)
    .filter(line => !line.includes(':'))
    .join('')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) return undefined
  return { label: match[1], der: Buffer.from(body, 'base64') }
}

/** The PEM labels of the private keys cosign reads (`cosign generate-key-pair` and imports write the first two). */
const COSIGN_KEY_LABELS = new Set([
  'ENCRYPTED SIGSTORE PRIVATE KEY',
  'ENCRYPTED COSIGN PRIVATE KEY',
  'PRIVATE KEY',
  'EC PRIVATE KEY',
  'RSA PRIVATE KEY'
])

/** Whether text is one PEM private key cosign reads; nothing of it is ever quoted in a message. */
export function isCosignPrivateKey(text: string): boolean {
  const block = pemBlock(text.trim())
  return block !== undefined && COSIGN_KEY_LABELS.has(block.label)
}

/**
 * The public key's fingerprint as its holders compare it: sha256 of the DER SubjectPublicKeyInfo (the body of
 * the PEM `cosign public-key` prints), in lower-case hex; undefined when text holds no public key.
 */
export function publicKeyFingerprint(pem: string): string | undefined {
  const block = pemBlock(pem)
  if (block?.label !== 'PUBLIC KEY') return undefined
  return createHash('sha256').update(block.der).digest('hex')
}

/** The identity and issuer that a Fulcio certificate for an OIDC token names, read from the token's claims. */
export interface OidcIdentity {
  identity: string
  issuer: string
}

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

/**
 * What `cosign verify` must expect of a certificate Fulcio issues for this token: the workflow's URL for a GitHub
 * Actions token (Fulcio names the job_workflow_ref on the issuer's server), the e-mail address when the token
 * carries one, else the subject. undefined when the token is not a JWT with an issuer.
 */
export function oidcIdentity(token: string, serverUrl = 'https://github.com'): OidcIdentity | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  let claims: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
    claims = parsed as Record<string, unknown>
  } catch {
    return undefined
  }
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined)
  const issuer = text('iss')
  if (issuer === undefined) return undefined
  const workflowRef = text('job_workflow_ref')
  if (issuer === GITHUB_ISSUER && workflowRef !== undefined) {
    return { identity: `${serverUrl.replace(/\/+$/, '')}/${workflowRef}`, issuer }
  }
  const identity = text('email') ?? text('sub')
  return identity === undefined ? undefined : { identity, issuer }
}

/**
 * One argument as a POSIX shell word: as it is when it holds only characters no shell treats specially, else in
 * single quotes (a quote inside written '\''). A copied command then runs exactly these arguments, whatever a tag
 * or an identity holds.
 */
export function shellWord(arg: string): string {
  if (/^[A-Za-z0-9@%_+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/** A command line of shell words. */
export function shellCommand(args: readonly string[]): string {
  return args.map(shellWord).join(' ')
}
