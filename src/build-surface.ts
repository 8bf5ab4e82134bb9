import { InputError } from './errors'
import { parseList } from './lists'
import { isPlatform } from './references'

/** The build options of docker/build-push-action, under the same names and list rules. */
export interface BuildSurface {
  /** Secret values by id: passed to buildx through its environment, never argv or disk. */
  secrets: { id: string; value: string }[]
  secretFiles: { id: string; path: string }[]
  secretEnvs: { id: string; env: string }[]
  ssh: string[]
  annotations: string[]
  attests: string[]
  provenance: string
  sbom: string
  buildContexts: string[]
  outputs: string[]
  network: string
  addHosts: string[]
  shmSize: string
  ulimits: string[]
  allow: string[]
  noCacheFilters: string[]
  call: string
  cgroupParent: string
  githubToken: string
}

/** Builder options of docker/setup-buildx-action that this action's own builder honours. */
export interface BuilderSurface {
  /** An existing builder to build with instead of creating one; empty to create ours. */
  existingBuilder: string
  nodePlatforms: string[]
  endpoint: string
  keepState: boolean
  /** Raw YAML of extra nodes; parsed (with a YAML library loaded only then) when the builder is created. */
  append: string
}

type Get = (name: string) => string

const ENTITLEMENTS = ['network.host', 'security.insecure', 'device']

export function parseBuildSurface(get: Get): BuildSurface {
  const lines = (name: string) => parseList(get(name), { commas: false })
  const items = (name: string) => parseList(get(name), { commas: true })
  const pairs = (name: string, hint: string) =>
    lines(name).map(entry => {
      const at = entry.indexOf('=')
      if (at < 1)
        throw new InputError(name, name === 'secrets' ? '***' : entry, 'not of the form ID=VALUE', hint)
      return [entry.slice(0, at).trim(), entry.slice(at + 1)] as const
    })
  const allow = items('allow')
  for (const entitlement of allow) {
    if (!ENTITLEMENTS.some(known => entitlement === known || entitlement.startsWith(`${known}=`))) {
      throw new InputError(
        'allow',
        entitlement,
        'not a BuildKit entitlement',
        `Use ${ENTITLEMENTS.join(', ')}.`
      )
    }
  }
  const call = get('call').trim()
  if (call !== '' && !/^[a-z]+(,[a-z]+=[^,]*)*$/.test(call)) {
    throw new InputError('call', call, 'not a build method', 'Use build, check, outline or targets.')
  }
  return {
    secrets: pairs(
      'secrets',
      'Write one ID=VALUE per line; use secret-files or secret-envs for multi-line values.'
    ).map(([id, value]) => ({ id, value })),
    secretFiles: pairs('secret-files', 'Write one ID=PATH per line.').map(([id, path]) => ({ id, path })),
    secretEnvs: pairs('secret-envs', 'Write one ID=ENV_NAME per line.').map(([id, env]) => ({ id, env })),
    ssh: lines('ssh'),
    annotations: lines('annotations'),
    attests: lines('attests'),
    provenance: get('provenance').trim(),
    sbom: get('sbom').trim(),
    buildContexts: lines('build-contexts'),
    outputs: lines('outputs'),
    network: get('network').trim(),
    addHosts: items('add-hosts'),
    shmSize: get('shm-size').trim(),
    ulimits: lines('ulimit'),
    allow,
    noCacheFilters: items('no-cache-filters'),
    call,
    cgroupParent: get('cgroup-parent').trim(),
    githubToken: get('github-token').trim()
  }
}

export function parseBuilderSurface(get: Get): BuilderSurface {
  const nodePlatforms = parseList(get('builder-platforms'), { commas: true })
  for (const platform of nodePlatforms) {
    if (!isPlatform(platform)) {
      throw new InputError(
        'builder-platforms',
        platform,
        'not a platform of the form os/arch[/variant]',
        'Use e.g. "linux/amd64".'
      )
    }
  }
  const keepState = get('keep-state').trim()
  if (!['', 'true', 'false'].includes(keepState)) {
    throw new InputError('keep-state', keepState, 'not a boolean', 'Use true or false.')
  }
  return {
    existingBuilder: get('builder').trim(),
    nodePlatforms,
    endpoint: get('endpoint').trim(),
    keepState: keepState === 'true',
    append: get('append')
  }
}

/** Secret ids become environment variable names for buildx (`--secret id=X,env=NAME`). */
export function secretEnvName(index: number): string {
  return `MPB_BUILD_SECRET_${index}`
}

/** The host of a Git build context (for GIT_AUTH_TOKEN.<host>), or undefined for a local context. */
export function gitContextHost(context: string): string | undefined {
  const match = /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/(?:[^@/]+@)?)([^/:]+)/.exec(context)
  if (!match) return undefined
  return /\.git(#|$)|^https?:\/\/(github\.com|gitlab\.com)\//.test(context) || context.startsWith('git@')
    ? match[1]
    : undefined
}
