import {
  configWarnings,
  registryModelFromToml,
  withoutMirrors,
  mergeTomlSources,
  parseToml,
  registryModelToToml,
  stringifyToml,
  TomlSource
} from '../model/buildkitd-toml'
import {
  BuildOptions,
  buildArgs,
  createBuilderArgs,
  bootstrapBuilderArgs,
  inspectBuilderArgs,
  mergeIndexArgs,
  removeBuilderArgs
} from './argv'
import { imageRepository } from '../model/image-ref'
import { configNamedPaths, defaultCacheBytes, warmBuilderName, withCacheLimit } from '../model/warm-shape'
import { gitContextHost, secretEnvName } from '../inputs/build-options'
import { cacheReferences } from '../inputs/cache'
import { DriverOpts, mergeDriverOpts, parseDriverOpts, sealDriverOpts } from '../model/driver-opts'
import {
  hostNetworkReasons as hostNetworkReasonsFor,
  inheritedLoopbackProxies,
  parseHostsFile
} from './host-network'
import type { AppendNode } from '../inputs/append-nodes'
import { INPUT_DEFAULTS } from '../inputs/input-table'
import { Inputs } from '../inputs/parse'
import { resolveProvenance } from './provenance'
import { isDefaultGitContext } from '../inputs/workflow-run'
import { proxyEnvironment, ProxyUrl } from '../model/proxy'
import { stripUserInfo } from '../model/credentials'
import { buildRegistryModel, RegistryModel } from '../model/registries'

/** Everything main will do, derived from the inputs without any I/O. */
export interface Plan {
  builder: string
  /** The image the builder container runs: an image= driver-opt wins over buildkit-image. */
  buildkitImage: string
  configPath: string
  metadataPath: string
  configToml: string
  /** Every registry section of the final config, the user's TOML included. */
  registryModel: RegistryModel
  /** Why the builder shares the host network; empty when it does not need to. */
  hostNetworkReasons: string[]
  /** Loopback proxies taken from the runner's environment, which alone decide host networking (announced). */
  inheritedLoopbackProxies: ProxyUrl[]
  /** Proxy variables for the builder container, the buildx client and RUN steps. */
  proxyEnv: Record<string, string>
  commands: {
    remove: string[]
    create: string[]
    append: string[][]
    bootstrap: string[]
    inspect: string[]
    build: string[]
    /** merge-digests: the index printed without pushing it, then pushed under every tag ([] when not merging). */
    mergeDryRun: string[]
    merge: string[]
  }
  /** merge-digests as full references (repository@sha256:…), in the order given. */
  mergeSources: string[]
  /** False when the user named an existing builder: it is neither created nor removed. */
  ownBuilder: boolean
  /** A warm builder: named after its shape, reused when it runs already, left running after the job. */
  warm: boolean
  /** The create command boots the builder too (one node, and a build to run). */
  bootsOnCreate: boolean
  /** Driver option values kept off argv: placeholder on the create command line → value for buildx's store. */
  sealedDriverValues: ReadonlyMap<string, string>
  /** Environment of the build process: proxy variables and the values of build secrets. */
  buildEnv: Record<string, string>
  /** Proxy URLs with credentials and their masked form, for echoing command lines. */
  redactions: [string, string][]
  warnings: string[]
}

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

/**
 * Proxy settings for RUN steps. BuildKit records build args in provenance attestations (even mode=min), so a
 * proxy URL with credentials goes to RUN steps without them; the builder and the buildx client keep them.
 */
function proxyBuildArgs(
  proxyEnv: Record<string, string>,
  userNames: Set<string>,
  warnings: string[]
): string[] {
  const args: string[] = []
  let stripped = false
  for (const [name, value] of Object.entries(proxyEnv)) {
    if (userNames.has(name)) continue
    // Up to the LAST @: a password may itself contain one.
    const bare = stripUserInfo(value)
    if (bare === value) {
      args.push(name)
    } else {
      args.push(`${name}=${bare}`)
      stripped = true
    }
  }
  if (stripped) {
    warnings.push(
      'RUN steps get the proxy without its credentials, because BuildKit records build args in the pushed ' +
        'provenance. If a RUN step needs them, pass them as a build secret ("secrets") and read it there.'
    )
  }
  return args
}

/** Secret values and the Git token reach buildx through its environment: never argv, never a file. */
function buildSecrets(inputs: Inputs): { refs: { id: string; env: string }[]; env: Record<string, string> } {
  const refs: { id: string; env: string }[] = []
  const env: Record<string, string> = {}
  inputs.build.secrets.forEach(({ id, value }, index) => {
    refs.push({ id, env: secretEnvName(index) })
    env[secretEnvName(index)] = value
  })
  // The workflow token goes only where build-push-action sends it: with the run's own default Git context, as
  // the secret of the workflow's server. A GIT_AUTH_TOKEN the user gives (through any secret input) keeps it
  // out: BuildKit tries GIT_AUTH_TOKEN.<host> before GIT_AUTH_TOKEN, so ours would silently replace theirs.
  const server = inputs.build.workflowServer
  const tokenId = `GIT_AUTH_TOKEN.${server}`
  const userToken = [...inputs.build.secrets, ...inputs.build.secretFiles, ...inputs.build.secretEnvs].some(
    ({ id }) => id === 'GIT_AUTH_TOKEN' || id === tokenId
  )
  if (
    inputs.build.githubToken !== '' &&
    !userToken &&
    isDefaultGitContext(inputs.context, inputs.workflow) &&
    gitContextHost(inputs.context) === server
  ) {
    refs.push({ id: tokenId, env: 'MPB_GIT_AUTH_TOKEN' })
    env.MPB_GIT_AUTH_TOKEN = inputs.build.githubToken
  }
  return { refs, env }
}

export function makePlan(inputs: Inputs, context: PlanContext): Plan {
  const warnings: string[] = [...inputs.build.warnings]
  const model = buildRegistryModel(inputs.mirrors, inputs.insecureRegistries)
  const sources: TomlSource[] = inputs.configSources.map(({ input, text }) => ({
    input,
    table: parseToml(input, text)
  }))
  sources.push({ input: 'registry-mirrors/insecure-registries', table: registryModelToToml(model) })
  const merged = mergeTomlSources(sources)
  warnings.push(...merged.warnings, ...configWarnings(merged.table))
  const table = withoutMirrors(merged.table, context.droppedMirrors ?? [])
  const registryModel = registryModelFromToml(table)

  const proxyEnv = proxyEnvironment(inputs.proxy)
  if (inputs.proxy.http && !inputs.proxy.https) {
    warnings.push(
      'http-proxy is set but https-proxy is not: registries are reached over HTTPS, which then bypasses the proxy.'
    )
  }
  // Decided once, from the final config: a registry only the user's TOML names counts like any other.
  const hosts = parseHostsFile(context.hostsFile ?? '')
  const hostNetworkReasons = hostNetworkReasonsFor(inputs.proxy, registryModel, inputs.context, hosts, [
    ...inputs.tags,
    ...cacheReferences([...inputs.cacheFrom, ...inputs.cacheTo])
  ])

  const buildkitdFlags = withEntitlementFlags(inputs.buildkitdFlags, inputs.build.allow)
  const driverOpts = builderDriverOpts(inputs, proxyEnv, hostNetworkReasons, warnings)
  const configPath = `${context.workDir}/buildkitd.toml`
  const metadataPath = `${context.workDir}/metadata.json`
  const userBuildArgNames = new Set(inputs.buildArgs.map(arg => arg.split('=')[0]))
  const secrets = buildSecrets(inputs)
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
  // A bare digest is in the repository of the first tag.
  const mergeSources = inputs.split.mergeDigests.map(
    ({ repository, digest }) => `${repository ?? imageRepository(inputs.tags[0])}@${digest}`
  )
  if (
    existingBuilder !== '' &&
    (inputs.mirrors.length > 0 || inputs.insecureRegistries.length > 0 || inputs.configSources.length > 0)
  ) {
    warnings.push(
      `builder "${existingBuilder}" already exists, so its own config applies: registry-mirrors, insecure-registries and buildkitd-config are not used.`
    )
  }
  const attestations = resolveProvenance({
    provenance: inputs.build.provenance,
    attests: inputs.build.attests,
    outputs: inputs.build.outputs,
    load: inputs.load,
    run: inputs.workflow
  })
  const build: BuildOptions = {
    ...inputs,
    build: { ...inputs.build, ...attestations },
    builder,
    pushByDigest: inputs.split.pushByDigest,
    proxyBuildArgs: proxyBuildArgs(proxyEnv, userBuildArgNames, warnings),
    metadataPath,
    envSecrets: secrets.refs
  }
  // With extra nodes, every node is added before the builder boots; a merge only needs the builder recorded;
  // sealed values are written into the store between create and boot.
  const bootsOnCreate =
    (context.appendNodes ?? []).length === 0 && mergeSources.length === 0 && sealedDriverValues.size === 0
  const { create, append } = nodes(builder, configPath, bootsOnCreate)
  return {
    builder,
    ownBuilder: existingBuilder === '',
    warm,
    bootsOnCreate,
    sealedDriverValues,
    // Build-check warnings in the metadata file, for annotations (build-push-action sets it too).
    buildEnv: { ...proxyEnv, ...secrets.env, BUILDX_METADATA_WARNINGS: 'true' },
    buildkitImage,
    configPath,
    metadataPath,
    configToml: stringifyToml(configTable),
    registryModel,
    hostNetworkReasons,
    inheritedLoopbackProxies: inheritedLoopbackProxies(inputs.proxy, hosts),
    proxyEnv,
    commands: {
      remove: removeBuilderArgs(builder, keepState),
      create,
      append,
      bootstrap: bootstrapBuilderArgs(builder),
      inspect: inspectBuilderArgs(builder),
      build: buildArgs(build),
      ...mergeCommands(builder, inputs, mergeSources)
    },
    mergeSources,
    redactions: [inputs.proxy.http, inputs.proxy.https].flatMap(proxy =>
      proxy && proxy.url !== proxy.display ? [[proxy.url, proxy.display] as [string, string]] : []
    ),
    warnings
  }
}

/** The index made of the pushed digests, under every tag. */
function mergeCommands(
  builder: string,
  inputs: Inputs,
  sources: string[]
): { mergeDryRun: string[]; merge: string[] } {
  if (sources.length === 0) return { mergeDryRun: [], merge: [] }
  const options = { builder, tags: inputs.tags, annotations: inputs.build.annotations, sources }
  return {
    mergeDryRun: mergeIndexArgs({ ...options, dryRun: true }),
    merge: mergeIndexArgs({ ...options, dryRun: false })
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
