import {
  configWarnings,
  mergeTomlSources,
  parseToml,
  registryModelFromToml,
  registryModelToToml,
  TomlSource,
  TomlTable,
  withoutMirrors
} from '../model/buildkitd-toml'
import type { Inputs } from '../inputs/parse'
import { buildRegistryModel, RegistryModel } from '../model/registries'

/** The buildkitd config: the user's files and inline TOML merged with the mirror and registry inputs. */
export interface ConfigPlan {
  /** The merged config, mirrors the preflight found dead left out. */
  table: TomlTable
  /** Every registry section of that config, the user's TOML included. */
  registryModel: RegistryModel
  warnings: string[]
}

export function planConfig(inputs: Inputs, droppedMirrors: string[]): ConfigPlan {
  const model = buildRegistryModel(inputs.mirrors, inputs.insecureRegistries)
  const sources: TomlSource[] = inputs.configSources.map(({ input, text }) => ({
    input,
    table: parseToml(input, text)
  }))
  sources.push({ input: 'registry-mirrors/insecure-registries', table: registryModelToToml(model) })
  const merged = mergeTomlSources(sources)
  const table = withoutMirrors(merged.table, droppedMirrors)
  return {
    table,
    registryModel: registryModelFromToml(table),
    warnings: [...merged.warnings, ...configWarnings(merged.table)]
  }
}
