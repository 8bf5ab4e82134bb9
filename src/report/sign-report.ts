import type { SignInputs } from '../inputs/sign-inputs'
import type { CosignFact, SignFact } from '../model/facts'
import { shellCommand } from '../model/signing'
import type { SummaryRow } from './summary'

/** The verify-command output: one shell line per repository, every word quoted where a shell would read it. */
export function verifyCommands(fact: SignFact): string[] {
  return fact.verify.map(shellCommand)
}

/**
 * The summary rows of signing: nothing when sign is false, why auto did not sign, or what was signed, with the
 * public key and its fingerprint in key mode (summaryTables escapes every cell).
 */
export function signSummaryRows(sign: SignInputs, fact: SignFact | undefined): SummaryRow[] {
  if (sign.requested === 'false') return []
  if (fact === undefined) {
    return [{ label: 'Signed', value: `no (sign: auto: ${sign.autoSkipped ?? 'nothing was pushed'})` }]
  }
  const how =
    fact.mode === 'key'
      ? 'with the key, offline (no transparency log)'
      : `keyless (${sign.fulcioUrl || 'the public Fulcio'}, ${sign.rekorUrl || 'the public Rekor'})`
  return [
    { label: 'Signed', value: `${fact.signed.join(', ')} ${how}` },
    ...(fact.publicKey
      ? [
          { label: 'Public key fingerprint', value: `sha256:${fact.publicKey.fingerprint}` },
          { label: 'Public key (cosign.pub)', value: fact.publicKey.pem.trim() }
        ]
      : []),
    { label: 'Verify with', value: verifyCommands(fact).join('\n') },
    { label: 'cosign', value: describeCosign(fact.cosign) }
  ]
}

export function describeCosign(fact: CosignFact): string {
  const where = { runner: 'runner', 'tool-cache': 'tool cache', downloaded: 'downloaded' }[fact.source]
  return `${fact.version} (${where})`
}
