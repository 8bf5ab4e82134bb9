import { bareVersion, buildxDownloadUrl as expandDownloadUrl } from '../model/buildx-release'
import { BuilderInputs, BuildInputs, parseBuilderInputs, parseBuildInputs } from './build-options'
import { BooleanInput, INPUT_DEFAULTS, PROXY_INPUTS } from './input-table'
import { InputError } from '../model/input-error'
import { ListInput, parseBoolean, positionalValue, readList, singleValue } from './lists'
import { driverOptFields } from '../model/driver-opts'
import { isBuilderName } from '../model/names'
import { parseNoProxy } from '../model/no-proxy'
import { ProxySettings, parseProxyUrl } from '../model/proxy'
import { QemuMode } from '../model/platform'
import { isImageReference } from '../model/image-ref'
import { isPlatform, suggestPlatform } from '../model/platform'
import { MirrorEntry, parseInsecureRegistry, parseMirrorEntry } from '../model/registries'
import { envFlag, expandDefaultContext, WorkflowRun, workflowRun } from './workflow-run'
import { parseSplitInputs, SplitInputs } from './split'
import { parseCache } from './cache'
import { parseWarmInputs, WarmInputs } from './warm'
import type { RegistryLogin } from '../model/docker-config'

export { parseBoolean }

/** Every workflow input, validated, in one typed object. Nothing else reads inputs. */
export interface Inputs {
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
  noCache: boolean
  pull: boolean
  mirrors: MirrorEntry[]
  insecureRegistries: string[]
  proxy: ProxySettings
  builderName: string
  buildkitImage: string
  driverOpts: string[]
  buildkitdFlags: string
  configSources: { input: string; text: string }[]
  cleanup: boolean
  qemu: QemuMode
  qemuImage: string
  mirrorCheck: MirrorCheck
  /** The logins of registry-auth, parsed once by readInputs (which loads the YAML library only when it is set). */
  registryLogins: RegistryLogin[]
  buildxVersion: string
  buildxDownloadUrl: string
  /** buildx-skip-verification: run a downloaded or cached buildx that checksums.txt cannot vouch for. */
  buildxSkipVerification: boolean
  build: BuildInputs
  builderOptions: BuilderInputs
  summary: boolean
  /** DOCKER_BUILD_CHECKS_ANNOTATIONS: Dockerfile build-check warnings become annotations. */
  checksAnnotations: boolean
  retries: number
  workflow: WorkflowRun
  split: SplitInputs
  warm: WarmInputs
}

export type MirrorCheck = 'warn' | 'strict' | 'off'

/** Where inputs come from: the runner's INPUT_* values, the step environment, and files in the workspace. */
export interface InputSource {
  get(name: string): string
  env: Record<string, string | undefined>
  readFile(path: string): string
  /** The event payload (GITHUB_EVENT_PATH); may throw or be absent outside a workflow run. */
  readEvent?(): string
  defaultBuilderName: string
  /** registry-auth, already parsed (readRegistryAuth): required when the input is set. */
  registryLogins?: RegistryLogin[]
}

export function parseInputs(source: InputSource): Inputs {
  const get = (name: string): string => source.get(name).trim()
  // Free-form one-line values; the others are refused by their own grammar, which names the problem better.
  const text = (name: string): string => singleValue(name, get(name))
  const bool = (name: BooleanInput): boolean => parseBoolean(name, get(name), INPUT_DEFAULTS[name])
  // Each list input's separators and quoting are in LIST_RULES (src/lists.ts).
  const list = (name: ListInput): string[] => readList(name, source.get(name))

  const platforms = list('platforms').map(parsePlatform)
  const tags = list('tags').map(tag => {
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

  const workflow = workflowRun(source.env, readEvent(source))
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
  const builderOptions = parseBuilderInputs(source.get)
  const warm = parseWarmInputs({
    enabled: bool('warm-builder'),
    idle: get('warm-builder-idle'),
    cacheSize: get('warm-builder-cache'),
    existingBuilder: builderOptions.existingBuilder
  })
  if (warm.enabled && get('builder-name') !== '')
    build.warnings.push('warm-builder names the builder after its config, so builder-name is not used.')
  const buildkitImage = imageInput(
    'buildkit-image',
    get('buildkit-image') || INPUT_DEFAULTS['buildkit-image']
  )
  const builderName = get('builder-name') || source.defaultBuilderName
  if (!isBuilderName(builderName)) {
    throw new InputError(
      'builder-name',
      builderName,
      'not a valid builder name',
      'Use letters, digits, ".", "_" and "-" (at most 63 characters), starting with a letter or digit.'
    )
  }

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
    labels: list('labels').map(entry => requireKeyValue('labels', entry)),
    target: text('target'),
    cacheFrom: cache.cacheFrom,
    cacheTo: cache.cacheTo,
    noCache: bool('no-cache'),
    pull: bool('pull'),
    mirrors: list('registry-mirrors').map(parseMirrorEntry),
    insecureRegistries: list('insecure-registries').map(parseInsecureRegistry),
    proxy: readProxy(source),
    builderName,
    buildkitImage,
    driverOpts: list('driver-opts').map(entry => parseDriverOpt(entry)),
    buildkitdFlags: text('buildkitd-flags'),
    configSources: readConfigSources(source),
    cleanup: bool('cleanup'),
    qemu: oneOf('qemu', get('qemu'), ['auto', 'true', 'false'] as const, INPUT_DEFAULTS.qemu),
    qemuImage: imageInput('qemu-image', get('qemu-image') || INPUT_DEFAULTS['qemu-image']),
    mirrorCheck: oneOf(
      'mirror-check',
      get('mirror-check'),
      ['warn', 'strict', 'off'] as const,
      INPUT_DEFAULTS['mirror-check']
    ),
    registryLogins: registryLogins(source),
    ...readBuildxDownload(
      get('buildx-version'),
      get('buildx-download-url'),
      bool('buildx-skip-verification')
    ),
    build: { ...build, warnings: [...build.warnings, ...cache.warnings] },
    builderOptions,
    // Both switches are honoured: the input, and build-push-action's variable.
    summary: bool('summary') && envFlag(source.env, 'DOCKER_BUILD_SUMMARY', true),
    checksAnnotations: envFlag(source.env, 'DOCKER_BUILD_CHECKS_ANNOTATIONS', true),
    retries: parseRetries(get('retries')),
    workflow,
    split,
    warm
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

export function rawProxyValue(source: Pick<InputSource, 'get' | 'env'>, index: number): string {
  return proxyValue(source, index).value
}

/** The input's value, else the first of its step variables that is set; `variable` names that variable. */
function proxyValue(
  source: Pick<InputSource, 'get' | 'env'>,
  index: number
): { value: string; variable?: string } {
  const { input, env } = PROXY_INPUTS[index]
  const explicit = source.get(input).trim()
  if (explicit !== '') return { value: explicit }
  const variable = env.find(name => (source.env[name] ?? '').trim() !== '')
  return variable ? { value: (source.env[variable] ?? '').trim(), variable } : { value: '' }
}

function readProxyUrl(source: InputSource, index: 0 | 1): ProxySettings['http'] {
  const { value, variable } = proxyValue(source, index)
  if (value === '') return undefined
  const url = parseProxyUrl(PROXY_INPUTS[index].input, value)
  return variable ? { ...url, fromEnvironment: variable } : url
}

function readProxy(source: InputSource): ProxySettings {
  return {
    http: readProxyUrl(source, 0),
    https: readProxyUrl(source, 1),
    noProxy: parseNoProxy(rawProxyValue(source, 2))
  }
}

function readConfigSources(source: InputSource): { input: string; text: string }[] {
  const sources: { input: string; text: string }[] = []
  const path = source.get('buildkitd-config').trim()
  if (path !== '') {
    let text: string
    try {
      text = source.readFile(path)
    } catch (error) {
      throw new InputError(
        'buildkitd-config',
        path,
        `cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`,
        'Give the path of a buildkitd.toml relative to the workspace, or use buildkitd-config-inline.'
      )
    }
    sources.push({ input: 'buildkitd-config', text })
  }
  const inline = source.get('buildkitd-config-inline')
  if (inline.trim() !== '') sources.push({ input: 'buildkitd-config-inline', text: inline })
  return sources
}

/** Options of buildx's docker-container driver; anything else fails `buildx create`, so it is refused first. */
const DRIVER_OPTS = new Set([
  'image',
  'network',
  'memory',
  'memory-swap',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpuset-cpus',
  'cpuset-mems',
  'cgroup-parent',
  'restart-policy',
  'default-load',
  'provenance-add-gha',
  'allow-untrusted-image'
])

/** One driver-opts line: buildx reads it as CSV, so each field must be a known KEY=VALUE. */
export function parseDriverOpt(entry: string, input = 'driver-opts'): string {
  const hint =
    'Write one KEY=VALUE per line, e.g. "memory=4g" or "env.NAME=value"; quote a value holding commas: "env.NO_PROXY=a,b".'
  for (const { key, value } of driverOptFields(entry)) {
    if (!DRIVER_OPTS.has(key) && !/^env\.[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError(
        input,
        entry,
        key !== '' ? `"${key}" is not an option of the docker-container driver` : 'not of the form KEY=VALUE',
        hint
      )
    }
    if (key === 'image') imageInput(input, value.trim())
  }
  return entry
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

/** The version and URL template are checked now, so a typo fails before anything runs, not mid-download. */
function readBuildxDownload(
  version: string,
  template: string,
  buildxSkipVerification: boolean
): { buildxVersion: string; buildxDownloadUrl: string; buildxSkipVerification: boolean } {
  const buildxVersion = version || INPUT_DEFAULTS['buildx-version']
  try {
    bareVersion(buildxVersion)
  } catch {
    throw new InputError(
      'buildx-version',
      buildxVersion,
      'not a version',
      'Use a buildx release such as "v0.37.2".'
    )
  }
  const buildxDownloadUrl = template || INPUT_DEFAULTS['buildx-download-url']
  expandDownloadUrl(buildxDownloadUrl, buildxVersion, 'linux', 'x64')
  return { buildxVersion, buildxDownloadUrl, buildxSkipVerification }
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

function imageInput(input: string, value: string): string {
  if (isImageReference(value)) return value
  throw new InputError(
    input,
    value,
    'not a valid image reference',
    'Use e.g. "moby/buildkit:buildx-stable-1" or a copy in your own registry.'
  )
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback
  const match = allowed.find(option => option === value.toLowerCase())
  if (match) return match
  throw new InputError(
    input,
    value,
    `not one of ${allowed.join(', ')}`,
    `Set "${input}" to ${allowed.map(a => `"${a}"`).join(' or ')}.`
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
