import { InputError, quoteValue } from '../model/input-error'
import { INPUT_DEFAULTS } from './input-table'
import { ListInput, parseBoolean, positionalValue, readList, singleValue } from './lists'
import { isBuilderName } from '../model/names'
import { isPlatform } from '../model/platform'
import { MIN_MASK_LENGTH } from '../model/credentials'

/** The build options of docker/build-push-action, under the same names and list rules. */
export interface BuildInputs {
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
  /** What was left out and why (an empty secret), for the plan's warnings. */
  warnings: string[]
}

/** Builder options of docker/setup-buildx-action that this action's own builder honours. */
export interface BuilderInputs {
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

export function parseBuildInputs(get: Get, env: Record<string, string | undefined> = {}): BuildInputs {
  const single = (name: string) => singleValue(name, get(name).trim())
  const list = (name: ListInput) => readList(name, get(name))
  const warnings: string[] = []
  const pairs = (name: SecretInput, hint: string) => secretPairs(name, list(name), hint, warnings)
  const allow = list('allow')
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
      'Write one ID=VALUE per line; quote a value that spans lines together with its id: "ID=line 1<newline>line 2".'
    ).map(([id, value]) => ({ id, value })),
    secretFiles: pairs('secret-files', 'Write one ID=PATH per line.').map(([id, path]) => ({ id, path })),
    secretEnvs: pairs('secret-envs', 'Write ID=ENV_NAME entries, one per line or separated by commas.').map(
      ([id, env]) => ({ id, env })
    ),
    ssh: list('ssh'),
    annotations: list('annotations'),
    attests: list('attests'),
    provenance: single('provenance'),
    sbom: single('sbom'),
    buildContexts: list('build-contexts'),
    outputs: list('outputs'),
    network: single('network'),
    addHosts: list('add-hosts'),
    shmSize: single('shm-size'),
    ulimits: list('ulimit'),
    allow,
    noCacheFilters: list('no-cache-filters'),
    call,
    cgroupParent: single('cgroup-parent'),
    githubToken: single('github-token'),
    workflowServer: workflowServerHost(env.GITHUB_SERVER_URL),
    warnings
  }
}

type SecretInput = 'secrets' | 'secret-files' | 'secret-envs'

/**
 * ID=VALUE entries of a secret input. An entry with nothing after "=" is left out with a warning, as
 * build-push-action does: it is most often an unset repository secret, and buildx would refuse the empty one.
 * An entry without "=" or with an id that is not one (spaces, quotes, commas) is refused, as it is most often a
 * line of a multi-line value that was not quoted whole. Messages about `secrets` name the entry by its number:
 * such a line's "id" is part of a secret (a base64 line "...=" reads as an id and an empty value).
 */
export function secretPairs(
  input: SecretInput,
  entries: string[],
  hint: string,
  warnings: string[]
): [string, string][] {
  const pairs: [string, string][] = []
  const secret = input === 'secrets'
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`
    const refuse = (reason: string): never => {
      throw new InputError(input, secret ? '***' : entry.trim(), `${where} ${reason}`, hint)
    }
    const at = entry.indexOf('=')
    const id = at < 0 ? '' : entry.slice(0, at).trim()
    if (id === '') refuse('is not of the form ID=VALUE')
    // Like a build-arg's key: visible text, no quotes, and no comma, which would end buildx's --secret field.
    if (!/^[^\s\p{C}\p{Z}"',]+$/u.test(id))
      refuse('is not of the form ID=VALUE (the id has spaces, quotes or commas)')
    const value = entry.slice(at + 1)
    if (value === '') {
      const named = secret ? where : quoteValue(id)
      const why = secret
        ? 'an unset secret, or a line of a multi-line value not quoted whole'
        : 'is the secret or variable set?'
      warnings.push(`Input "${input}": ${named} has an empty value (${why}), so the build does not get it.`)
    } else if (secret && value.trim().length < MIN_MASK_LENGTH) {
      // The runner could only hide it by masking those characters everywhere in the job log.
      refuse(`has a value shorter than ${MIN_MASK_LENGTH} characters, too short to mask in the log`)
    } else {
      pairs.push([id, value])
    }
  })
  return pairs
}

/**
 * The values to mask in the log, from the raw secrets input, read as parseBuildInputs reads them: a quoted
 * multi-line value whole. An entry without "=" is masked whole (it may be a line of a value not quoted whole),
 * and a value written in quotes by mistake is masked without them too.
 */
export function secretValuesToMask(raw: string): string[] {
  return readList('secrets', raw).flatMap(entry => {
    const value = entry.slice(entry.indexOf('=') + 1)
    const unquoted = value.replace(/^\s*"|"\s*$/g, '')
    return [value, unquoted].filter((text, index) => text.trim() !== '' && (index === 0 || text !== value))
  })
}

export function parseBuilderInputs(get: Get): BuilderInputs {
  const nodePlatforms = readList('builder-platforms', get('builder-platforms'))
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
    keepState: parseBoolean('keep-state', get('keep-state').trim(), INPUT_DEFAULTS['keep-state']),
    append: get('append')
  }
}

/** Secret ids become environment variable names for buildx (`--secret id=X,env=NAME`). */
export function secretEnvName(index: number): string {
  return `MPB_BUILD_SECRET_${index}`
}

/** The Dockerfile buildx reads for a local context: the file input, or Dockerfile at the context's root. */
export function localDockerfilePath(inputs: { context: string; file: string }): string {
  return inputs.file || `${inputs.context}/Dockerfile`
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
