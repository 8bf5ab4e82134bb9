/** Image reference and platform grammar, close to what the Docker CLI accepts. */

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?'
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

export function isImageReference(value: string): boolean {
  return value.length <= 255 + 128 + 80 && REFERENCE.test(value)
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9.]+)?$/

/** os/arch[/variant] in the spelling registries use; uname spellings (x86_64, aarch64) get a suggestion instead. */
export function isPlatform(value: string): boolean {
  return PLATFORM.test(value) && !(value.split('/')[1] in ARCH_ALIASES)
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
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  armhf: 'arm/v7',
  i386: '386'
}

/** A suggestion for a platform written the way uname or Debian spell it. */
export function suggestPlatform(value: string): string | undefined {
  const lower = value.toLowerCase()
  if (KNOWN_ARCHES.has(lower)) return `linux/${lower}`
  if (ARCH_ALIASES[lower]) return `linux/${ARCH_ALIASES[lower]}`
  const [os, arch] = lower.split('/')
  if (os && arch && ARCH_ALIASES[arch]) return `${os}/${ARCH_ALIASES[arch]}`
  if (lower !== value && PLATFORM.test(lower)) return lower
  return undefined
}
