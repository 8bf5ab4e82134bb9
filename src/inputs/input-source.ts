import type { RegistryLogin } from '../model/docker-config'

/** Where inputs come from: the runner's INPUT_* values, the step environment, and files in the workspace. */
export interface InputSource {
  get(name: string): string
  env: Record<string, string | undefined>
  readFile(path: string): string
  /** The event payload (GITHUB_EVENT_PATH); may throw or be absent outside a workflow run. */
  readEvent?(): string
  defaultBuilderName: string
  /** The time {{date}} tags render (the clock, outside tests). */
  now?(): Date
  /** registry-auth, already parsed (readRegistryAuth): required when the input is set. */
  registryLogins?: RegistryLogin[]
}
