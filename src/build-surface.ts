import { InputError } from './errors'
import { parseList, positionalValue, singleValue } from './lists'
import { isBuilderName } from './names'
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
  /** host[:port] of the workflow's server: the only Git host the token is ever sent to. */
  workflowServer: string
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

export function parseBuildSurface(get: Get, env: Record<string, string | undefined> = {}): BuildSurface {
  const single = (name: string) => singleValue(name, get(name).trim())
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
    provenance: single('provenance'),
    sbom: single('sbom'),
    buildContexts: lines('build-contexts'),
    outputs: lines('outputs'),
    network: single('network'),
    addHosts: items('add-hosts'),
    shmSize: single('shm-size'),
    ulimits: lines('ulimit'),
    allow,
    noCacheFilters: items('no-cache-filters'),
    call,
    cgroupParent: single('cgroup-parent'),
    githubToken: single('github-token'),
    workflowServer: workflowServerHost(env.GITHUB_SERVER_URL)
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
  const single = (name: string) => singleValue(name, get(name).trim())
  const keepState = get('keep-state').trim()
  if (!['', 'true', 'false'].includes(keepState)) {
    throw new InputError('keep-state', keepState, 'not a boolean', 'Use true or false.')
  }
  const existingBuilder = single('builder')
  if (existingBuilder !== '' && !isBuilderName(existingBuilder)) {
    throw new InputError(
      'builder',
      existingBuilder,
      'not a valid builder name',
      'Give the name of an existing buildx builder (letters, digits, ".", "_" and "-").'
    )
  }
  return {
    existingBuilder,
    nodePlatforms,
    endpoint: positionalValue(
      'endpoint',
      single('endpoint'),
      'Give a Docker context name or a unix://, tcp:// or ssh:// address.'
    ),
    keepState: keepState === 'true',
    append: get('append')
  }
}

/** Secret ids become environment variable names for buildx (`--secret id=X,env=NAME`). */
export function secretEnvName(index: number): string {
  return `MPB_BUILD_SECRET_${index}`
}

/**
 * host[:port] of a Git build context, as BuildKit looks up GIT_AUTH_TOKEN.<host[:port]>; undefined for a local
 * context. URL() finds the host, so user info ("https://user:token@host/...") is never taken for it.
 */
export function gitContextHost(context: string): string | undefined {
  const isGit =
    /\.git(#|$)/.test(context) ||
    /^https?:\/\/(github\.com|gitlab\.com)\//.test(context) ||
    /^git@/.test(context)
  if (!isGit) return undefined
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(context)) {
    // scp-like form: user@host:path
    const scp = /^[\w.-]+@([a-z0-9.-]+):/i.exec(context)
    return scp ? scp[1].toLowerCase() : undefined
  }
  try {
    const host = new URL(context).host.toLowerCase()
    return host === '' ? undefined : host
  } catch {
    return undefined
  }
}

/** host[:port] of the workflow's own Git server (GITHUB_SERVER_URL: GitHub, GitHub Enterprise, Gitea, Forgejo). */
export function workflowServerHost(serverUrl: string | undefined): string {
  try {
    return new URL(serverUrl || 'https://github.com').host.toLowerCase()
  } catch {
    return 'github.com'
  }
}
