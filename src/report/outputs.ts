import type { Inputs } from '../inputs/parse'
import type { BuilderNode } from '../model/inspect-output'

const text = (value: string): string => value
const commaList = (values: readonly string[]): string => values.join(',')
/** As docker/metadata-action writes its lists: one entry per line. */
const lines = (values: readonly string[]): string => values.join('\n')

/**
 * Every step output, in action.yml's order (a unit test holds the two together), and how its value is written:
 * lists comma-separated, structures as JSON.
 */
const OUTPUT_FORMATS = {
  builder: text,
  platforms: commaList,
  digest: text,
  imageid: text,
  metadata: text,
  'buildkitd-config': text,
  'platforms-built': commaList,
  manifest: (digests: Record<string, string>): string => JSON.stringify(digests),
  nodes: (nodes: readonly BuilderNode[]): string => JSON.stringify(nodes),
  driver: text,
  'builder-reused': (reused: boolean): string => String(reused),
  'cached-steps': (steps: number): string => String(steps),
  'cache-mounts': (report: object): string => JSON.stringify(report),
  tags: lines,
  labels: lines,
  annotations: lines,
  version: text,
  'meta-json': (json: object): string => JSON.stringify(json),
  signed: (signed: boolean): string => String(signed),
  'verify-command': lines
}

export type OutputName = keyof typeof OUTPUT_FORMATS
export const OUTPUT_NAMES = Object.keys(OUTPUT_FORMATS) as OutputName[]

/** What each output is made from. */
export type OutputFacts = { [Name in OutputName]: Parameters<(typeof OUTPUT_FORMATS)[Name]>[0] }

/** Each output's text from the facts known so far; outputs whose facts are not known yet are left out. */
export function outputValues(facts: Partial<OutputFacts>): [OutputName, string][] {
  return OUTPUT_NAMES.flatMap(name => {
    const fact = facts[name]
    const format = OUTPUT_FORMATS[name] as (value: NonNullable<typeof fact>) => string
    return fact === undefined ? [] : [[name, format(fact)] as [OutputName, string]]
  })
}

/**
 * Sets the outputs whose facts are known with `setOutput` (core.setOutput in main, which the unit tests cannot
 * load). Main calls it as each step finishes, so a build that fails still reports the builder and its config.
 */
export function setOutputs(
  setOutput: (name: OutputName, value: string) => void,
  facts: Partial<OutputFacts>
): void {
  for (const [name, value] of outputValues(facts)) setOutput(name, value)
}

/** What the inputs decided that a later step may use: the tags, labels and annotations, and what the Git ref gave. */
export function inputOutputs(inputs: Inputs): Partial<OutputFacts> {
  return {
    tags: inputs.tags,
    labels: inputs.labels,
    annotations: inputs.build.annotations,
    ...(inputs.metadata ? { version: inputs.metadata.version, 'meta-json': inputs.metadata.json } : {})
  }
}
