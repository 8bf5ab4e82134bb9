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

export interface SummaryRow {
  label: string
  value: string
}

/** What main found out while running, for the summary. */
export interface NetworkFacts {
  platforms: string[]
  qemu: string
  buildx: string
  buildkitImageSource: string
  droppedMirrors: string[]
}

/** Rows of the job summary table; every value here is safe to show (proxies appear masked). */
export function summaryRows(
  inputs: Inputs,
  plan: Plan,
  result: BuildResult,
  facts: NetworkFacts
): SummaryRow[] {
  const mirrors = inputs.mirrors.map(m => `${m.registry} → ${m.plainHttp ? 'http://' : ''}${m.location}`)
  const proxies = [inputs.proxy.http?.display, inputs.proxy.https?.display].filter((p): p is string => !!p)
  const rows: SummaryRow[] = [
    { label: 'Tags', value: inputs.tags.join(', ') || '(none)' },
    { label: 'Pushed', value: inputs.push ? 'yes' : 'no' },
    {
      label: 'Platforms',
      value: (inputs.platforms.length > 0 ? inputs.platforms : ['builder default']).join(', ')
    },
    { label: 'Digest', value: result.digest || '(none)' },
    { label: 'Builder', value: `${plan.builder} (docker-container)` },
    { label: 'buildx', value: facts.buildx },
    { label: 'BuildKit image', value: `${plan.buildkitImage}: ${facts.buildkitImageSource}` },
    { label: 'Builder platforms', value: facts.platforms.join(', ') },
    { label: 'QEMU', value: facts.qemu },
    { label: 'Registry mirrors', value: mirrors.join(', ') || '(none)' },
    { label: 'Mirrors dropped (unreachable)', value: facts.droppedMirrors.join(', ') || '(none)' },
    { label: 'Insecure registries', value: inputs.insecureRegistries.join(', ') || '(none)' },
    {
      label: 'Proxy',
      value:
        proxies.length > 0
          ? `${[...new Set(proxies)].join(', ')} (builder, buildx client, RUN steps)`
          : '(none)'
    },
    { label: 'Host network', value: plan.hostNetworkReasons.join('; ') || 'no' }
  ]
  return rows
}
