import type { WorkflowRun } from '../inputs/workflow-run'

export interface ProvenanceRequest {
  /** The provenance input as given (trimmed). */
  provenance: string
  attests: string[]
  outputs: string[]
  load: boolean
  run: Pick<WorkflowRun, 'runUrl' | 'repositoryPrivate' | 'noDefaultAttestations'>
}

/** Go's strconv.ParseBool spellings, which buildx accepts for --provenance. */
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True'])
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False'])

/**
 * The --provenance value and the attests as docker/build-push-action resolves them: every provenance names
 * this workflow run as its builder id, and without an explicit one a public repository gets mode=max while
 * any other gets buildx's own default (mode=min,inline-only=true) with the builder id. '' leaves the flag out.
 */
export function resolveProvenance(request: ProvenanceRequest): { provenance: string; attests: string[] } {
  const { provenance, attests, run } = request
  if (FALSE.has(provenance)) return { provenance: 'false', attests }
  if (TRUE.has(provenance)) {
    return { provenance: run.runUrl ? `builder-id=${run.runUrl}` : provenance, attests }
  }
  if (provenance !== '') return { provenance: withBuilderId(provenance, run.runUrl), attests }
  if (attests.some(isProvenanceAttest)) {
    // The user's attest replaces the default, as in buildx; it only gains the builder id.
    return {
      provenance: '',
      attests: attests.map(attest =>
        isProvenanceAttest(attest) ? withBuilderId(attest, run.runUrl) : attest
      )
    }
  }
  // Outside a workflow run there is no builder id to add: buildx's own default applies unchanged.
  if (run.noDefaultAttestations || run.runUrl === '' || hasDockerExporter(request.outputs, request.load)) {
    return { provenance: '', attests }
  }
  // An unknown visibility counts as private: mode=max would publish the full build definition.
  const mode = run.repositoryPrivate === false ? 'mode=max' : 'mode=min,inline-only=true'
  return { provenance: `${mode},builder-id=${run.runUrl}`, attests }
}

function fields(entry: string): string[] {
  return entry.split(',').map(field => field.trim().replace(/^"/, ''))
}

function withBuilderId(value: string, runUrl: string): string {
  if (runUrl === '' || fields(value).some(field => field.startsWith('builder-id='))) return value
  return `${value},builder-id=${runUrl}`
}

function isProvenanceAttest(attest: string): boolean {
  return fields(attest).includes('type=provenance')
}

/**
 * Loading into the Docker image store (load, or an output of type docker): a store without containerd cannot
 * take an image with attestations, so the default stays buildx's own, which keeps them off that image.
 */
export function hasDockerExporter(outputs: string[], load: boolean): boolean {
  return load || outputs.some(output => fields(output).includes('type=docker'))
}
