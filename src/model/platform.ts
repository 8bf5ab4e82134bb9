/** Platforms: the os/arch[/variant] grammar, uname spellings, and which architectures a host runs natively. */

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

// Which requested platforms need QEMU on this host, by the names binfmt_misc and qemu-user-static use.

/** Node's process.arch → Go's GOARCH, the arch of platforms and (mostly) of buildx release files. */
const NODE_TO_GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  // Node on Linux/ppc64 is little-endian: there is no big-endian build of Node for Linux.
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64'
}

const QEMU_NAMES: Record<string, string> = {
  arm64: 'aarch64',
  arm: 'arm',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  mips64: 'mips64',
  loong64: 'loongarch64',
  amd64: 'x86_64',
  '386': 'i386'
}

/** Architectures a host runs without emulation (amd64 runs 386, arm64 usually runs 32-bit arm). */
const NATIVE: Record<string, string[]> = { amd64: ['amd64', '386'], arm64: ['arm64', 'arm'] }

/** The GOARCH of a Node arch; an arch missing from the table is passed on as Node names it. */
export function hostGoArch(nodeArch: string): string {
  return goArchOf(nodeArch) ?? nodeArch
}

/** The GOARCH of a Node arch, or undefined for one the table does not know. */
export function goArchOf(nodeArch: string): string | undefined {
  return Object.hasOwn(NODE_TO_GOARCH, nodeArch) ? NODE_TO_GOARCH[nodeArch] : undefined
}

/** qemu names (e.g. aarch64) of the non-native architectures among `platforms`, without duplicates. */
export function emulatedArchitectures(platforms: string[], hostArch: string): string[] {
  const native = NATIVE[hostArch] ?? [hostArch]
  const needed = platforms.map(platform => platform.split('/')[1]).filter(arch => !native.includes(arch))
  return [...new Set(needed.map(arch => QEMU_NAMES[arch] ?? arch))]
}

export type QemuMode = 'auto' | 'true' | 'false'

/**
 * One spelling per platform, as containerd compares them: arm64's default variant v8 and amd64's v1 are left
 * out, and plain arm means arm/v7.
 */
export function canonicalPlatform(platform: string): string {
  const [os, arch, variant] = platform.split('/')
  if (arch === 'arm64' && variant === 'v8') return `${os}/arm64`
  if (arch === 'amd64' && variant === 'v1') return `${os}/amd64`
  if (arch === 'arm' && variant === undefined) return `${os}/arm/v7`
  return platform
}

/** How the platforms of a merged index differ from the expected ones (each expected exactly once, none twice). */
export function indexPlatformProblems(
  expected: string[],
  found: string[]
): { missing: string[]; duplicated: string[] } {
  const counts = new Map<string, number>()
  for (const platform of found.map(canonicalPlatform)) counts.set(platform, (counts.get(platform) ?? 0) + 1)
  const missing = [...new Set(expected)].filter(platform => !counts.has(canonicalPlatform(platform)))
  const duplicated = [...counts].filter(([, count]) => count > 1).map(([platform]) => platform)
  return { missing, duplicated }
}
