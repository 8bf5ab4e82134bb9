import { InputError, quoteValue } from './input-error'
import { maskUserInfo } from './credentials'
import { formatHostPort, parseHostPort } from './hosts'

/** The registry part of buildkitd.toml, keyed by the registry host exactly as image references write it. */
export interface RegistryOptions {
  mirrors: string[]
  /** Plain HTTP; false only when the config says so (BuildKit then speaks TLS even to loopback). */
  http?: boolean
  /** TLS without certificate checks. */
  insecure?: boolean
  /** CA files (paths on the runner) BuildKit trusts for this host besides the system ones. */
  ca?: string[]
}
export type RegistryModel = Map<string, RegistryOptions>

export const DOCKER_HUB = 'docker.io'
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

export interface MirrorEntry {
  /** Registry being mirrored, e.g. docker.io or ghcr.io. */
  registry: string
  /** host[:port][/prefix] as BuildKit wants it: no scheme. */
  location: string
  /** host[:port] of the mirror itself, the key of its own section. */
  hostKey: string
  plainHttp: boolean
}

export const PATH_PREFIX = /^(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$/
/** The prefix is part of every repository name pulled through the mirror, and a name has at most 255. */
export const MAX_PREFIX_LENGTH = 255

export function parseMirrorEntry(entry: string): MirrorEntry {
  const input = 'registry-mirrors'
  const hint =
    'Write one mirror per line as MIRROR (for Docker Hub) or REGISTRY=MIRROR, where MIRROR is ' +
    '[http://|https://]host[:port][/path-prefix], e.g. "https://mirror.example.com" or "ghcr.io=ghcr.example.cn".'
  const separator = entry.indexOf('=')
  let registry = DOCKER_HUB
  let mirror = entry
  if (separator >= 0) {
    const registryText = entry.slice(0, separator).trim()
    mirror = entry.slice(separator + 1).trim()
    registry = normalizeRegistry(registryText, input, entry, hint)
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(mirror)
  if (scheme && !['http', 'https'].includes(scheme[1].toLowerCase())) {
    throw new InputError(input, entry, `unsupported scheme "${scheme[1]}" in mirror`, hint)
  }
  const plainHttp = scheme?.[1].toLowerCase() === 'http'
  const rest = scheme ? mirror.slice(scheme[0].length) : mirror
  if (rest.includes('@')) {
    throw new InputError(
      input,
      maskUserInfo(entry),
      'credentials in a mirror address are not supported',
      'BuildKit cannot send them; use a mirror that allows anonymous pulls.'
    )
  }
  const slash = rest.indexOf('/')
  const hostText = slash >= 0 ? rest.slice(0, slash) : rest
  const prefix = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : ''
  const hostPort = parseHostPort(hostText)
  if (!hostPort)
    throw new InputError(input, entry, `${quoteValue(hostText)} is not a valid host[:port]`, hint)
  const prefixHint =
    'A path prefix is lower-case repository path segments, e.g. /proxy.docker.io, of at most ' +
    `${MAX_PREFIX_LENGTH} characters.`
  if (prefix.length > MAX_PREFIX_LENGTH) {
    throw new InputError(input, entry, `the path prefix has ${prefix.length} characters`, prefixHint)
  }
  if (prefix !== '' && !PATH_PREFIX.test(prefix)) {
    throw new InputError(input, entry, `${quoteValue(prefix)} is not a valid path prefix`, prefixHint)
  }
  const hostKey = formatHostPort(hostPort)
  return { registry, location: hostKey + prefix, hostKey, plainHttp }
}

/** An insecure registry is `host[:port]`, with the meaning daemon.json gives it: plain HTTP or unverified TLS. */
export function parseInsecureRegistry(entry: string): string {
  const hint =
    'Write one registry per line as host[:port], e.g. "registry.local:5000", without scheme or path.'
  return normalizeRegistry(entry.replace(/^https?:\/\//i, ''), 'insecure-registries', entry, hint)
}

function normalizeRegistry(text: string, input: string, entry: string, hint: string): string {
  const hostPort = parseHostPort(text)
  if (!hostPort) {
    throw new InputError(
      input,
      maskUserInfo(entry),
      `${quoteValue(maskUserInfo(text))} is not a valid registry host[:port]`,
      hint
    )
  }
  const key = formatHostPort(hostPort)
  return DOCKER_HUB_ALIASES.has(key) ? DOCKER_HUB : key
}

/**
 * Builds the registry model. A plain-HTTP mirror gets its own section: BuildKit only reads http/insecure
 * from the section of the host it connects to, never from the section of the registry being mirrored.
 */
export function buildRegistryModel(mirrors: MirrorEntry[], insecureRegistries: string[]): RegistryModel {
  const model: RegistryModel = new Map()
  const section = (key: string): RegistryOptions => {
    let options = model.get(key)
    if (!options) {
      options = { mirrors: [] }
      model.set(key, options)
    }
    return options
  }
  for (const mirror of mirrors) {
    const options = section(mirror.registry)
    if (!options.mirrors.includes(mirror.location)) options.mirrors.push(mirror.location)
    if (mirror.plainHttp) section(mirror.hostKey).http = true
  }
  for (const registry of insecureRegistries) {
    const options = section(registry)
    options.http = true
    options.insecure = true
  }
  return model
}

/** Every host the registry model makes BuildKit connect to (registries with options, and mirrors). */
export function registryHosts(model: RegistryModel): string[] {
  const hosts = new Set<string>()
  for (const [key, options] of model) {
    if (key !== DOCKER_HUB) hosts.add(key)
    for (const mirror of options.mirrors) hosts.add(mirror.split('/')[0])
  }
  return [...hosts]
}
