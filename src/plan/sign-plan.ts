import type { SignInputs } from '../inputs/sign-inputs'
import { splitImage } from '../model/image-ref'
import type { RegistryModel } from '../model/registries'
import { OidcIdentity, SignMode, signTargets } from '../model/signing'

/** The variables that carry the key, its password and the identity token to cosign: never its argv. */
export const KEY_ENV = 'COSIGN_SIGN_KEY'
export const PASSWORD_ENV = 'COSIGN_PASSWORD'
export const TOKEN_ENV = 'SIGSTORE_ID_TOKEN'

/** One cosign process: its argv and the variables it gets besides the step's (none of them secret). */
export interface CosignCall {
  args: string[]
  env: Record<string, string>
}

/** What signing will run once the index digest is known. */
export interface SignPlan {
  mode: SignMode
  /** cosign's environment: the build's proxy variables, and a trust-root cache inside the run's folder. */
  env: Record<string, string>
  /** `cosign public-key` for the key (key mode): its PEM goes in the summary, its fingerprint beside it. */
  publicKey?: CosignCall
  /** `cosign sign` of each repository@digest. */
  sign(digest: string): CosignCall[]
  /** The `cosign verify` command of each repository@digest, as words (report/ quotes them for a shell). */
  verify(digest: string, identity?: OidcIdentity): string[][]
}

/**
 * The cosign calls of a step that signs. cosign's registry traffic takes the build's settings: the proxy inputs
 * (as variables), the registries the user declared insecure or plain HTTP (and only those), the CA files the
 * buildkitd config names for a registry, and the step's Docker config (the runner adds it to every process).
 */
export function planSign(
  sign: SignInputs,
  tags: readonly string[],
  registryModel: RegistryModel,
  proxyEnv: Record<string, string>,
  workDir: string
): SignPlan | undefined {
  const mode = sign.mode
  if (mode === undefined) return undefined
  // cosign keeps Sigstore's trust root under TUF_ROOT (default ~/.sigstore); in the run's folder, post removes it.
  const env = { ...proxyEnv, TUF_ROOT: `${workDir}/sigstore` }
  const call = (args: string[]): CosignCall => ({ args, env })
  const flags = (ref: string) => registryFlags(ref, registryModel)
  return {
    mode,
    env,
    publicKey: mode === 'key' ? call(['public-key', '--key', `env://${KEY_ENV}`]) : undefined,
    sign: digest =>
      signTargets(tags, digest).map(ref =>
        call(['sign', '--yes', ...signingFlags(sign, mode), ...flags(ref), ref])
      ),
    verify: (digest, identity) =>
      signTargets(tags, digest).map(ref => [
        'cosign',
        'verify',
        ...verifyFlags(sign, mode, identity),
        ...flags(ref),
        ref
      ])
  }
}

/**
 * Key mode signs offline: no transparency log upload and no signing config (which cosign v3 would otherwise fetch
 * from Sigstore's TUF repository). Keyless takes the user's own Fulcio and Rekor when given, the signing config of
 * the public instance otherwise.
 */
function signingFlags(sign: SignInputs, mode: SignMode): string[] {
  if (mode === 'key')
    return ['--key', `env://${KEY_ENV}`, '--tlog-upload=false', '--use-signing-config=false']
  if (sign.fulcioUrl === '' && sign.rekorUrl === '') return []
  return [
    '--use-signing-config=false',
    ...(sign.fulcioUrl === '' ? [] : ['--fulcio-url', sign.fulcioUrl]),
    ...(sign.rekorUrl === '' ? [] : ['--rekor-url', sign.rekorUrl])
  ]
}

/**
 * What verifying needs: the public key (written next to the command as cosign.pub) with the transparency log check
 * off, as nothing was logged; or the identity and issuer the certificate names, and the user's own Rekor.
 */
function verifyFlags(sign: SignInputs, mode: SignMode, identity: OidcIdentity | undefined): string[] {
  if (mode === 'key') return ['--key', 'cosign.pub', '--insecure-ignore-tlog=true']
  return [
    // A token whose claims could not be read: placeholders to fill in, never a pattern that accepts anyone.
    '--certificate-identity',
    identity?.identity ?? 'IDENTITY',
    '--certificate-oidc-issuer',
    identity?.issuer ?? 'ISSUER',
    ...(sign.rekorUrl === '' ? [] : ['--rekor-url', sign.rekorUrl])
  ]
}

/**
 * The registry flags of one reference: plain HTTP and unchecked TLS only where the inputs or the buildkitd config
 * declare them for its registry, and the first CA file the config names for it (cosign takes one).
 */
export function registryFlags(ref: string, registryModel: RegistryModel): string[] {
  const options = registryModel.get(splitImage(ref).registry)
  return [
    ...(options?.http ? ['--allow-http-registry'] : []),
    ...(options?.insecure ? ['--allow-insecure-registry'] : []),
    ...(options?.ca?.length ? ['--registry-cacert', options.ca[0]] : [])
  ]
}

/** The variables that carry the secrets to cosign: the key and its password, or the identity token. */
export function secretEnv(sign: SignInputs, mode: SignMode, token: string): Record<string, string> {
  return mode === 'key' ? { [KEY_ENV]: sign.key, [PASSWORD_ENV]: sign.keyPassword } : { [TOKEN_ENV]: token }
}
