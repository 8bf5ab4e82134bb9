import type { AppendNode } from '../inputs/append-nodes'

export interface PlanContext {
  /** Directory for this run's files (config, metadata), private to the runner user. */
  workDir: string
  /** The runner's hosts file (/etc/hosts) as text: names it maps only to loopback need the host network. */
  hostsFile?: string
  /** Mirror locations left out of the config because preflight found them unreachable. */
  droppedMirrors?: string[]
  /** Extra nodes from the `append` input, parsed by the caller (YAML is loaded only when it is used). */
  appendNodes?: AppendNode[]
  /** Free bytes on the disk Docker keeps its data on: a warm builder's default cache size comes from it. */
  freeDiskBytes?: number
  /** The secret warm builder names are keyed with (from the warm-state folder); without it no builder is warm. */
  warmKey?: string
  /** Digests of the files the config names, by path as written (read by run/warm-key.ts). */
  configFileDigests?: Record<string, string>
}
