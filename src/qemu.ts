/** Which requested platforms need QEMU on this host, by the names binfmt_misc and qemu-user-static use. */

const NODE_TO_GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
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

export function hostGoArch(nodeArch: string): string {
  return NODE_TO_GOARCH[nodeArch] ?? nodeArch
}

/** qemu names (e.g. aarch64) of the non-native architectures among `platforms`, without duplicates. */
export function emulatedArchitectures(platforms: string[], hostArch: string): string[] {
  const native = NATIVE[hostArch] ?? [hostArch]
  const needed = platforms.map(platform => platform.split('/')[1]).filter(arch => !native.includes(arch))
  return [...new Set(needed.map(arch => QEMU_NAMES[arch] ?? arch))]
}

export type QemuMode = 'auto' | 'true' | 'false'
