import * as tc from '@actions/tool-cache'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  constants as fsConstants,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync
} from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import {
  bareVersion,
  buildxDownloadUrl,
  checksumUrl,
  credentialTransportProblem,
  DEFAULT_BUILDX_DOWNLOAD_URL,
  downloadFileName,
  findChecksum,
  splitUserInfo
} from '../../model/buildx-release'
import { maskUserInfo } from '../../model/credentials'
import { dockerConfigDir } from '../docker/config-files'

/** Where messages go; @actions/core itself fits. */
export interface Log {
  info(message: string): void
  warning(message: string): void
}

export interface InstallOptions {
  /** x.y.z, with or without a leading v. */
  version: string
  /** Download URL template (see buildxDownloadUrl); empty means the GitHub release. */
  urlTemplate?: string
  log: Log
  /**
   * Proxy variables for the downloads, e.g. from the action's proxy inputs. @actions/tool-cache (through
   * @actions/http-client) only reads the process environment: https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY
   * and no_proxy/NO_PROXY (host suffixes only, no CIDRs; loopback hosts always bypass the proxy).
   */
  proxyEnv?: Record<string, string>
  /**
   * The buildx-skip-verification input: run a buildx that checksums.txt cannot vouch for (none published,
   * the file not listed, the list unreachable), with a warning each time. One the list contradicts never runs.
   */
  skipVerification?: boolean
}

export interface InstalledBuildx {
  /** Directory that holds docker-buildx (docker-buildx.exe on Windows). */
  path: string
  source: 'tool-cache' | 'downloaded'
}

const TOOL = 'docker-buildx'
const DOWNLOAD_URL_INPUT = 'buildx-download-url'
const SKIP_INPUT = 'buildx-skip-verification'
/** buildx's own checksums.txt is a few KB; a list this large is not one, and is not read into memory. */
const MAX_CHECKSUMS_BYTES = 1024 * 1024

export function pluginFileName(platform: string = process.platform): string {
  return platform === 'win32' ? `${TOOL}.exe` : TOOL
}

/**
 * Finds buildx `version` in the runner's tool cache, or downloads and caches it. Either way the binary is
 * checked against the checksums.txt published beside the download URL before it is used: a persistent tool
 * cache (self-hosted runners) may hold a file that an earlier job put there.
 */
export async function installBuildx(options: InstallOptions): Promise<InstalledBuildx> {
  const { log } = options
  const version = bareVersion(options.version)
  const fileName = pluginFileName()
  const template = options.urlTemplate?.trim() || DEFAULT_BUILDX_DOWNLOAD_URL
  // A password in the URL goes as a header (the URL is logged), and only where no one can read it on the way.
  const { url, authorization } = splitUserInfo(
    buildxDownloadUrl(template, version, process.platform, process.arch)
  )
  const problem = authorization === undefined ? undefined : credentialTransportProblem(url, process.env)
  if (problem !== undefined) throw new Error(problem)
  const source: Source = { url, authorization }
  const skip = options.skipVerification === true
  return withEnv(options.proxyEnv ?? {}, async () => {
    const cached = tc.find(TOOL, version)
    if (cached !== '' && lexists(join(cached, fileName))) {
      await verifyCached(cached, join(cached, fileName), source, skip, log)
      log.info(`Using buildx ${version} from the tool cache: ${cached}`)
      return { path: cached, source: 'tool-cache' }
    }
    const file = await downloadVerified(source, skip, log)
    try {
      chmodSync(file, 0o755)
      const dir = await tc.cacheFile(file, fileName, TOOL, version)
      chmodSync(join(dir, fileName), 0o755)
      log.info(`Cached buildx ${version} in ${dir}`)
      return { path: dir, source: 'downloaded' }
    } finally {
      rmSync(file, { force: true })
    }
  })
}

/** A download URL without user info, and the Authorization header that carries it, if it had one. */
interface Source {
  url: string
  authorization?: string
}

/** Downloads url into RUNNER_TEMP and checks it against checksums.txt beside it; returns the file. */
async function downloadVerified(source: Source, skip: boolean, log: Log): Promise<string> {
  const { url, authorization } = source
  const shown = maskUserInfo(url)
  log.info(`Downloading buildx from ${shown}`)
  let file: string
  try {
    file = await tc.downloadTool(url, undefined, authorization)
  } catch (error) {
    throw new Error(`Downloading buildx from ${shown} failed: ${messageOf(error)}`)
  }
  try {
    const sumsUrl = checksumUrl(url)
    const expected = await publishedChecksum(sumsUrl, downloadFileName(url), authorization)
    if (typeof expected !== 'string') {
      unverified(`the buildx downloaded from ${shown}`, expected, skip, log)
      return file
    }
    const actual = await sha256File(file)
    if (actual !== expected) {
      throw new Error(
        `Checksum mismatch for ${shown}: ${maskUserInfo(sumsUrl)} lists sha256 ${expected}, ` +
          `the downloaded file has sha256 ${actual}. ` +
          `Check "${DOWNLOAD_URL_INPUT}" (a mirror may serve another file).`
      )
    }
    log.info(`sha256 ${actual} matches ${maskUserInfo(sumsUrl)}`)
    return file
  } catch (error) {
    rmSync(file, { force: true })
    throw error
  }
}

/**
 * Checks a tool cache hit against checksums.txt, fetched again from where the binary would be downloaded
 * (one small request). tc.find only checks that a directory and its .complete marker exist, so whatever is
 * in there is untrusted until it matches. A copy that cannot be right is removed (only that entry, inside the
 * tool cache's docker-buildx folder) so the next run downloads afresh, and the step fails.
 */
async function verifyCached(
  entry: string,
  file: string,
  source: Source,
  skip: boolean,
  log: Log
): Promise<void> {
  const { url, authorization } = source
  const shape = entryProblem(entry, file)
  if (shape !== undefined) {
    throw new Error(
      `The tool cache copy at ${file} is refused: ${shape}. This action caches a plain file, so something ` +
        `else put this there. ${removeEntry(entry)}`
    )
  }
  const sumsUrl = checksumUrl(url)
  const expected = await publishedChecksum(sumsUrl, downloadFileName(url), authorization)
  if (typeof expected !== 'string') {
    unverified(`the tool cache copy at ${file}`, expected, skip, log)
    return
  }
  const actual = await sha256File(file, true)
  if (actual !== expected) {
    throw new Error(
      `The tool cache copy at ${file} does not match ${maskUserInfo(sumsUrl)}: that lists sha256 ${expected} ` +
        `for ${downloadFileName(url)}, the copy has sha256 ${actual}. Something changed the tool cache, or ` +
        `the source now publishes another build. ${removeEntry(entry)}`
    )
  }
  log.info(`sha256 ${actual} of ${file} matches ${maskUserInfo(sumsUrl)}`)
}

/** Why the tool cache entry is not what tc.cacheFile makes (real directories, a regular file), if it is not. */
function entryProblem(entry: string, file: string): string | undefined {
  for (const dir of [dirname(dirname(entry)), dirname(entry), entry]) {
    const stats = lstatSync(dir, { throwIfNoEntry: false })
    if (stats?.isSymbolicLink()) return `${dir} is a symbolic link`
    if (!stats?.isDirectory()) return `${dir} is not a directory`
  }
  const stats = lstatSync(file, { throwIfNoEntry: false })
  if (stats?.isSymbolicLink()) return 'it is a symbolic link'
  if (!stats?.isFile()) return 'it is not a regular file'
  return undefined
}

/**
 * Removes a refused <tool cache>/docker-buildx/<version>/<arch> entry and its marker. Nothing is removed
 * unless both folders above it are real directories: through a symlinked one, "inside the tool cache" could
 * be anywhere. rmSync unlinks symlinks, in the entry or the entry itself, and never follows them.
 */
function removeEntry(entry: string): string {
  const versionDir = dirname(entry)
  const toolDir = dirname(versionDir)
  const realDir = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true
  if (basename(toolDir) !== TOOL || !realDir(toolDir) || !realDir(versionDir)) {
    return `Left in place: remove ${entry} and ${entry}.complete yourself.`
  }
  try {
    rmSync(`${entry}.complete`, { force: true })
    rmSync(entry, { recursive: true, force: true })
  } catch (error) {
    return `Removing it failed (${messageOf(error)}): remove ${entry} and ${entry}.complete yourself.`
  }
  return 'It was removed from the tool cache: the next run downloads buildx again.'
}

/** What checksums.txt cannot tell: why, and what the publisher of the download should do. */
interface Unverifiable {
  reason: string
  fix: string
}

/** Fails the step, or with buildx-skip-verification warns that an unverified buildx is about to run. */
function unverified(what: string, problem: Unverifiable, skip: boolean, log: Log): void {
  if (!skip) {
    throw new Error(`Input "${DOWNLOAD_URL_INPUT}": cannot verify ${what}: ${problem.reason}. ${problem.fix}`)
  }
  log.warning(
    `${SKIP_INPUT} is true: running ${what} UNVERIFIED, because ${problem.reason}. Whoever can change that ` +
      `file or its download controls your builds and their secrets. ${problem.fix} Then remove ${SKIP_INPUT}.`
  )
}

/** The sha256 that checksums.txt lists for fileName, or why there is none to check against. */
async function publishedChecksum(
  sumsUrl: string,
  fileName: string,
  authorization: string | undefined
): Promise<string | Unverifiable> {
  const shown = maskUserInfo(sumsUrl)
  const fix = `Publish checksums.txt (sha256sum output that lists ${fileName}) beside the binary, as buildx releases do.`
  let text: string
  try {
    const file = await tc.downloadTool(sumsUrl, undefined, authorization)
    try {
      if (statSync(file).size > MAX_CHECKSUMS_BYTES) {
        return { reason: `${shown} is larger than ${MAX_CHECKSUMS_BYTES} bytes`, fix }
      }
      text = readFileSync(file, 'utf8')
    } finally {
      rmSync(file, { force: true })
    }
  } catch (error) {
    if ((error as { httpStatusCode?: number }).httpStatusCode === 404) {
      return { reason: `there is no checksums.txt at ${shown} (HTTP 404)`, fix }
    }
    return {
      reason: `downloading ${shown} failed (${messageOf(error)})`,
      fix: 'Make it reachable from the runner (the proxy inputs apply to it), or publish it there if it is not.'
    }
  }
  return findChecksum(text, fileName) ?? { reason: `${shown} does not list ${fileName}`, fix }
}

function lexists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined
}

/** noFollow: refuse a symlink swapped in after the lstat check, where the platform can (O_NOFOLLOW). */
async function sha256File(path: string, noFollow = false): Promise<string> {
  const handle = await open(path, noFollow ? fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) : 'r')
  const hash = createHash('sha256')
  // The stream closes the handle when it ends or fails; it ends at the end of the file.
  for await (const chunk of handle.createReadStream()) hash.update(chunk)
  return hash.digest('hex')
}

/** Runs fn with extra process environment variables, restored afterwards (tool-cache reads no other). */
async function withEnv<T>(extra: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.keys(extra).map(name => [name, process.env[name]] as const)
  Object.assign(process.env, extra)
  try {
    return await fn()
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export interface PluginLink {
  /** Environment to add to docker commands: none, as docker finds the link in its default place. */
  env: Record<string, string>
  /** $DOCKER_CONFIG/cli-plugins/docker-buildx, a symlink to the cached buildx. */
  pluginPath: string
  /** False when the link was already there and pointed at this buildx. */
  changed: boolean
}

export { dockerConfigDir }

/**
 * Makes `docker buildx` run the buildx in dir. docker looks for plugins in $DOCKER_CONFIG/cli-plugins
 * before the system directories (/usr/libexec/docker/cli-plugins, ...), so a symlink there shadows an old
 * system buildx without touching it, and DOCKER_CONFIG stays the user's (with their registry logins and
 * builders). Only a missing entry or a symlink into the tool cache's docker-buildx (left by an earlier
 * run) is replaced; anything else there is the user's own plugin, which docker prefers and this does not
 * overwrite, so that is an error saying what to do. Plugin directories listed in config.json's
 * cliPluginsExtraDirs are searched even earlier: the caller should check `docker buildx version` again.
 */
export function useBuildxPlugin(dir: string, env: NodeJS.ProcessEnv = process.env): PluginLink {
  const fileName = pluginFileName()
  const target = resolve(dir, fileName)
  const pluginPath = join(dockerConfigDir(env), 'cli-plugins', fileName)
  const current = symlinkTarget(pluginPath)
  if (current === target) return { env: {}, pluginPath, changed: false }
  if (current === null || (current !== undefined && !isToolCacheBuildx(current, target))) {
    throw new Error(
      `${pluginPath} holds a buildx plugin that this action did not install, and docker prefers it to the ` +
        `downloaded one. Update or remove it, or link it to the buildx this action installed: ` +
        `ln -sf ${target} ${pluginPath}`
    )
  }
  mkdirSync(dirname(pluginPath), { recursive: true })
  // A new link renamed over the old one, so a concurrent docker call never sees no plugin at all.
  const temporary = `${pluginPath}.${process.pid}.tmp`
  rmSync(temporary, { force: true })
  symlinkSync(target, temporary, 'file')
  renameSync(temporary, pluginPath)
  return { env: {}, pluginPath, changed: true }
}

/** Undoes useBuildxPlugin (e.g. in post, on self-hosted runners): removes the link if it points to dir. */
export function removeBuildxPlugin(pluginPath: string, dir: string): boolean {
  if (symlinkTarget(pluginPath) !== resolve(dir, pluginFileName())) return false
  rmSync(pluginPath, { force: true })
  return true
}

/** undefined: nothing there; null: something that is not a symlink; else the absolute link target. */
function symlinkTarget(path: string): string | undefined | null {
  let isLink: boolean
  try {
    isLink = lstatSync(path).isSymbolicLink()
  } catch {
    return undefined
  }
  return isLink ? resolve(dirname(path), readlinkSync(path)) : null
}

/** A link into <tool cache>/docker-buildx/ (any version) was made by this action. */
function isToolCacheBuildx(linkTarget: string, ourTarget: string): boolean {
  // ourTarget is <tool cache>/docker-buildx/<version>/<arch>/docker-buildx.
  const toolRoot = dirname(dirname(dirname(ourTarget)))
  return linkTarget.startsWith(toolRoot + sep)
}
