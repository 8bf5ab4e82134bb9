import { realpathSync } from 'node:fs'
import type * as Tls from 'node:tls'
import { readRegularFile } from '../../inputs/regular-file'

/** Node 22.15 and later list the CAs they trust by default, and read the system store on request. */
type TlsModule = typeof Tls & { getCACertificates?: (type: 'default' | 'system') => string[] }

/** A CA bundle is a few hundred KB; NODE_EXTRA_CA_CERTS larger than this is not one. */
const MAX_CA_BYTES = 4 * 1024 * 1024

const contexts = new Map<string, Tls.SecureContext | undefined>()

/**
 * What a connection that carries a credential trusts: Node's default CAs (its bundle and NODE_EXTRA_CA_CERTS),
 * the system store where this Node can read it, and `extra` (PEM text, such as the buildkitd config's `ca` for
 * the host). undefined means Node's default context, which is all of that on a Node without the system store
 * and without extra CAs. Made once per set: building a context parses every CA.
 */
export function trustedContext(tls: TlsModule, extra: string[]): Tls.SecureContext | undefined {
  const key = JSON.stringify(extra)
  if (contexts.has(key)) return contexts.get(key)
  let context: Tls.SecureContext | undefined
  if (typeof tls.getCACertificates === 'function') {
    const all = [...tls.getCACertificates('default'), ...tls.getCACertificates('system'), ...extra]
    context = tls.createSecureContext({ ca: [...new Set(all)] })
  } else if (extra.length > 0) {
    // Passing ca replaces the default set, which there is the bundle plus what NODE_EXTRA_CA_CERTS names.
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ...nodeExtraCaCerts(), ...extra] })
  }
  contexts.set(key, context)
  return context
}

/** The file NODE_EXTRA_CA_CERTS names; Node itself warns at start when it cannot read it, so nothing here. */
function nodeExtraCaCerts(): string[] {
  const path = process.env.NODE_EXTRA_CA_CERTS
  if (!path) return []
  try {
    return [readCaFile(path)]
  } catch {
    return []
  }
}

/** One CA file the buildkitd config names (a path on the runner, as buildx reads it), at most MAX_CA_BYTES. */
export function readCaFile(path: string): string {
  return readRegularFile(realpathSync(path), MAX_CA_BYTES)
}
