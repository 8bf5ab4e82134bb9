import type { InputSource } from './input-source'
import { parseMetadataInputs } from './metadata-inputs'
import type { MetadataResult } from '../model/metadata'
import { BuildInputs, parseBuildInputs } from './build-options'
import { BooleanInput, INPUT_DEFAULTS } from './input-table'
import { InputError } from '../model/input-error'
import { ListInput, parseBoolean, positionalValue, readList, singleValue } from './lists'
import { isImageReference } from '../model/image-ref'
import { isPlatform, suggestPlatform } from '../model/platform'
import { envFlag, expandDefaultContext, WorkflowRun, workflowRun } from './workflow-run'
import { parseSplitInputs, SplitInputs } from './split'
import { parseCache } from './cache'
import { CacheMountsInputs, parseCacheMounts } from './cache-mounts'
import { NetworkInputs, parseNetworkInputs } from './network-inputs'
import { BuilderSetupInputs, parseBuilderSetupInputs } from './builder-inputs'
import type { RegistryLogin } from '../model/docker-config'
import { parseSignInputs, SignInputs } from './sign-inputs'

export { parseBoolean }

/** Every workflow input, validated, in one typed object. Nothing else reads inputs. */
export interface Inputs extends NetworkInputs, Omit<BuilderSetupInputs, 'warnings'> {
  context: string
  file: string
  tags: string[]
  platforms: string[]
  push: boolean
  load: boolean
  buildArgs: string[]
  labels: string[]
  target: string
  cacheFrom: string[]
  cacheTo: string[]
  /** cache-mounts: where RUN --mount=type=cache contents are kept; undefined when off. */
  cacheMounts?: CacheMountsInputs
  noCache: boolean
  pull: boolean
  /** The logins of registry-auth, parsed once by readInputs (which loads the YAML library only when it is set). */
  registryLogins: RegistryLogin[]
  /** Tags, labels and annotations made from the Git ref (meta-* inputs); undefined when meta-images is empty. */
  metadata?: MetadataResult
  build: BuildInputs
  summary: boolean
  /** DOCKER_BUILD_CHECKS_ANNOTATIONS: Dockerfile build-check warnings become annotations. */
  checksAnnotations: boolean
  retries: number
  workflow: WorkflowRun
  split: SplitInputs
  /** The Signing group: whether and how the pushed index is signed (sign-inputs.ts). */
  sign: SignInputs
}

export function parseInputs(source: InputSource): Inputs {
  const get = (name: string): string => source.get(name).trim()
  // Free-form one-line values; the others are refused by their own grammar, which names the problem better.
  const text = (name: string): string => singleValue(name, get(name))
  const bool = (name: BooleanInput): boolean => parseBoolean(name, get(name), INPUT_DEFAULTS[name])
  // Each list input's separators and quoting are in LIST_RULES (src/lists.ts).
  const list = (name: ListInput): string[] => readList(name, source.get(name))

  const platforms = list('platforms').map(parsePlatform)
  const eventText = readEvent(source)
  // Tags from the Git ref join the tags input (their union, in that order), and go through the same checks.
  const metadata = parseMetadataInputs(source, eventText, list('merge-digests').length > 0)
  const tags = [...new Set([...list('tags'), ...(metadata?.tags ?? [])])].map(tag => {
    if (!isImageReference(tag)) {
      throw new InputError(
        'tags',
        tag,
        'not a valid image reference',
        'Use [registry/]repository[:tag], lower case, e.g. "ghcr.io/owner/app:1.0".'
      )
    }
    return tag
  })
  const push = bool('push')
  const load = bool('load')
  if (load && platforms.length > 1) {
    throw new InputError(
      'load',
      'true',
      `cannot load ${platforms.length} platforms (${platforms.join(',')}) into the Docker image store`,
      'Set "load: false" and push the multi-platform image, or build a single platform when loading.'
    )
  }
  if (push && tags.length === 0) {
    throw new InputError(
      'tags',
      '',
      'is empty while "push" is true',
      'Add at least one tag such as "registry.example.com/owner/app:latest", or set "push: false".'
    )
  }

  const workflow = workflowRun(source.env, eventText)
  const build = withDefaultContext(parseBuildInputs(source.get, source.env), workflow)
  const split = parseSplitInputs({
    pushByDigest: bool('push-by-digest'),
    mergeDigests: list('merge-digests'),
    tags,
    push,
    load,
    build
  })
  const cache = parseCache({
    shorthand: get('cache'),
    cacheFrom: list('cache-from'),
    cacheTo: list('cache-to'),
    tags,
    platforms,
    pushByDigest: split.pushByDigest,
    env: source.env
  })
  const sign = parseSignInputs(source.get, source.env, {
    // A call other than build (check, outline, targets) pushes nothing.
    pushesIndex:
      split.mergeDigests.length > 0 ||
      (push && !split.pushByDigest && (build.call === '' || build.call.startsWith('build'))),
    pushByDigest: split.pushByDigest
  })
  const cacheMounts = parseCacheMounts({
    mode: get('cache-mounts'),
    maxSize: get('cache-mounts-max-size'),
    helper: get('cache-mounts-helper'),
    tags,
    platforms,
    pushByDigest: split.pushByDigest
  })
  const network = parseNetworkInputs(source)
  const builderSetup = parseBuilderSetupInputs(source)

  return {
    context: positionalValue(
      'context',
      expandDefaultContext('context', text('context') || INPUT_DEFAULTS.context, workflow),
      'Give a folder (write ./-name for one whose name starts with "-") or a Git URL.'
    ),
    file: text('file'),
    tags,
    platforms,
    push,
    load,
    buildArgs: list('build-args').map(entry => requireKeyValue('build-args', entry)),
    // Generated labels first, so a label of the labels input with the same key wins (buildx keeps the last).
    labels: [...(metadata?.labels ?? []), ...list('labels').map(entry => requireKeyValue('labels', entry))],
    target: text('target'),
    cacheFrom: cache.cacheFrom,
    cacheTo: cache.cacheTo,
    ...(cacheMounts ? { cacheMounts } : {}),
    noCache: bool('no-cache'),
    pull: bool('pull'),
    ...network,
    ...withoutWarnings(builderSetup),
    registryLogins: registryLogins(source),
    build: {
      ...build,
      annotations: [...(metadata?.annotations ?? []), ...build.annotations],
      warnings: [
        ...build.warnings,
        ...builderSetup.warnings,
        ...cache.warnings,
        ...(metadata?.warnings ?? [])
      ]
    },
    metadata,
    // Both switches are honoured: the input, and build-push-action's variable.
    summary: bool('summary') && envFlag(source.env, 'DOCKER_BUILD_SUMMARY', true),
    checksAnnotations: envFlag(source.env, 'DOCKER_BUILD_CHECKS_ANNOTATIONS', true),
    retries: parseRetries(get('retries')),
    workflow,
    split,
    sign
  }
}

/** The logins parsed by the caller: parsing YAML here would load its library for every step, and twice. */
function registryLogins(source: InputSource): RegistryLogin[] {
  if (source.registryLogins) return source.registryLogins
  if (source.get('registry-auth').trim() !== '')
    throw new Error('registry-auth is set but was not parsed: read it with readRegistryAuth first')
  return []
}

function readEvent(source: InputSource): string | undefined {
  try {
    return source.readEvent?.()
  } catch {
    return undefined
  }
}

/** build-contexts take {{defaultContext}} too (e.g. "base={{defaultContext}}:base"), as in build-push-action. */
function withDefaultContext(build: BuildInputs, workflow: WorkflowRun): BuildInputs {
  const buildContexts = build.buildContexts.map(entry =>
    expandDefaultContext('build-contexts', entry, workflow)
  )
  return { ...build, buildContexts }
}

function parsePlatform(value: string): string {
  if (isPlatform(value)) return value
  const suggestion = suggestPlatform(value)
  throw new InputError(
    'platforms',
    value,
    'not a platform of the form os/arch[/variant]',
    suggestion ? `Did you mean "${suggestion}"?` : 'Use e.g. "linux/amd64,linux/arm64" or "linux/arm/v7".'
  )
}

function requireKeyValue(input: string, entry: string): string {
  // A key is visible text: no spaces, quotes or invisible characters, which could not name an argument.
  if (/^[^=\s\p{C}\p{Z}"']+=/u.test(entry)) return entry
  throw new InputError(
    input,
    entry,
    'not of the form KEY=VALUE',
    `Write one KEY=VALUE per line in "${input}".`
  )
}

function parseRetries(value: string): number {
  if (value === '') return INPUT_DEFAULTS.retries
  if (/^\d{1,2}$/.test(value) && Number(value) <= 10) return Number(value)
  throw new InputError(
    'retries',
    value,
    'not a whole number from 0 to 10',
    'Set how often a build or bootstrap that failed on a network fault is tried again, e.g. 2.'
  )
}

/** Builder names are unique per run, attempt, job and step, plus randomness for matrix legs on one host. */
export function defaultBuilderName(env: Record<string, string | undefined>, randomHex: string): string {
  const part = (value: string | undefined): string =>
    (value ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 20)
  const pieces = [
    'builder',
    part(env.GITHUB_JOB),
    part(env.GITHUB_RUN_ID),
    part(env.GITHUB_RUN_ATTEMPT),
    randomHex
  ]
  return pieces
    .filter(piece => piece !== '')
    .join('-')
    .slice(0, 63)
}

function withoutWarnings<T extends { warnings: string[] }>(value: T): Omit<T, 'warnings'> {
  const { warnings, ...rest } = value
  return rest
}
