import type { ReleaseTool } from './release-tool'
import { compareVersions, VERSION } from './release-tool'

/** cosign v3: signing with a key and no transparency log is `--tlog-upload=false --use-signing-config=false`. */
export const MIN_COSIGN_VERSION = '3.0.0'

/** The cosign downloaded when the runner has none, or one older than MIN_COSIGN_VERSION. */
export const PINNED_COSIGN_VERSION = '3.1.3'

export const DEFAULT_COSIGN_DOWNLOAD_URL =
  'https://github.com/sigstore/cosign/releases/download/{version}/cosign-{os}-{arch}{ext}'

/** cosign's releases: cosign-linux-amd64 and so on, listed in cosign_checksums.txt beside them. */
export const COSIGN_RELEASE: ReleaseTool = {
  name: 'cosign',
  cacheName: 'cosign',
  downloadInput: 'cosign-download-url',
  defaultUrl: DEFAULT_COSIGN_DOWNLOAD_URL,
  checksumsFile: 'cosign_checksums.txt',
  goArches: new Set(['amd64', 'arm64', 'arm', 'ppc64le', 's390x', 'riscv64'])
}

/**
 * The x.y.z of `cosign version` output (a "GitVersion:    v3.1.3" line); undefined when there is none, or it is
 * a build without version information (v0.0.0, "devel").
 */
export function parseCosignVersion(output: string): string | undefined {
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*GitVersion:\s*(\S+)\s*$/.exec(line)
    if (!match) continue
    const version = VERSION.exec(match[1])
    if (!version) return undefined
    const bare = version.slice(1, 4).join('.')
    return bare === '0.0.0' ? undefined : bare
  }
  return undefined
}

/** Whether the runner's cosign (its `cosign version` output, undefined when it did not run) can be used. */
export function usableCosign(output: string | undefined): string | undefined {
  const version = output === undefined ? undefined : parseCosignVersion(output)
  return version !== undefined && compareVersions(version, MIN_COSIGN_VERSION) >= 0 ? version : undefined
}
