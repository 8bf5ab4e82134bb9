import { bareVersion, buildxDownloadUrl as expandDownloadUrl } from '../model/buildx-release'
import { driverOptFields } from '../model/driver-opts'
import { isImageReference } from '../model/image-ref'
import { InputError } from '../model/input-error'
import { isBuilderName } from '../model/names'
import { QemuMode } from '../model/platform'
import { BuilderInputs, parseBuilderInputs } from './build-options'
import { BooleanInput, INPUT_DEFAULTS } from './input-table'
import { oneOf, parseBoolean, readList, singleValue } from './lists'
import { parseWarmInputs, WarmInputs } from './warm'
import type { InputSource } from './input-source'

/** The builder: its name and image, driver options and flags, QEMU, buildx, an existing or warm builder. */
export interface BuilderSetupInputs {
  builderName: string
  buildkitImage: string
  driverOpts: string[]
  buildkitdFlags: string
  cleanup: boolean
  qemu: QemuMode
  qemuImage: string
  buildxVersion: string
  buildxDownloadUrl: string
  /** buildx-skip-verification: run a downloaded or cached buildx that checksums.txt cannot vouch for. */
  buildxSkipVerification: boolean
  builderOptions: BuilderInputs
  warm: WarmInputs
  warnings: string[]
}

export function parseBuilderSetupInputs(source: InputSource): BuilderSetupInputs {
  const get = (name: string): string => source.get(name).trim()
  const bool = (name: BooleanInput): boolean => parseBoolean(name, get(name), INPUT_DEFAULTS[name])
  const warnings: string[] = []
  const builderOptions = parseBuilderInputs(source.get)
  const warm = parseWarmInputs({
    enabled: bool('warm-builder'),
    idle: get('warm-builder-idle'),
    cacheSize: get('warm-builder-cache'),
    existingBuilder: builderOptions.existingBuilder
  })
  if (warm.enabled && get('builder-name') !== '')
    warnings.push('warm-builder names the builder after its config, so builder-name is not used.')
  const builderName = get('builder-name') || source.defaultBuilderName
  if (!isBuilderName(builderName)) {
    throw new InputError(
      'builder-name',
      builderName,
      'not a valid builder name',
      'Use letters, digits, ".", "_" and "-" (at most 63 characters), starting with a letter or digit.'
    )
  }
  return {
    builderName,
    buildkitImage: imageInput('buildkit-image', get('buildkit-image') || INPUT_DEFAULTS['buildkit-image']),
    driverOpts: readList('driver-opts', source.get('driver-opts')).map(entry => parseDriverOpt(entry)),
    buildkitdFlags: singleValue('buildkitd-flags', get('buildkitd-flags')),
    cleanup: bool('cleanup'),
    qemu: oneOf('qemu', get('qemu'), ['auto', 'true', 'false'] as const, INPUT_DEFAULTS.qemu),
    qemuImage: imageInput('qemu-image', get('qemu-image') || INPUT_DEFAULTS['qemu-image']),
    ...readBuildxDownload(
      get('buildx-version'),
      get('buildx-download-url'),
      bool('buildx-skip-verification')
    ),
    builderOptions,
    warm,
    warnings
  }
}

/** Options of buildx's docker-container driver; anything else fails `buildx create`, so it is refused first. */
const DRIVER_OPTS = new Set([
  'image',
  'network',
  'memory',
  'memory-swap',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpuset-cpus',
  'cpuset-mems',
  'cgroup-parent',
  'restart-policy',
  'default-load',
  'provenance-add-gha',
  'allow-untrusted-image'
])

/** One driver-opts line: buildx reads it as CSV, so each field must be a known KEY=VALUE. */
export function parseDriverOpt(entry: string, input = 'driver-opts'): string {
  const hint =
    'Write one KEY=VALUE per line, e.g. "memory=4g" or "env.NAME=value"; quote a value holding commas: "env.NO_PROXY=a,b".'
  for (const { key, value } of driverOptFields(entry)) {
    if (!DRIVER_OPTS.has(key) && !/^env\.[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError(
        input,
        entry,
        key !== '' ? `"${key}" is not an option of the docker-container driver` : 'not of the form KEY=VALUE',
        hint
      )
    }
    if (key === 'image') imageInput(input, value.trim())
  }
  return entry
}

/** The version and URL template are checked now, so a typo fails before anything runs, not mid-download. */
function readBuildxDownload(
  version: string,
  template: string,
  buildxSkipVerification: boolean
): { buildxVersion: string; buildxDownloadUrl: string; buildxSkipVerification: boolean } {
  const buildxVersion = version || INPUT_DEFAULTS['buildx-version']
  try {
    bareVersion(buildxVersion)
  } catch {
    throw new InputError(
      'buildx-version',
      buildxVersion,
      'not a version',
      'Use a buildx release such as "v0.37.2".'
    )
  }
  const buildxDownloadUrl = template || INPUT_DEFAULTS['buildx-download-url']
  expandDownloadUrl(buildxDownloadUrl, buildxVersion, 'linux', 'x64')
  return { buildxVersion, buildxDownloadUrl, buildxSkipVerification }
}

function imageInput(input: string, value: string): string {
  if (isImageReference(value)) return value
  throw new InputError(
    input,
    value,
    'not a valid image reference',
    'Use e.g. "moby/buildkit:buildx-stable-1" or a copy in your own registry.'
  )
}
