import type { QemuFact } from '../../model/facts'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as log from '../runner/log'
import { Inputs } from '../../inputs/parse'
import type { RegistryModel } from '../../model/registries'
import { emulatedArchitectures, hostGoArch } from '../../model/platform'
import { docker } from '../docker/docker'
import { obtainImage } from './image'

const BINFMT = '/proc/sys/fs/binfmt_misc'
/** Where Debian/Ubuntu's qemu-user-static (and systemd-binfmt) keep their registration lines. */
const HOST_CONF_DIRS = ['/usr/lib/binfmt.d', '/etc/binfmt.d', '/run/binfmt.d']

/** Registers QEMU for non-native platforms before the builder boots; a binfmt image comes through the plan's mirrors. */
export async function setupQemu(inputs: Inputs, registries: RegistryModel): Promise<QemuFact> {
  if (inputs.qemu === 'false') return { kind: 'left-alone' }
  const needed = emulatedArchitectures(inputs.platforms, hostGoArch(process.arch))
  if (needed.length === 0) return { kind: 'not-needed' }
  try {
    const fact = await registerQemu(needed, inputs.qemuImage, image =>
      obtainImage(image, registries).then(() => undefined)
    )
    return fact
  } catch (error) {
    if (inputs.qemu === 'true') throw error
    log.warning(`${(error as Error).message} (qemu: auto goes on without it.)`)
    return { kind: 'not-registered', arches: needed }
  }
}

/**
 * Whether setting up QEMU for these inputs may pull the binfmt image: an emulated architecture is not registered
 * and the host's qemu-user-static cannot register it. A builder that boots before the preflight has spoken must
 * not pull, since the preflight may yet drop a mirror it would try.
 */
export function qemuMayPull(inputs: Inputs): boolean {
  if (inputs.qemu === 'false') return false
  const missing = emulatedArchitectures(inputs.platforms, hostGoArch(process.arch)).filter(
    name => !isRegistered(name)
  )
  return missing.length > 0 && !hostCanRegister(missing)
}

function hostCanRegister(missing: string[]): boolean {
  return missing.every(name => hostRegistration(name) !== undefined) && existsSync(`${BINFMT}/register`)
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
): Promise<Extract<QemuFact, { kind: 'registered' | 'already-registered' }>> {
  const alreadyRegistered = qemuNames.filter(isRegistered)
  const missing = qemuNames.filter(name => !alreadyRegistered.includes(name))
  if (missing.length === 0) return { kind: 'already-registered', arches: alreadyRegistered }
  if (hostCanRegister(missing)) {
    try {
      for (const name of missing) writeFileSync(`${BINFMT}/register`, hostRegistration(name) as string)
      if (missing.every(isRegistered))
        return { kind: 'registered', arches: missing, method: 'host qemu-user-static' }
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
  return { kind: 'registered', arches: missing, method: 'binfmt image' }
}
