import type { BuildxFact } from '../../model/facts'
import * as log from '../runner/log'
import {
  BuilderNode,
  builderPlatforms,
  parseInspectDriver,
  parseInspectNodes,
  unsupportedPlatforms
} from '../../model/inspect-output'
import { needsBuildx, parseBuildxVersion } from '../../model/buildx-release'
import { docker, DockerResult } from '../docker/docker'
import { failure } from '../runner/command-failure'
import { Inputs } from '../../inputs/parse'
import { Plan } from '../../plan/plan'
import { retryTransient } from '../docker/retry'
import { writeSealedDriverValues } from './builder-store'
import type { BuildxPluginLink } from '../../model/saved-state'

const BUILDER_EXISTS = /existing instance for ".*" but no append mode|already exists/
/**
 * What docker says when the buildx plugin is missing (the CLI then parses `buildx create --name` itself and prints
 * its own usage) or too old to know --buildkitd-config (before v0.13).
 */
const BUILDX_UNUSABLE =
  /'buildx' is not a docker command|unknown command "buildx"|unknown flag: --buildkitd-config|Usage:\s+docker \[OPTIONS\] COMMAND/

export interface Builder {
  nodes: BuilderNode[]
  platforms: string[]
  buildx: BuildxFact
  /** docker-container for ours; for an existing builder, what buildx inspect reports. */
  driver: string
}

/** The builder's nodes as `buildx inspect` reports them. */
export type BuilderNodes = Omit<Builder, 'buildx'>

/** A builder that is running, and a way to its nodes: read once the build has started, since only reports need them. */
export interface BuilderStart {
  buildx: BuildxFact
  nodes: () => Promise<BuilderNodes>
}

/**
 * Creates the builder and boots it in one `buildx create --bootstrap` where it can (one buildx process fewer
 * than create, then inspect --bootstrap), or boots the existing one the user named. A plugin link made for it
 * is handed to `linked` the moment it exists, before the steps that can still fail, so the caller can record
 * it for post.
 */
export async function createBuilder(
  inputs: Inputs,
  plan: Plan,
  linked: (link: BuildxPluginLink) => void
): Promise<BuilderStart> {
  if (!plan.ownBuilder) return started({ source: 'runner' }, await bootBuilder(inputs, plan))
  const { buildx, booted } = await registerBuilder(inputs, plan, linked)
  return booted
    ? { buildx, nodes: () => readNodes(inputs, plan) }
    : started(buildx, await bootBuilder(inputs, plan))
}

function started(buildx: BuildxFact, nodes: BuilderNodes): BuilderStart {
  return { buildx, nodes: () => Promise.resolve(nodes) }
}

/** Starts the builder if it is not running (a running one is only inspected) and reads its nodes. */
export async function bootBuilder(inputs: Inputs, plan: Plan): Promise<BuilderNodes> {
  const booted = await retryTransient(
    () => docker(plan.commands.bootstrap, { redactions: plan.redactions }),
    inputs.retries,
    retry =>
      log.warning(`Starting the builder failed on a passing fault; retry ${retry} of ${inputs.retries}.`)
  )
  if (booted.exitCode !== 0)
    throw failure('Starting the builder failed', `${booted.stdout}\n${booted.stderr}`)
  return nodesOf(inputs, plan, booted.stdout)
}

/**
 * The nodes of a builder that runs: nothing waits on them but outputs, the summary and a warning, so a failure
 * to read them is a warning too.
 */
export async function readNodes(
  inputs: Inputs,
  plan: Plan,
  remember?: (inspectOutput: string) => void
): Promise<BuilderNodes> {
  // Read while the build runs: at the lowest priority, so it takes no CPU from the build.
  const inspected = await docker(plan.commands.inspect, {
    silent: true,
    redactions: plan.redactions,
    lowPriority: true
  })
  if (inspected.exitCode !== 0) {
    log.warning(
      `Reading the nodes of builder ${plan.builder} failed (${inspected.stderr.trim().split('\n').at(-1)}), so ` +
        'the platforms and nodes outputs are empty.'
    )
    return { nodes: [], platforms: [], driver: 'docker-container' }
  }
  remember?.(inspected.stdout)
  return nodesOf(inputs, plan, inspected.stdout)
}

/** The nodes from `buildx inspect` output (read now, or kept from an earlier run of the same warm builder). */
export function nodesOf(inputs: Inputs, plan: Plan, inspectOutput: string): BuilderNodes {
  const nodes = parseInspectNodes(inspectOutput)
  const platforms = builderPlatforms(nodes)
  const missing = unsupportedPlatforms(inputs.platforms, platforms)
  if (missing.length > 0 && platforms.length > 0) {
    log.warning(
      `The builder cannot run ${missing.join(', ')} natively or under emulation (it has ${platforms.join(', ')}). ` +
        'Register QEMU (input "qemu") or add a node for them ("append"), or RUN steps for those platforms fail.'
    )
  }
  const driver = plan.ownBuilder ? 'docker-container' : parseInspectDriver(inspectOutput)
  return { nodes, platforms, driver }
}

/**
 * Records the builder (every node with the same config) in buildx's store, and boots it when the plan's
 * create command does (`booted`); recorded only is enough for `imagetools`, which reads the registry config
 * from there. A create whose boot failed leaves the builder recorded but not booted: the caller boots it
 * with retries, which also explains the failure. The runner's buildx is used as it is; only when docker
 * cannot run it is the pinned one installed.
 */
export async function registerBuilder(
  inputs: Inputs,
  plan: Plan,
  linked: (link: BuildxPluginLink) => void
): Promise<{ buildx: BuildxFact; booted: boolean }> {
  let buildx: BuildxFact = { source: 'runner' }
  let created = await create(plan)
  if (created.exitCode !== 0 && BUILDX_UNUSABLE.test(created.stderr)) {
    buildx = await installBuildx(inputs, plan, linked)
    created = await create(plan)
  }
  if (created.exitCode !== 0) {
    const recorded =
      plan.bootsOnCreate && (await docker(plan.commands.inspect, { silent: true })).exitCode === 0
    if (recorded) return { buildx, booted: false }
    throw failure('Creating the builder failed', created.stderr)
  }
  for (const append of plan.commands.append) {
    const appended = await docker(append, { redactions: plan.redactions })
    if (appended.exitCode !== 0) throw failure('Adding a node to the builder failed', appended.stderr)
  }
  try {
    writeSealedDriverValues(plan.builder, plan.sealedDriverValues)
  } catch (error) {
    throw failure('Writing the proxy settings into the builder failed', (error as Error).message)
  }
  return { buildx, booted: plan.bootsOnCreate }
}

async function create(plan: Plan): Promise<DockerResult> {
  const created = await docker(plan.commands.create, { redactions: plan.redactions })
  if (created.exitCode === 0 || !BUILDER_EXISTS.test(created.stderr)) return created
  // A builder left by an earlier run with this name would keep its old config: replace it.
  await docker(plan.commands.remove, { silent: true })
  log.info(`Removed an existing builder named ${plan.builder}.`)
  return docker(plan.commands.create, { redactions: plan.redactions })
}

/** Installs the pinned buildx (code loaded only on this path) and makes docker use it. */
async function installBuildx(
  inputs: Inputs,
  plan: Plan,
  linked: (link: BuildxPluginLink) => void
): Promise<BuildxFact> {
  log.info('docker cannot run a buildx that knows --buildkitd-config (v0.13 or later): installing one.')
  const { installBuildx: install, useBuildxPlugin } = await import('./buildx-install')
  const download = await install({
    version: inputs.buildxVersion,
    urlTemplate: inputs.buildxDownloadUrl,
    skipVerification: inputs.buildxSkipVerification,
    log,
    proxyEnv: plan.proxyEnv
  })
  const link = useBuildxPlugin(download.path)
  if (link.changed) linked({ path: link.pluginPath, dir: download.path })
  const now = await docker(['buildx', 'version'], { silent: true })
  if (now.exitCode !== 0 || needsBuildx(now.stdout)) {
    throw new Error(
      `docker does not run the installed buildx from ${link.pluginPath}: ${now.stderr.trim() || now.stdout.trim()}`
    )
  }
  return { source: download.source, version: parseBuildxVersion(now.stdout) ?? 'unknown' }
}
