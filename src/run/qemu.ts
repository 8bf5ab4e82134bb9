import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { docker } from './docker'

const BINFMT = '/proc/sys/fs/binfmt_misc'
/** Where Debian/Ubuntu's qemu-user-static (and systemd-binfmt) keep their registration lines. */
const HOST_CONF_DIRS = ['/usr/lib/binfmt.d', '/etc/binfmt.d', '/run/binfmt.d']

export interface QemuResult {
  registered: string[]
  method: 'none needed' | 'host qemu-user-static' | 'binfmt image'
  alreadyRegistered: string[]
}

export function isRegistered(qemuName: string): boolean {
  try {
    return readFileSync(`${BINFMT}/qemu-${qemuName}`, 'utf8').startsWith('enabled')
  } catch {
    return false
  }
}

function hostRegistration(qemuName: string): string | undefined {
  for (const dir of HOST_CONF_DIRS) {
    const file = `${dir}/qemu-${qemuName}.conf`
    if (existsSync(file)) {
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find(l => l.startsWith(':'))
      const interpreter = line?.split(':')[6]
      if (line && interpreter && existsSync(interpreter)) return line
    }
  }
  return undefined
}

/**
 * Registers QEMU for the given architectures before the builder boots (BuildKit detects platforms once, at
 * start): with the host's qemu-user-static registration when it is installed, else with a binfmt installer
 * image run privileged through Docker.
 */
export async function registerQemu(
  qemuNames: string[],
  qemuImage: string,
  ensureImage: (image: string) => Promise<void>
): Promise<QemuResult> {
  const alreadyRegistered = qemuNames.filter(isRegistered)
  const missing = qemuNames.filter(name => !alreadyRegistered.includes(name))
  if (missing.length === 0) return { registered: [], method: 'none needed', alreadyRegistered }
  const fromHost = missing.map(name => ({ name, line: hostRegistration(name) }))
  if (fromHost.every(entry => entry.line) && existsSync(`${BINFMT}/register`)) {
    try {
      for (const { line } of fromHost) writeFileSync(`${BINFMT}/register`, line as string)
      if (missing.every(isRegistered))
        return { registered: missing, method: 'host qemu-user-static', alreadyRegistered }
    } catch {
      // Not root, or binfmt_misc read-only here: the privileged installer image can still do it.
    }
  }
  await ensureImage(qemuImage)
  const installed = await docker([
    'run',
    '--rm',
    '--privileged',
    '--',
    qemuImage,
    '--install',
    missing.join(',')
  ])
  const stillMissing = missing.filter(name => !isRegistered(name))
  if (installed.exitCode !== 0 || stillMissing.length > 0) {
    throw new Error(
      `QEMU emulation for ${stillMissing.join(', ') || missing.join(', ')} could not be registered with ${qemuImage}: ` +
        `${installed.stderr.trim().split('\n').at(-1) ?? ''}. Install qemu-user-static on the runner, or set "qemu-image".`
    )
  }
  return { registered: missing, method: 'binfmt image', alreadyRegistered }
}
