/** Image reference and platform grammar, close to what the Docker CLI accepts. */
import { isIPv6Literal, isPort } from './hosts'

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[([0-9a-fA-F:]+)\\])(?::([0-9]+))?'
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

export function isImageReference(value: string): boolean {
  const match = value.length <= 255 + 128 + 80 ? REFERENCE.exec(value) : null
  if (!match) return false
  // The grammar takes any digits and hex; a registry that cannot exist fails here, not at push time.
  const [, ipv6, port] = match
  return (ipv6 === undefined || isIPv6Literal(ipv6)) && (port === undefined || isPort(port))
}

/** Components are short names (linux, arm64, v7); the bound keeps a pasted blob out of argv. */
const PLATFORM = /^[a-z0-9]{1,32}\/[a-z0-9_]{1,32}(?:\/[a-z0-9.]{1,32})?$/

/** os/arch[/variant] in the spelling registries use; uname spellings (x86_64, aarch64) get a suggestion instead. */
export function isPlatform(value: string): boolean {
  return PLATFORM.test(value) && !ARCH_ALIASES.has(value.split('/')[1])
}

const KNOWN_ARCHES = new Set([
  'amd64',
  'arm64',
  'arm',
  '386',
  'ppc64le',
  's390x',
  'riscv64',
  'mips64le',
  'loong64'
])
/** A Map, not an object: "constructor" or "__proto__" must not look like an alias. */
const ARCH_ALIASES = new Map([
  ['x86_64', 'amd64'],
  ['aarch64', 'arm64'],
  ['armhf', 'arm/v7'],
  ['i386', '386']
])

/** A suggestion for a platform written the way uname or Debian spell it. */
export function suggestPlatform(value: string): string | undefined {
  const lower = value.toLowerCase()
  if (KNOWN_ARCHES.has(lower)) return `linux/${lower}`
  if (ARCH_ALIASES.has(lower)) return `linux/${ARCH_ALIASES.get(lower)}`
  const [os, arch] = lower.split('/')
  if (os && arch && ARCH_ALIASES.has(arch)) return `${os}/${ARCH_ALIASES.get(arch)}`
  if (lower !== value && PLATFORM.test(lower)) return lower
  return undefined
}
