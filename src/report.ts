import { BuilderNode } from './builder-info'
import { Inputs } from './inputs'
import { Plan } from './plan'

export interface BuildResult {
  digest: string
  imageId: string
  metadata: string
}

/**
 * Outputs from the file buildx writes with --metadata-file. The image ID is the config digest of a
 * single-platform image; an index has no single config, so it is the index digest then, as --iidfile has it.
 */
export function readMetadata(text: string): BuildResult {
  if (text.trim() === '') return { digest: '', imageId: '', metadata: '' }
  const json = JSON.parse(text) as Record<string, unknown>
  const field = (key: string): string => (typeof json[key] === 'string' ? (json[key] as string) : '')
  const digest = field('containerimage.digest')
  return { digest, imageId: field('containerimage.config.digest') || digest, metadata: JSON.stringify(json) }
}

/** Image manifests of an index by platform; attestation manifests (unknown/unknown) left out. */
export function platformDigests(indexJson: string): Record<string, string> {
  const index = JSON.parse(indexJson) as {
    manifests?: {
      digest: string
      platform?: { os: string; architecture: string; variant?: string }
      annotations?: Record<string, string>
    }[]
  }
  const digests: Record<string, string> = {}
  for (const entry of index.manifests ?? []) {
    if (!entry.platform || entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
      continue
    const { os, architecture, variant } = entry.platform
    digests[[os, architecture, variant].filter(Boolean).join('/')] = entry.digest
  }
  return digests
}

export interface SummaryRow {
  label: string
  value: string
}

/** What main found out while running, for the summary. */
export interface RunFacts {
  nodes: BuilderNode[]
  qemu: string
  buildx: string
  buildkitImageSource: string
  droppedMirrors: string[]
  durationMs: number
  steps: { steps: number; cached: number; executed: number }
  manifest: Record<string, string>
}

/** Rows of the job summary table; every value here is safe to show (proxies appear masked, secrets absent). */
export function summaryRows(inputs: Inputs, plan: Plan, result: BuildResult, facts: RunFacts): SummaryRow[] {
  const mirrors = [...plan.registryModel].flatMap(([registry, options]) =>
    options.mirrors.map(m => `${registry} → ${m}`)
  )
  const proxies = [
    ...new Set([inputs.proxy.http?.display, inputs.proxy.https?.display].filter((p): p is string => !!p))
  ]
  const images = [...new Set(inputs.tags.map(tag => tag.replace(/[:@][^:/@]*$/, '')))]
  const perPlatform = Object.entries(facts.manifest).map(([platform, digest]) => `${platform}: ${digest}`)
  const nodes = facts.nodes.map(
    n => `${n.name} (${n.endpoint}; ${(n.pinned.length > 0 ? n.pinned : n.platforms.slice(0, 1)).join(', ')})`
  )
  const none = (values: string[]) => (values.length > 0 ? values.join(', ') : '(none)')
  return [
    { label: 'Images', value: none(images) },
    { label: 'Tags', value: none(inputs.tags) },
    { label: 'Pushed', value: inputs.push ? 'yes' : 'no' },
    { label: 'Index digest', value: result.digest || '(none)' },
    { label: 'Per-platform digests', value: none(perPlatform) },
    { label: 'Platforms built', value: platformsBuilt(inputs, facts.nodes).join(', ') },
    { label: 'Build duration', value: `${(facts.durationMs / 1000).toFixed(1)} s` },
    {
      label: 'Steps',
      value: `${facts.steps.executed} executed, ${facts.steps.cached} cached (of ${facts.steps.steps})`
    },
    { label: 'Builder', value: `${plan.builder} (docker-container${plan.ownBuilder ? '' : ', existing'})` },
    { label: 'Nodes', value: none(nodes) },
    { label: 'buildx', value: facts.buildx },
    { label: 'BuildKit image', value: `${plan.buildkitImage}: ${facts.buildkitImageSource}` },
    { label: 'QEMU', value: facts.qemu },
    { label: 'Registry mirrors', value: none(mirrors) },
    { label: 'Mirrors dropped (unreachable)', value: none(facts.droppedMirrors) },
    { label: 'Insecure registries', value: none(inputs.insecureRegistries) },
    {
      label: 'Proxy',
      value: proxies.length > 0 ? `${proxies.join(', ')} (builder, buildx client, RUN steps)` : '(none)'
    },
    { label: 'Host network', value: plan.hostNetworkReasons.join('; ') || 'no' }
  ]
}

/** The platforms requested, or the first node's own platform when none were. */
export function platformsBuilt(inputs: Inputs, nodes: BuilderNode[]): string[] {
  if (inputs.platforms.length > 0) return inputs.platforms
  return nodes[0]?.platforms.slice(0, 1) ?? []
}
