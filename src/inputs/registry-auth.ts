import { parse } from 'yaml'
import { InputError } from './input-error'
import { parseYamlList } from './yaml-list'
import { parseHostPort } from '../model/hosts'

/** One registry this step logs in to, from the `registry-auth` input. */
export interface RegistryLogin {
  /** host[:port] as written in image references (docker.io for Docker Hub). */
  registry: string
  username: string
  password: string
}

const INPUT = 'registry-auth'
const hint =
  'Write a YAML list, e.g.\n- registry: ghcr.io\n  username: ${{ github.actor }}\n  password-env: GHCR_TOKEN\n' +
  'with GHCR_TOKEN set in the step env (or password: with the value itself).'

/** The entries as written, or undefined when the text is not a YAML list of mappings (nothing to mask then). */
function entries(text: string): Record<string, unknown>[] | undefined {
  let value: unknown
  try {
    value = parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(value)) return undefined
  return value.filter(
    (entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null
  )
}

const field = (entry: Record<string, unknown>, key: string): string =>
  entry[key] === undefined || entry[key] === null ? '' : String(entry[key])

/** The password of an entry: `password`, or the step variable `password-env` names. */
function password(entry: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const name = field(entry, 'password-env').trim()
  return name === '' ? field(entry, 'password') : (env[name] ?? '')
}

/**
 * Every form in which a login could be printed: each password, and the base64 of user:password that
 * config.json and a Basic Authorization header hold. Registered with the runner before anything logs.
 */
export function registryAuthSecrets(text: string, env: NodeJS.ProcessEnv): string[] {
  if (text.trim() === '') return []
  return (entries(text) ?? []).flatMap(entry => {
    const secret = password(entry, env)
    if (secret === '') return []
    return [secret, Buffer.from(`${field(entry, 'username').trim()}:${secret}`).toString('base64')]
  })
}

/** The logins of `registry-auth`. Messages name the entry and the registry, never a username or password. */
export function parseRegistryAuth(text: string, env: NodeJS.ProcessEnv): RegistryLogin[] {
  if (text.trim() === '') return []
  // Only a placeholder is shown: the text holds passwords.
  const value = parseYamlList(INPUT, text, '(hidden)', 'registries', hint)
  const seen = new Set<string>()
  return value.map((entry, index) => {
    const where = `entry ${index + 1}`
    if (typeof entry !== 'object' || entry === null)
      throw new InputError(INPUT, '(hidden)', `${where} is not a mapping`, hint)
    const node = entry as Record<string, unknown>
    const unknown = Object.keys(node).filter(
      key => !['registry', 'username', 'password', 'password-env'].includes(key)
    )
    if (unknown.length > 0)
      throw new InputError(
        INPUT,
        unknown[0],
        `${where} has a key other than registry, username, password, password-env`,
        hint
      )
    const registry = field(node, 'registry').trim().toLowerCase()
    // The host grammar every registry input shares (model/hosts.ts).
    if (!parseHostPort(registry))
      throw new InputError(
        INPUT,
        registry,
        `${where} needs a registry as host[:port] (no scheme, no path)`,
        hint
      )
    if (seen.has(normalRegistry(registry)))
      throw new InputError(INPUT, registry, `${where} names a registry already listed`, hint)
    seen.add(normalRegistry(registry))
    const username = field(node, 'username').trim()
    if (username === '') throw new InputError(INPUT, registry, `${where} has no username`, hint)
    if (node.password !== undefined && node['password-env'] !== undefined)
      throw new InputError(INPUT, registry, `${where} has both password and password-env`, hint)
    const envName = field(node, 'password-env').trim()
    if (envName !== '' && !(envName in env))
      throw new InputError(INPUT, registry, `${where}: the step has no variable ${envName}`, hint)
    const secret = password(node, env)
    if (secret === '') throw new InputError(INPUT, registry, `${where} has an empty password`, hint)
    return { registry: normalRegistry(registry), username, password: secret }
  })
}

/** Docker Hub's other names are one registry: docker.io. */
function normalRegistry(registry: string): string {
  return ['index.docker.io', 'registry-1.docker.io'].includes(registry) ? 'docker.io' : registry
}
