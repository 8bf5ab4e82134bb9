import type { RegistryLogin } from '../model/docker-config'
import { InputError } from '../model/input-error'
import { MAX_YAML_CHARS, parseYamlList } from './yaml-list'
import { parseHostPort } from '../model/hosts'
import { MIN_MASK_LENGTH } from '../model/credentials'

const INPUT = 'registry-auth'
const hint =
  'Write a YAML list, e.g.\n- registry: ghcr.io\n  username: ${{ github.actor }}\n  password-env: GHCR_TOKEN\n' +
  'with GHCR_TOKEN set in the step env (or password: with the value itself).'

/** A field's text: all values are text in the failsafe schema; a list or mapping is refused in validLogins. */
const field = (entry: Record<string, unknown>, key: string): string =>
  typeof entry[key] === 'string' ? entry[key] : ''

/** The password of an entry: `password`, or the step variable `password-env` names. */
function password(entry: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const name = field(entry, 'password-env').trim()
  return name === '' ? field(entry, 'password') : (env[name] ?? '')
}

/**
 * The logins of `registry-auth`, parsed once. Every form in which a password could be printed is given to
 * `mask` before anything can print it: first what a plain line scan finds (so a text the parser refuses, or
 * reads differently from how it is written, is covered too), then each parsed password and the base64 of
 * user:password that config.json and a Basic Authorization header hold, also for an entry then refused.
 * Messages name the entry, the line and the registry, never a username or password.
 */
export function readRegistryAuth(
  text: string,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void
): RegistryLogin[] {
  if (text.trim() === '') return []
  // A longer text is refused unread by parseYamlList, so the scan too stays within the bound.
  if (text.length <= MAX_YAML_CHARS) passwordLikeValues(text).forEach(mask)
  // Only a placeholder is shown: the text holds passwords. Values are read as written ("012" stays "012").
  const value = parseYamlList(INPUT, text, '(hidden)', 'registries', hint, { plain: true })
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue
    const node = entry as Record<string, unknown>
    const secret = password(node, env)
    if (secret === '') continue
    mask(secret)
    mask(Buffer.from(`${field(node, 'username').trim()}:${secret}`).toString('base64'))
  }
  return validLogins(value, env)
}

/** readRegistryAuth without masks, for callers that only need the logins. */
export function parseRegistryAuth(text: string, env: NodeJS.ProcessEnv): RegistryLogin[] {
  return readRegistryAuth(text, env, () => undefined)
}

function validLogins(value: unknown[], env: NodeJS.ProcessEnv): RegistryLogin[] {
  const seen = new Set<string>()
  return value.map((entry, index) => {
    const where = `entry ${index + 1}`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
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
    for (const key of ['registry', 'username', 'password', 'password-env']) {
      if (typeof node[key] === 'object' && node[key] !== null)
        throw new InputError(INPUT, '(hidden)', `${where}: ${key} is a list or mapping, not text`, hint)
    }
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
    // The runner would have to mask so short a value everywhere in the log; no registry takes one anyway.
    if (secret.trim().length < MIN_MASK_LENGTH)
      throw new InputError(
        INPUT,
        registry,
        `${where} has a password shorter than ${MIN_MASK_LENGTH} characters, too short to mask in the log`,
        hint
      )
    return { registry: normalRegistry(registry), username, password: secret }
  })
}

/** Keys whose values may be passwords, in any spelling a user may try; password-env only names a variable. */
const SECRET_KEY = /pass|pwd|secret|token/i
/** A key (at most 64 characters, so the scan stays linear) at a line start or after an indicator, then ":". */
const KEY = /(^|[\s{,[?-])(["']?)([\w.-]{1,64})\2[ \t]{0,16}:(?=\s|$)/g

/**
 * Every value a line scan finds after a password-like key, in the forms it may take once read: as written,
 * without quotes, without a YAML indicator (*, &, !, |, >), without a trailing comment or flow punctuation.
 * The lines indented under such a key (a block scalar, a value that spans lines) are taken too. Nothing here
 * parses, so it covers a text the parser refuses or reads differently from how it is written.
 */
export function passwordLikeValues(text: string): string[] {
  const found = new Set<string>()
  const add = (raw: string) => valueForms(raw).forEach(form => found.add(form))
  let under: number | undefined
  for (const line of text.split(/\r\n|\r|\n/)) {
    const indent = line.length - line.trimStart().length
    if (under !== undefined && line.trim() !== '' && indent > under) {
      add(line)
      continue
    }
    under = undefined
    for (const match of line.matchAll(KEY)) {
      const key = match[3]
      if (!SECRET_KEY.test(key) || key.toLowerCase() === 'password-env') continue
      // The first such key's value runs to the line end and holds any later one: the masks stay linear in size.
      add(line.slice(match.index + match[0].length))
      under = match.index + match[1].length
      break
    }
  }
  return [...found].filter(form => form.length >= MIN_MASK_LENGTH)
}

function valueForms(raw: string): string[] {
  const value = raw.trim()
  const cuts = [value, value.replace(/\s#.*$/, ''), value.split(/[,}\]]/)[0]]
  return cuts.flatMap(cut => {
    const bare = cut.trim()
    const unquoted = bare.replace(/^(["'])(.*)\1$/, '$2').replace(/^["']/, '')
    const noIndicator = unquoted.replace(/^[*&!|>][-+0-9]*\s*/, '')
    return [bare, unquoted, unquoted.replace(/''/g, "'"), noIndicator].map(form => form.trim())
  })
}

/** Docker Hub's other names are one registry: docker.io. */
function normalRegistry(registry: string): string {
  return ['index.docker.io', 'registry-1.docker.io'].includes(registry) ? 'docker.io' : registry
}
