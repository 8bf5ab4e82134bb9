import type { PlanContext } from './plan-context'
import type { Inputs } from '../inputs/parse'
import { BuilderPlan, planBuilder } from './builder-plan'
import { BuildPlan, planBuild } from './build-plan'
import { ConfigPlan, planConfig } from './config-plan'
import { NetworkPlan, planNetwork } from './network-plan'

/** Everything main will do, derived from the inputs without any I/O. */
export type Plan = Omit<BuilderPlan, 'commands' | 'warnings'> &
  Omit<BuildPlan, 'commands' | 'warnings'> &
  Omit<NetworkPlan, 'warnings'> &
  Pick<ConfigPlan, 'registryModel'> & {
    commands: BuilderPlan['commands'] & BuildPlan['commands']
    warnings: string[]
  }

/** The plan, by concern: the config, the network, the builder, the build. */
export function makePlan(inputs: Inputs, context: PlanContext): Plan {
  const config = planConfig(inputs, context.droppedMirrors ?? [])
  const network = planNetwork(inputs, config.registryModel, context.hostsFile ?? '')
  const builder = planBuilder(inputs, context, config, network, inputs.split.mergeDigests.length > 0)
  const build = planBuild(inputs, builder.builder, network.proxyEnv, context.workDir)
  return {
    ...network,
    ...builder,
    ...build,
    registryModel: config.registryModel,
    commands: { ...builder.commands, ...build.commands },
    // In the order they arise: the build inputs, the config, the proxy, the driver options, the proxy build args.
    warnings: [
      ...inputs.build.warnings,
      ...config.warnings,
      ...network.warnings,
      ...builder.warnings,
      ...build.warnings
    ]
  }
}
