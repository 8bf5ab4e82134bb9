import { BuilderNode } from '../model/inspect-output'
import { Inputs } from '../inputs/parse'
import { imageRepository } from '../model/image-ref'
import { Plan } from '../plan/plan'
import type { BuildResult } from '../model/metadata-output'
import type { BuildxFact, ImageFact, MergeOutcome, QemuFact } from '../model/facts'
import { maskCredentials } from '../model/credentials'
import { ProbeResult, probeSummaryRows } from '../plan/preflight'

export interface SummaryRow {
  label: string
  value: string
}

/** What main found out while running, for the summary. */
export interface RunFacts {
  nodes: BuilderNode[]
  qemu: QemuFact
  buildx: BuildxFact
  /** The builder's driver; docker-container when not known. */
  driver?: string
  buildkitImage: ImageFact
  droppedMirrors: string[]
  durationMs: number
  steps: { steps: number; cached: number; executed: number }
  manifest: Record<string, string>
  /** For a warm builder: whether an earlier job's was used. */
  reused?: boolean
}

/** Rows of the job summary table; every value here is safe to show (proxies appear masked, secrets absent). */
export function summaryRows(inputs: Inputs, plan: Plan, result: BuildResult, facts: RunFacts): SummaryRow[] {
  const images = [...new Set(inputs.tags.map(imageRepository))]
  const nodes = facts.nodes.map(
    n => `${n.name} (${n.endpoint}; ${(n.pinned.length > 0 ? n.pinned : n.platforms.slice(0, 1)).join(', ')})`
  )
  return [
    { label: 'Images', value: none(images) },
    { label: 'Tags', value: none(inputs.tags) },
    {
      label: 'Pushed',
      value: inputs.split.pushByDigest ? 'by digest only (no tag written)' : inputs.push ? 'yes' : 'no'
    },
    { label: 'Index digest', value: result.digest || '(none)' },
    { label: 'Per-platform digests', value: none(perPlatform(facts.manifest)) },
    { label: 'Platforms built', value: platformsBuilt(inputs, facts.nodes).join(', ') },
    { label: 'Build duration', value: `${(facts.durationMs / 1000).toFixed(1)} s` },
    {
      label: 'Steps',
      value: `${facts.steps.executed} executed, ${facts.steps.cached} cached (of ${facts.steps.steps})`
    },
    {
      label: 'Builder',
      value: `${plan.builder} (${facts.driver || 'docker-container'}${plan.ownBuilder ? '' : ', existing'}${warmNote(plan, facts)})`
    },
    { label: 'Nodes', value: none(nodes) },
    { label: 'buildx', value: describeBuildx(facts.buildx) },
    { label: 'BuildKit image', value: `${plan.buildkitImage}: ${describeImageSource(facts.buildkitImage)}` },
    { label: 'QEMU', value: describeQemu(facts.qemu) },
    ...networkRows(inputs, plan, facts.droppedMirrors, 'builder, buildx client, RUN steps')
  ]
}

function warmNote(plan: Plan, facts: RunFacts): string {
  if (!plan.warm) return ''
  return facts.reused ? '; warm, reused from an earlier job' : '; warm, new, left running for later jobs'
}

/** Rows of a merge-digests step: which images went into the index, and the network it was made through. */
export function mergeSummaryRows(
  inputs: Inputs,
  plan: Plan,
  outcome: MergeOutcome,
  droppedMirrors: string[]
): SummaryRow[] {
  return [
    { label: 'Images', value: none([...new Set(inputs.tags.map(imageRepository))]) },
    { label: 'Tags', value: none(inputs.tags) },
    { label: 'Merged digests', value: none(plan.mergeSources) },
    {
      label: 'Pushed',
      value: outcome.unchanged ? 'no: every tag already held this index' : 'yes'
    },
    { label: 'Index digest', value: outcome.digest },
    { label: 'Per-platform digests', value: none(perPlatform(outcome.manifest)) },
    { label: 'Merge duration', value: `${(outcome.durationMs / 1000).toFixed(1)} s` },
    { label: 'Builder', value: `${plan.builder} (registry config only, not started)` },
    ...networkRows(inputs, plan, droppedMirrors, 'buildx client')
  ]
}

/** The mirrors, registries and proxy a step used; `proxyUsers` says who had the proxy. */
function networkRows(inputs: Inputs, plan: Plan, droppedMirrors: string[], proxyUsers: string): SummaryRow[] {
  const mirrors = [...plan.registryModel].flatMap(([registry, options]) =>
    options.mirrors.map(m => `${registry} → ${m}`)
  )
  const proxies = [
    ...new Set([inputs.proxy.http?.display, inputs.proxy.https?.display].filter((p): p is string => !!p))
  ]
  return [
    { label: 'Registry mirrors', value: none(mirrors) },
    { label: 'Mirrors dropped (unreachable)', value: none(droppedMirrors) },
    { label: 'Insecure registries', value: none(inputs.insecureRegistries) },
    {
      label: 'Proxy',
      value: proxies.length > 0 ? `${proxies.join(', ')} (${proxyUsers})` : '(none)'
    },
    { label: 'Host network', value: plan.hostNetworkReasons.join('; ') || 'no' }
  ]
}

const none = (values: string[]) => (values.length > 0 ? values.join(', ') : '(none)')

const perPlatform = (manifest: Record<string, string>) =>
  Object.entries(manifest).map(([platform, digest]) => `${platform}: ${digest}`)

/** The platforms requested, or the first node's own platform when none were. */
export function platformsBuilt(inputs: Inputs, nodes: BuilderNode[]): string[] {
  if (inputs.platforms.length > 0) return inputs.platforms
  return nodes[0]?.platforms.slice(0, 1) ?? []
}

/** The QEMU row, and the log line after a registration. */
export function describeQemu(fact: QemuFact): string {
  switch (fact.kind) {
    case 'left-alone':
      return 'left alone (qemu: false)'
    case 'not-needed':
      return 'not needed (all platforms native)'
    case 'registered':
      return `registered ${fact.arches.join(', ')} with ${fact.method}`
    case 'already-registered':
      return `already registered: ${fact.arches.join(', ')}`
    case 'not-registered':
      return `not registered: ${fact.arches.join(', ')}`
  }
}

/** Where the BuildKit image came from, after its name in the summary. */
export function describeImageSource(fact: ImageFact): string {
  switch (fact.source) {
    case 'daemon':
      return 'already in the Docker daemon'
    case 'pulled':
      return `pulled from ${fact.reference}`
    case 'left-to-daemon':
      return 'the Docker daemon’s (no mirror for its registry)'
    case 'existing-builder':
      return 'the existing builder’s own'
  }
}

/** The buildx row: the runner's, or the version this run installed and where it came from. */
export function describeBuildx(fact: BuildxFact): string {
  if (fact.source === 'runner') return 'runner'
  return `${fact.version} (${fact.source === 'tool-cache' ? 'tool cache' : 'downloaded'})`
}

/** One table of the job summary: a heading and rows of cell text, header row first, every cell HTML-escaped. */
export interface SummaryTable {
  heading: string
  level: 3 | 4
  rows: string[][]
}

/**
 * The job summary: one table for the build, one for the network preflight when it ran. The runner's summary
 * takes cell text into HTML as it is, and names, images and mirrors can come from a PR's inputs or TOML: every
 * cell is escaped here, so a value is always shown as text.
 */
export function summaryTables(rows: SummaryRow[], probes: ProbeResult[]): SummaryTable[] {
  const tables: SummaryTable[] = [
    {
      heading: 'Multi-platform build',
      level: 3,
      rows: [['Item', 'Value'], ...rows.map(row => [row.label, row.value])].map(cells =>
        cells.map(escapeHtml)
      )
    }
  ]
  if (probes.length > 0)
    tables.push({
      heading: 'Network preflight',
      level: 4,
      rows: probeSummaryRows(probes).map(cells => cells.map(escapeHtml))
    })
  return tables
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text as HTML text, credentials masked. Line breaks become <br>: a blank line would end the HTML block, and
 * GitHub would read what follows as markdown (images, links).
 */
export function escapeHtml(text: string): string {
  return maskCredentials(text)
    .replace(/[&<>"']/g, char => HTML[char])
    .replace(/\r\n|\r|\n/g, '<br>')
}
