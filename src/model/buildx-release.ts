import { compareVersions, releaseDownloadUrl, ReleaseTool, VERSION } from './release-tool'

export {
  bareVersion,
  compareVersions,
  checksumUrl,
  credentialTransportProblem,
  downloadFileName,
  findChecksum,
  MAX_DOWNLOAD_URL_LENGTH,
  splitUserInfo
} from './release-tool'

/** First buildx with `buildx create --buildkitd-config` (earlier releases only had `--config`). */
export const MIN_BUILDX_VERSION = '0.13.0'

/** The buildx downloaded when the runner's is missing or older than MIN_BUILDX_VERSION. */
export const PINNED_BUILDX_VERSION = '0.37.2'

export const DEFAULT_BUILDX_DOWNLOAD_URL =
  'https://github.com/docker/buildx/releases/download/{version}/buildx-{version}.{os}-{arch}{ext}'

/**
 * The x.y.z of `docker buildx version` output ("github.com/docker/buildx v0.37.2 2ef9..." or
 * "github.com/docker/buildx 0.12.1+azure-1 ..."). A build without version information prints
 * `v0.0.0+unknown`: that is "unknown", not "older than everything", so it is undefined, as is output
 * without a version (e.g. "'buildx' is not a docker command").
 */
export function parseBuildxVersion(output: string): string | undefined {
  for (const line of output.split(/\r?\n/)) {
    if (!/buildx/i.test(line)) continue
    for (const word of line.trim().split(/\s+/)) {
      const match = VERSION.exec(word)
      if (!match) continue
      const version = match.slice(1, 4).join('.')
      return version === '0.0.0' ? undefined : version
    }
  }
  return undefined
}

/**
 * Whether to download buildx, given `docker buildx version` output (undefined when the command failed).
 * An unreadable version counts as too old: the pinned buildx is known to work, a guess is not.
 */
export function needsBuildx(installedOutput: string | undefined): boolean {
  if (installedOutput === undefined) return true
  const version = parseBuildxVersion(installedOutput)
  return version === undefined || compareVersions(version, MIN_BUILDX_VERSION) < 0
}

/** buildx's releases: file names use the GOARCH, except 32-bit ARM, which Node reports as "arm" (v7 is what runners have). */
export const BUILDX_RELEASE: ReleaseTool = {
  name: 'buildx',
  cacheName: 'docker-buildx',
  downloadInput: 'buildx-download-url',
  skipInput: 'buildx-skip-verification',
  defaultUrl: DEFAULT_BUILDX_DOWNLOAD_URL,
  checksumsFile: 'checksums.txt',
  goArches: new Set(['amd64', 'arm64', 'arm', 'ppc64le', 's390x', 'riscv64']),
  fileArch: { arm: 'arm-v7' }
}

/** The buildx download URL for this template, version and runner (see releaseDownloadUrl). */
export function buildxDownloadUrl(template: string, version: string, platform: string, arch: string): string {
  return releaseDownloadUrl(BUILDX_RELEASE, template, version, platform, arch)
}
