import type { Inputs } from '../inputs/parse'
import { INPUT_DEFAULTS } from '../inputs/input-table'
import { stringifyToml } from '../model/buildkitd-toml'
import { DriverOpts, mergeDriverOpts, parseDriverOpts, sealDriverOpts } from '../model/driver-opts'
import { configNamedPaths, defaultCacheBytes, warmBuilderName, withCacheLimit } from '../model/warm-shape'
import { bootstrapBuilderArgs, createBuilderArgs, inspectBuilderArgs, removeBuilderArgs } from './argv'
import type { ConfigPlan } from './config-plan'
import type { NetworkPlan } from './network-plan'
import type { PlanContext } from './plan-context'

/** The builder: its name, its config, the commands that make, boot, read and remove it. */
export interface BuilderPlan {
  builder: string
  /** False when the user named an existing builder: it is neither created nor removed. */
  ownBuilder: boolean
  /** A warm builder: named after its shape, reused when it runs already, left running after the job. */
  warm: boolean
  /** The create command boots the builder too (one node, and a build to run). */
  bootsOnCreate: boolean
  /** Driver option values kept off argv: placeholder on the create command line → value for buildx's store. */
  sealedDriverValues: ReadonlyMap<string, string>
  /** The image the builder container runs: an image= driver-opt wins over buildkit-image. */
  buildkitImage: string
  configPath: string
  configToml: string
  commands: { remove: string[]; create: string[]; append: string[][]; bootstrap: string[]; inspect: string[] }
  warnings: string[]
}

export function planBuilder(
  inputs: Inputs,
  context: PlanContext,
  config: ConfigPlan,
  network: NetworkPlan,
  merging: boolean
): BuilderPlan {
  const warnings: string[] = []
  const { table } = config
  const buildkitdFlags = withEntitlementFlags(inputs.buildkitdFlags, inputs.build.allow)
  const driverOpts = builderDriverOpts(inputs, network.proxyEnv, network.hostNetworkReasons, warnings)
  const configPath = `${context.workDir}/buildkitd.toml`
  const { existingBuilder, nodePlatforms, endpoint, keepState } = inputs.builderOptions
  const appendDriverOpts = (context.appendNodes ?? []).map(extra =>
    mergeDriverOpts(parseDriverOpts(extra.driverOpts), driverOpts)
  )
  // Values kept off every create command line, written into buildx's store before the builder boots.
  const sealedDriverValues = new Map(
    [driverOpts, ...appendDriverOpts].flatMap(opts => [...sealDriverOpts(opts).sealed])
  )
  const nodes = (name: string, config: string, bootstrap = false) => {
    const node = (options: {
      node?: string
      platforms: string[]
      endpoint: string
      driverOpts: DriverOpts
      buildkitdFlags: string
      bootstrap?: boolean
    }) =>
      createBuilderArgs({
        builder: name,
        configPath: config,
        ...options,
        driverOpts: sealDriverOpts(options.driverOpts).opts
      })
    return {
      create: node({ platforms: nodePlatforms, endpoint, driverOpts, buildkitdFlags, bootstrap }),
      append: (context.appendNodes ?? []).map((extra, index) =>
        node({
          node: extra.name,
          platforms: extra.platforms,
          endpoint: extra.endpoint,
          driverOpts: appendDriverOpts[index],
          buildkitdFlags: extra.buildkitdFlags || buildkitdFlags
        })
      )
    }
  }
  const buildkitImage = driverOpts.get('image') ?? inputs.buildkitImage
  const warm = inputs.warm.enabled && existingBuilder === '' && context.warmKey !== undefined
  // A warm builder's size limit is part of what makes it only when the user sets it: the default follows the
  // free disk, which moves between jobs, and must not give every job a builder of its own.
  const shapeTable =
    warm && inputs.warm.cacheBytes !== undefined ? withCacheLimit(table, inputs.warm.cacheBytes) : table
  const cacheBytes =
    inputs.warm.cacheBytes ??
    (context.freeDiskBytes !== undefined ? defaultCacheBytes(context.freeDiskBytes) : undefined)
  const configTable = warm && cacheBytes !== undefined ? withCacheLimit(table, cacheBytes) : table
  const builder =
    existingBuilder ||
    (warm && context.warmKey !== undefined
      ? warmBuilderName(
          {
            configToml: stringifyToml(shapeTable),
            nodes: (({ create, append }) => [create, ...append])(nodes('', '')),
            sealedDriverValues: [...sealedDriverValues],
            buildkitImage,
            files: configNamedPaths(shapeTable).map(path => [
              path,
              context.configFileDigests?.[path] ?? 'unread'
            ])
          },
          context.warmKey
        )
      : inputs.builderName)
  if (
    existingBuilder !== '' &&
    (inputs.mirrors.length > 0 || inputs.insecureRegistries.length > 0 || inputs.configSources.length > 0)
  ) {
    warnings.push(
      `builder "${existingBuilder}" already exists, so its own config applies: registry-mirrors, insecure-registries and buildkitd-config are not used.`
    )
  }
  // With extra nodes, every node is added before the builder boots; a merge only needs the builder recorded;
  // sealed values are written into the store between create and boot.
  const bootsOnCreate = (context.appendNodes ?? []).length === 0 && !merging && sealedDriverValues.size === 0
  const { create, append } = nodes(builder, configPath, bootsOnCreate)
  return {
    builder,
    ownBuilder: existingBuilder === '',
    warm,
    bootsOnCreate,
    sealedDriverValues,
    buildkitImage,
    configPath,
    configToml: stringifyToml(configTable),
    commands: {
      remove: removeBuilderArgs(builder, keepState),
      create,
      append,
      bootstrap: bootstrapBuilderArgs(builder),
      inspect: inspectBuilderArgs(builder)
    },
    warnings
  }
}

/** The user's driver-opts first; ours only fill keys the user did not set, so an explicit value always wins. */
function builderDriverOpts(
  inputs: Inputs,
  proxyEnv: Record<string, string>,
  hostNetworkReasons: string[],
  warnings: string[]
): DriverOpts {
  const user = parseDriverOpts(inputs.driverOpts)
  const ours: DriverOpts = new Map([['image', inputs.buildkitImage]])
  if (user.has('image') && inputs.buildkitImage !== INPUT_DEFAULTS['buildkit-image']) {
    warnings.push('driver-opts sets image=, so the buildkit-image input is not used.')
  }
  if (hostNetworkReasons.length > 0) {
    const network = user.get('network')
    if (network !== undefined && network !== 'host') {
      warnings.push(
        `driver-opts sets network=${network}, but ${hostNetworkReasons.join('; ')}: the builder may not reach it.`
      )
    }
    ours.set('network', 'host')
  }
  for (const [name, value] of Object.entries(proxyEnv)) ours.set(`env.${name}`, value)
  return mergeDriverOpts(user, ours)
}

/**
 * BuildKit grants security.insecure to a build that asks ("allow") only when the daemon permits it. That has to
 * be a daemon flag: buildx starts a docker-container builder with --allow-insecure-entitlement=network.host,
 * which replaces insecure-entitlements from the config file, and adds it only when no such flag is given, so
 * network.host is listed again to keep `network: host` working.
 */
function withEntitlementFlags(flags: string, allow: string[]): string {
  if (!allow.includes('security.insecure')) return flags
  const ours = '--allow-insecure-entitlement=network.host --allow-insecure-entitlement=security.insecure'
  return flags === '' ? ours : `${flags} ${ours}`
}
