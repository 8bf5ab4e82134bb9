import type { BuildResult } from './metadata-output'

/** Which buildx ran; report/summary.ts puts it in words. */
export type BuildxFact =
  /** The runner's own (its version is not asked: nothing else needs it). */
  | { source: 'runner' }
  /** The pinned buildx this step installed, from the runner's tool cache or downloaded now. */
  | { source: 'tool-cache' | 'downloaded'; version: string }

/** Where an image the runner needs comes from in this run; report/summary.ts puts it in words. */
export type ImageFact =
  /** The Docker daemon had it already. */
  | { source: 'daemon' }
  /** Pulled from a mirror (then tagged with the name asked for) or from its own registry. */
  | { source: 'pulled'; reference: string }
  /** No mirror for its registry, so nothing was checked: the daemon pulls it when buildx asks. */
  | { source: 'left-to-daemon' }
  /** An existing builder runs its own image; this run fetches none. */
  | { source: 'existing-builder' }

/** What became of QEMU in this run (architectures by QEMU's names); report/summary.ts puts it in words. */
export type QemuFact =
  /** qemu: false. */
  | { kind: 'left-alone' }
  /** Every platform runs natively on this runner. */
  | { kind: 'not-needed' }
  /** This run registered the ones that were missing. */
  | { kind: 'registered'; arches: string[]; method: 'host qemu-user-static' | 'binfmt image' }
  | { kind: 'already-registered'; arches: string[] }
  /** Registration failed and qemu: auto went on without it. */
  | { kind: 'not-registered'; arches: string[] }

/** What a merge did; report/ puts it in words. */
export interface MergeOutcome {
  /** Digest of the index now under every tag. */
  digest: string
  /** Per-platform image digests in that index. */
  manifest: Record<string, string>
  /** True when every tag already held this very index, so nothing was pushed (a re-run). */
  unchanged: boolean
  durationMs: number
}

export interface BuildOutcome extends BuildResult {
  durationMs: number
  steps: { steps: number; cached: number; executed: number }
  /** Per-platform image digests of the pushed index ({} when nothing was pushed). */
  manifest: Record<string, string>
  /** Cache imports and exports that failed without failing the build. */
  cacheFailures: { step: string; error: string }[]
}

/** Which cosign signed; report/ puts it in words. */
export interface CosignFact {
  /** The runner's own (on PATH, v3 or newer), or cosign-version from the tool cache or downloaded now. */
  source: 'runner' | 'tool-cache' | 'downloaded'
  version: string
}

/** What signing did; report/ puts it in words. */
export interface SignFact {
  mode: 'key' | 'keyless'
  /** repository@digest of each signature pushed. */
  signed: string[]
  /** The `cosign verify` command of each, as words. */
  verify: string[][]
  /** Key mode: the public key (PEM) and the sha256 of its DER form, in hex. */
  publicKey?: { pem: string; fingerprint: string }
  cosign: CosignFact
}
