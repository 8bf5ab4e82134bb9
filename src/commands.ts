import type { Inputs } from './inputs'
import { csvQuote } from './lists'

/** argv (after `docker`) of every command the action runs. Values are single arguments: no shell is involved. */

export function removeBuilderArgs(builder: string): string[] {
  return ['buildx', 'rm', builder]
}

/** Boots the builder and prints its platforms in one call. */
export function bootstrapBuilderArgs(builder: string): string[] {
  return ['buildx', 'inspect', '--bootstrap', builder]
}

export interface CreateOptions {
  builder: string
  configPath: string
  driverOpts: string[]
  buildkitdFlags: string
}

export function createBuilderArgs(options: CreateOptions): string[] {
  const args = ['buildx', 'create', '--name', options.builder, '--driver', 'docker-container']
  args.push('--buildkitd-config', options.configPath)
  for (const opt of options.driverOpts) args.push('--driver-opt', opt)
  if (options.buildkitdFlags !== '') args.push('--buildkitd-flags', options.buildkitdFlags)
  return args
}

/** A driver-opt `key=value`, CSV-quoted when the value holds a comma (buildx reads each driver-opt as CSV). */
export function driverOpt(key: string, value: string): string {
  return csvQuote(`${key}=${value}`)
}

export function driverOptKey(opt: string): string {
  return opt.replace(/^"/, '').split('=')[0].trim()
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
  builder: string
  /** Build args passed by name only, so their values come from the buildx process environment, not argv. */
  envBuildArgs: string[]
  metadataPath: string
}

export function buildArgs(options: BuildOptions): string[] {
  const args = ['buildx', 'build', '--builder', options.builder]
  const repeat = (flag: string, values: string[]): void => values.forEach(value => args.push(flag, value))
  if (options.platforms.length > 0) args.push('--platform', options.platforms.join(','))
  if (options.file !== '') args.push('--file', options.file)
  repeat('--tag', options.tags)
  repeat('--build-arg', options.buildArgs)
  repeat('--build-arg', options.envBuildArgs)
  repeat('--label', options.labels)
  if (options.target !== '') args.push('--target', options.target)
  repeat('--cache-from', options.cacheFrom)
  repeat('--cache-to', options.cacheTo)
  if (options.noCache) args.push('--no-cache')
  if (options.pull) args.push('--pull')
  if (options.push) args.push('--push')
  if (options.load) args.push('--load')
  args.push('--metadata-file', options.metadataPath)
  args.push(options.context)
  return args
}
