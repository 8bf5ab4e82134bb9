import type { BuildInputs } from '../inputs/build-options'
import type { Inputs } from '../inputs/parse'
import { csvQuote } from '../model/csv'
import { DriverOpts, formatDriverOpts } from '../model/driver-opts'
import { imageRepository } from '../model/image-ref'

/**
 * argv (after `docker`) of every command the action runs. Values are single arguments: no shell is involved,
 * and every positional value comes after `--`, so a value starting with "-" can never be read as an option.
 */

// In a module of its own, which imports nothing: post starts the removal before any other code loads.
export { removeBuilderArgs } from './remove-argv'

/** Prints the builder's nodes and platforms (without starting it). */
export function inspectBuilderArgs(builder: string): string[] {
  return ['buildx', 'inspect', '--', builder]
}

/** Boots the builder and prints its platforms in one call. */
export function bootstrapBuilderArgs(builder: string): string[] {
  return ['buildx', 'inspect', '--bootstrap', '--', builder]
}

export interface CreateOptions {
  builder: string
  configPath: string
  driverOpts: DriverOpts
  buildkitdFlags: string
  platforms: string[]
  endpoint: string
  /** Set for an extra node added to the builder with --append. */
  node?: string
  /** Boot it in the same call (--bootstrap). */
  bootstrap?: boolean
}

/** The first node, or (with `node`) an appended one: every node gets the same generated config. */
export function createBuilderArgs(options: CreateOptions): string[] {
  const args = ['buildx', 'create']
  if (options.node) args.push('--append')
  args.push('--name', options.builder)
  if (options.node) args.push('--node', options.node)
  args.push('--driver', 'docker-container', '--buildkitd-config', options.configPath)
  if (options.platforms.length > 0) args.push('--platform', options.platforms.join(','))
  for (const opt of formatDriverOpts(options.driverOpts)) args.push('--driver-opt', opt)
  if (options.buildkitdFlags !== '') args.push('--buildkitd-flags', options.buildkitdFlags)
  if (options.bootstrap) args.push('--bootstrap')
  if (options.endpoint !== '') args.push('--', options.endpoint)
  return args
}

/** The build inputs as validated, plus what the plan adds. */
export type BuildOptions = Pick<
  Inputs,
  | 'context'
  | 'file'
  | 'tags'
  | 'platforms'
  | 'push'
  | 'load'
  | 'buildArgs'
  | 'labels'
  | 'target'
  | 'cacheFrom'
  | 'cacheTo'
  | 'noCache'
  | 'pull'
> & {
  /** Push under the digest only: the tags give repository names, and no tag is written. */
  pushByDigest: boolean
  builder: string
  /** Proxy build args: NAME alone (value from the buildx process environment) or NAME=VALUE. */
  proxyBuildArgs: string[]
  metadataPath: string
  build: BuildInputs
  /** --secret sources read from the buildx process environment (values never on argv or disk). */
  envSecrets: { id: string; env: string }[]
}

export function buildArgs(options: BuildOptions): string[] {
  const args = ['buildx', 'build', '--builder', options.builder]
  const repeat = (flag: string, values: string[]): void => values.forEach(value => args.push(flag, value))
  if (options.platforms.length > 0) args.push('--platform', options.platforms.join(','))
  if (options.file !== '') args.push('--file', options.file)
  if (!options.pushByDigest) repeat('--tag', options.tags)
  repeat('--build-arg', options.buildArgs)
  repeat('--build-arg', options.proxyBuildArgs)
  repeat('--label', options.labels)
  if (options.target !== '') args.push('--target', options.target)
  repeat('--cache-from', options.cacheFrom)
  repeat('--cache-to', options.cacheTo)
  if (options.noCache) args.push('--no-cache')
  if (options.pull) args.push('--pull')
  const build = options.build
  const secret = (fields: string[]) => args.push('--secret', fields.map(csvQuote).join(','))
  options.envSecrets.forEach(({ id, env }) => secret([`id=${id}`, `env=${env}`]))
  build.secretFiles.forEach(({ id, path }) => secret([`id=${id}`, `src=${path}`]))
  build.secretEnvs.forEach(({ id, env }) => secret([`id=${id}`, `env=${env}`]))
  repeat('--ssh', build.ssh)
  repeat('--annotation', build.annotations)
  repeat('--attest', build.attests)
  if (build.provenance !== '') args.push(`--provenance=${build.provenance}`)
  if (build.sbom !== '') args.push(`--sbom=${build.sbom}`)
  repeat('--build-context', build.buildContexts)
  repeat('--output', build.outputs)
  if (build.network !== '') args.push('--network', build.network)
  repeat('--add-host', build.addHosts)
  if (build.shmSize !== '') args.push('--shm-size', build.shmSize)
  repeat('--ulimit', build.ulimits)
  repeat('--allow', build.allow)
  repeat('--no-cache-filter', build.noCacheFilters)
  if (build.cgroupParent !== '') args.push('--cgroup-parent', build.cgroupParent)
  // check/outline/targets print a result instead of producing an image, so there is nothing to push or load.
  const producesImage = build.call === '' || build.call.startsWith('build')
  if (build.call !== '') args.push('--call', build.call)
  if (options.pushByDigest && producesImage) args.push('--output', digestOutput(options.tags))
  else if (options.push && producesImage) args.push('--push')
  if (options.load && producesImage) args.push('--load')
  args.push('--metadata-file', options.metadataPath)
  args.push('--', options.context)
  return args
}

/** An image output pushed by digest to every repository the tags name, with no tag (name-canonical: no :latest). */
function digestOutput(tags: string[]): string {
  const names = [...new Set(tags.map(imageRepository))].join(',')
  return [
    'type=image',
    csvQuote(`name=${names}`),
    'push-by-digest=true',
    'name-canonical=true',
    'push=true'
  ].join(',')
}

export interface MergeOptions {
  builder: string
  tags: string[]
  annotations: string[]
  /** Full references (repository@sha256:…) of the images to put in the index. */
  sources: string[]
  /** Print the index that would be pushed instead of pushing it. */
  dryRun: boolean
}

/** One index of every source's images, pushed under every tag; --builder gives it the builder's registry config. */
export function mergeIndexArgs(options: MergeOptions): string[] {
  const args = ['buildx', 'imagetools', 'create', '--builder', options.builder]
  if (options.dryRun) args.push('--dry-run')
  options.annotations.forEach(annotation => args.push('--annotation', annotation))
  options.tags.forEach(tag => args.push('--tag', tag))
  return [...args, '--', ...options.sources]
}

/** Reads the raw index of a pushed image; --builder makes imagetools reach registries as the builder does. */
export function readIndexArgs(builder: string, reference: string): string[] {
  return ['buildx', 'imagetools', 'inspect', '--builder', builder, '--raw', '--', reference]
}
