import TOML from '@iarna/toml'
import fc from 'fast-check'

/**
 * fast-check arbitraries for the property tests: hosts, registries and mirror entries as a user might write
 * them, with the form the registry model must hold, and the model the README promises. Runs are seeded, so a
 * failure reproduces, and bounded, so the suite stays fast.
 */
export const RUNS = { numRuns: 300, seed: 20261122 }

// ---- Hosts and entries as a user might write them, with the form the model must hold. ----

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/)
export const hostname = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map(labels => labels.join('.'))
  .filter(name => !/^[\d.]+$/.test(name))
const host = fc.oneof(
  { weight: 4, arbitrary: hostname },
  { weight: 1, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6().map(address => `[${address}]`) }
)
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })

export interface Written {
  /** As typed in the workflow. */
  text: string
  /** As the model keys it. */
  key: string
}

/** host[:port] in any letter case, the port maybe zero-padded to 5 digits; the key is canonical. */
export const writtenHostPort = (hosts: fc.Arbitrary<string>): fc.Arbitrary<Written> =>
  fc
    .record({ host: hosts, port, upper: fc.boolean(), padded: fc.boolean() })
    .map(({ host, port, upper, padded }) => ({
      text:
        (upper ? host.toUpperCase() : host) +
        (port === undefined ? '' : `:${padded ? String(port).padStart(5, '0') : port}`),
      key: host.toLowerCase() + (port === undefined ? '' : `:${port}`)
    }))
export const hostPort = writtenHostPort(host)

const DOCKER_HUB_SPELLINGS = ['docker.io', 'index.docker.io', 'Registry-1.Docker.IO', 'DOCKER.IO']
const registry: fc.Arbitrary<Written> = fc.oneof(
  hostPort,
  fc.constantFrom(...DOCKER_HUB_SPELLINGS).map(text => ({ text, key: 'docker.io' })),
  fc.constantFrom('ghcr.io', 'quay.io').map(text => ({ text, key: text }))
)

export const segment = fc.stringMatching(/^[a-z0-9]{1,6}(?:[._-][a-z0-9]{1,6}){0,2}$/)

export interface MirrorCase {
  text: string
  registry: string
  location: string
  hostKey: string
  plainHttp: boolean
}

export const mirrorEntry: fc.Arbitrary<MirrorCase> = fc
  .record({
    registry: fc.option(registry, { nil: undefined }),
    spaces: fc.constantFrom('', ' ', '\t '),
    scheme: fc.constantFrom('', 'http://', 'https://', 'HTTP://', 'Https://'),
    mirror: hostPort,
    prefix: fc.array(segment, { maxLength: 3 }).map(parts => parts.map(part => `/${part}`).join('')),
    slash: fc.boolean()
  })
  .map(({ registry, spaces, scheme, mirror, prefix, slash }) => ({
    text:
      (registry ? `${registry.text}${spaces}=${spaces}` : '') +
      `${scheme}${mirror.text}${prefix}${slash ? '/' : ''}`,
    registry: registry?.key ?? 'docker.io',
    location: mirror.key + prefix,
    hostKey: mirror.key,
    plainHttp: scheme.toLowerCase() === 'http://'
  }))

export const insecureEntry: fc.Arbitrary<Written> = fc
  .record({ scheme: fc.constantFrom('', 'http://', 'HTTPS://'), registry })
  .map(({ scheme, registry }) => ({ text: scheme + registry.text, key: registry.key }))

/** Joins entries the ways a list input may separate them: lines (LF or CRLF), blank lines, commas, tabs. */
export function listText(entries: string[], separators: string[]): string {
  return entries.map((entry, i) => `${i === 0 ? '' : separators[i % separators.length]}${entry}`).join('')
}
export const separators = fc.array(fc.constantFrom('\n', '\r\n', ',', ' , ', '\n\n\t', '\r\n \r\n'), {
  minLength: 1,
  maxLength: 4
})

export type Section = { mirrors?: string[]; http?: boolean; insecure?: boolean }

/** The registry model the README promises, written independently of src/model/registries.ts. */
export function intendedModel(mirrors: MirrorCase[], insecure: string[]): Map<string, Section> {
  const model = new Map<string, Section>()
  const section = (key: string): Section => model.get(key) ?? model.set(key, {}).get(key)!
  for (const mirror of mirrors) {
    const options = section(mirror.registry)
    options.mirrors = options.mirrors ?? []
    if (!options.mirrors.includes(mirror.location)) options.mirrors.push(mirror.location)
    if (mirror.plainHttp) section(mirror.hostKey).http = true
  }
  for (const key of insecure) Object.assign(section(key), { http: true, insecure: true })
  return model
}

export const registryEntries = (toml: string): [string, unknown][] => {
  const parsed = TOML.parse(toml) as { registry?: Record<string, unknown> }
  return Object.entries(parsed.registry ?? {})
}
