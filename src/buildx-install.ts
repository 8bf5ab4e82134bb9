import * as tc from '@actions/tool-cache'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync
} from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve, sep } from 'node:path'
import {
  bareVersion,
  buildxDownloadUrl,
  checksumUrl,
  DEFAULT_BUILDX_DOWNLOAD_URL,
  downloadFileName,
  findChecksum
} from './buildx-version'
import { maskUserInfo } from './errors'

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
}

export interface InstalledBuildx {
  /** Directory that holds docker-buildx (docker-buildx.exe on Windows). */
  path: string
  source: 'tool-cache' | 'downloaded'
}

const TOOL = 'docker-buildx'

export function pluginFileName(platform: string = process.platform): string {
  return platform === 'win32' ? `${TOOL}.exe` : TOOL
}

/** Finds buildx `version` in the runner's tool cache, or downloads, verifies and caches it. */
export async function installBuildx(options: InstallOptions): Promise<InstalledBuildx> {
  const { log } = options
  const version = bareVersion(options.version)
  const fileName = pluginFileName()
  const cached = tc.find(TOOL, version)
  if (cached !== '' && existsSync(join(cached, fileName))) {
    log.info(`Using buildx ${version} from the tool cache: ${cached}`)
    return { path: cached, source: 'tool-cache' }
  }
  const template = options.urlTemplate?.trim() || DEFAULT_BUILDX_DOWNLOAD_URL
  const url = buildxDownloadUrl(template, version, process.platform, process.arch)
  const file = await withEnv(options.proxyEnv ?? {}, () => downloadVerified(url, log))
  try {
    chmodSync(file, 0o755)
    const dir = await tc.cacheFile(file, fileName, TOOL, version)
    chmodSync(join(dir, fileName), 0o755)
    log.info(`Cached buildx ${version} in ${dir}`)
    return { path: dir, source: 'downloaded' }
  } finally {
    rmSync(file, { force: true })
  }
}

/** Downloads url into RUNNER_TEMP and checks it against checksums.txt beside it; returns the file. */
async function downloadVerified(url: string, log: Log): Promise<string> {
  const shown = maskUserInfo(url)
  log.info(`Downloading buildx from ${shown}`)
  let file: string
  try {
    file = await tc.downloadTool(url)
  } catch (error) {
    throw new Error(`Downloading buildx from ${shown} failed: ${messageOf(error)}`)
  }
  try {
    const sumsUrl = checksumUrl(url)
    const expected = await publishedChecksum(sumsUrl, downloadFileName(url), log)
    if (expected !== undefined) {
      const actual = await sha256File(file)
      if (actual !== expected) {
        throw new Error(
          `Checksum mismatch for ${shown}: ${maskUserInfo(sumsUrl)} lists sha256 ${expected}, ` +
            `the downloaded file has sha256 ${actual}. ` +
            'Check "buildx-download-url" (a mirror may serve another file).'
        )
      }
      log.info(`sha256 ${actual} matches ${maskUserInfo(sumsUrl)}`)
    }
    return file
  } catch (error) {
    rmSync(file, { force: true })
    throw error
  }
}

/**
 * The sha256 that checksums.txt lists for fileName. A 404 means the source publishes no checksums (a plain
 * mirror, say) and a file missing from the list is how buildx releases leave some platforms out: both are
 * warned about and the download is used unverified. Any other failure to fetch the list is an error.
 */
async function publishedChecksum(sumsUrl: string, fileName: string, log: Log): Promise<string | undefined> {
  const shown = maskUserInfo(sumsUrl)
  let text: string
  try {
    const file = await tc.downloadTool(sumsUrl)
    try {
      text = readFileSync(file, 'utf8')
    } finally {
      rmSync(file, { force: true })
    }
  } catch (error) {
    if ((error as { httpStatusCode?: number }).httpStatusCode === 404) {
      log.warning(`No checksums published at ${shown} (HTTP 404): the buildx download is not verified.`)
      return undefined
    }
    throw new Error(`Downloading ${shown} to verify buildx failed: ${messageOf(error)}`)
  }
  const expected = findChecksum(text, fileName)
  if (expected === undefined) {
    log.warning(`${shown} lists no sha256 for ${fileName}: the buildx download is not verified.`)
  }
  return expected
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('error', reject)
      .on('data', chunk => hash.update(chunk))
      .on('end', () => resolvePromise(hash.digest('hex')))
  })
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

/** docker's config directory, as the docker CLI resolves it. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker')
}

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
