import * as tc from '@actions/tool-cache'
import { createHash } from 'node:crypto'
import { chmodSync, constants as fsConstants, lstatSync, readFileSync, rmSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  bareVersion,
  checksumUrl,
  credentialTransportProblem,
  downloadFileName,
  findChecksum,
  releaseDownloadUrl,
  ReleaseTool,
  splitUserInfo
} from '../../model/release-tool'
import { maskUserInfo } from '../../model/credentials'

/** Where messages go; @actions/core itself fits. */
export interface Log {
  info(message: string): void
  warning(message: string): void
}

export interface InstallOptions {
  /** x.y.z, with or without a leading v. */
  version: string
  /** Download URL template (see releaseDownloadUrl); empty means the tool's default. */
  urlTemplate?: string
  log: Log
  /**
   * Proxy variables for the downloads, e.g. from the action's proxy inputs. @actions/tool-cache (through
   * @actions/http-client) only reads the process environment: https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY
   * and no_proxy/NO_PROXY (host suffixes only, no CIDRs; loopback hosts always bypass the proxy).
   */
  proxyEnv?: Record<string, string>
  /**
   * The tool's skip input (buildx-skip-verification): run a binary that its checksum list cannot vouch for (none
   * published, the file not listed, the list unreachable), with a warning each time. One the list contradicts
   * never runs. Ignored for a tool without a skip input.
   */
  skipVerification?: boolean
}

export interface InstalledTool {
  /** Directory that holds the binary (toolFileName: .exe on Windows). */
  path: string
  source: 'tool-cache' | 'downloaded'
}

/** A tool's checksum list is a few KB; a list this large is not one, and is not read into memory. */
const MAX_CHECKSUMS_BYTES = 1024 * 1024

/** The file name of the tool in the tool cache: its cache name, with .exe on Windows. */
export function toolFileName(tool: ReleaseTool, platform: string = process.platform): string {
  return platform === 'win32' ? `${tool.cacheName}.exe` : tool.cacheName
}

/**
 * Finds the tool's `version` in the runner's tool cache, or downloads and caches it. Either way the binary is
 * checked against the checksum list published beside the download URL before it is used: a persistent tool
 * cache (self-hosted runners) may hold a file that an earlier job put there.
 */
export async function installReleaseTool(tool: ReleaseTool, options: InstallOptions): Promise<InstalledTool> {
  const { log } = options
  const version = bareVersion(options.version, tool.name)
  const fileName = toolFileName(tool)
  const template = options.urlTemplate?.trim() || tool.defaultUrl
  // A password in the URL goes as a header (the URL is logged), and only where no one can read it on the way.
  const { url, authorization } = splitUserInfo(
    releaseDownloadUrl(tool, template, version, process.platform, process.arch)
  )
  const problem =
    authorization === undefined ? undefined : credentialTransportProblem(url, process.env, tool.downloadInput)
  if (problem !== undefined) throw new Error(problem)
  const source: Source = { tool, url, authorization, skip: options.skipVerification === true }
  return withEnv(options.proxyEnv ?? {}, async () => {
    const cached = tc.find(tool.cacheName, version)
    if (cached !== '' && lexists(join(cached, fileName))) {
      await verifyCached(cached, join(cached, fileName), source, log)
      log.info(`Using ${tool.name} ${version} from the tool cache: ${cached}`)
      return { path: cached, source: 'tool-cache' }
    }
    const file = await downloadVerified(source, log)
    try {
      chmodSync(file, 0o755)
      const dir = await tc.cacheFile(file, fileName, tool.cacheName, version)
      chmodSync(join(dir, fileName), 0o755)
      log.info(`Cached ${tool.name} ${version} in ${dir}`)
      return { path: dir, source: 'downloaded' }
    } finally {
      rmSync(file, { force: true })
    }
  })
}

/** What is downloaded: the tool, its URL without user info, the Authorization header that carries it, if any. */
interface Source {
  tool: ReleaseTool
  url: string
  authorization?: string
  /** Whether the tool's skip input is on. */
  skip: boolean
}

/** Downloads url into RUNNER_TEMP and checks it against the checksum list beside it; returns the file. */
async function downloadVerified(source: Source, log: Log): Promise<string> {
  const { tool, url, authorization } = source
  const shown = maskUserInfo(url)
  log.info(`Downloading ${tool.name} from ${shown}`)
  let file: string
  try {
    file = await tc.downloadTool(url, undefined, authorization)
  } catch (error) {
    throw new Error(`Downloading ${tool.name} from ${shown} failed: ${messageOf(error)}`)
  }
  try {
    const sumsUrl = checksumUrl(url, tool.checksumsFile)
    const expected = await publishedChecksum(tool, sumsUrl, downloadFileName(url), authorization)
    if (typeof expected !== 'string') {
      unverified(`the ${tool.name} downloaded from ${shown}`, expected, source, log)
      return file
    }
    const actual = await sha256File(file)
    if (actual !== expected) {
      throw new Error(
        `Checksum mismatch for ${shown}: ${maskUserInfo(sumsUrl)} lists sha256 ${expected}, ` +
          `the downloaded file has sha256 ${actual}. ` +
          `Check "${tool.downloadInput}" (a mirror may serve another file).`
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
 * Checks a tool cache hit against the checksum list, fetched again from where the binary would be downloaded
 * (one small request). tc.find only checks that a directory and its .complete marker exist, so whatever is
 * in there is untrusted until it matches. A copy that cannot be right is removed (only that entry, inside the
 * tool cache's folder of that tool) so the next run downloads afresh, and the step fails.
 */
async function verifyCached(entry: string, file: string, source: Source, log: Log): Promise<void> {
  const { tool, url, authorization } = source
  const shape = entryProblem(entry, file)
  if (shape !== undefined) {
    throw new Error(
      `The tool cache copy at ${file} is refused: ${shape}. This action caches a plain file, so something ` +
        `else put this there. ${removeEntry(tool, entry)}`
    )
  }
  const sumsUrl = checksumUrl(url, tool.checksumsFile)
  const expected = await publishedChecksum(tool, sumsUrl, downloadFileName(url), authorization)
  if (typeof expected !== 'string') {
    unverified(`the tool cache copy at ${file}`, expected, source, log)
    return
  }
  const actual = await sha256File(file, true)
  if (actual !== expected) {
    throw new Error(
      `The tool cache copy at ${file} does not match ${maskUserInfo(sumsUrl)}: that lists sha256 ${expected} ` +
        `for ${downloadFileName(url)}, the copy has sha256 ${actual}. Something changed the tool cache, or ` +
        `the source now publishes another build. ${removeEntry(tool, entry)}`
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
 * Removes a refused <tool cache>/<tool>/<version>/<arch> entry and its marker. Nothing is removed
 * unless both folders above it are real directories: through a symlinked one, "inside the tool cache" could
 * be anywhere. rmSync unlinks symlinks, in the entry or the entry itself, and never follows them.
 */
function removeEntry(tool: ReleaseTool, entry: string): string {
  const versionDir = dirname(entry)
  const toolDir = dirname(versionDir)
  const realDir = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true
  if (basename(toolDir) !== tool.cacheName || !realDir(toolDir) || !realDir(versionDir)) {
    return `Left in place: remove ${entry} and ${entry}.complete yourself.`
  }
  try {
    rmSync(`${entry}.complete`, { force: true })
    rmSync(entry, { recursive: true, force: true })
  } catch (error) {
    return `Removing it failed (${messageOf(error)}): remove ${entry} and ${entry}.complete yourself.`
  }
  return `It was removed from the tool cache: the next run downloads ${tool.name} again.`
}

/** What the checksum list cannot tell: why, and what the publisher of the download should do. */
interface Unverifiable {
  reason: string
  fix: string
}

/** Fails the step, or with the tool's skip input on warns that an unverified binary is about to run. */
function unverified(what: string, problem: Unverifiable, source: Source, log: Log): void {
  const { downloadInput, skipInput } = source.tool
  if (!source.skip || skipInput === undefined) {
    throw new Error(`Input "${downloadInput}": cannot verify ${what}: ${problem.reason}. ${problem.fix}`)
  }
  log.warning(
    `${skipInput} is true: running ${what} UNVERIFIED, because ${problem.reason}. Whoever can change that ` +
      `file or its download controls your builds and their secrets. ${problem.fix} Then remove ${skipInput}.`
  )
}

/** The sha256 that the tool's checksum list names for fileName, or why there is none to check against. */
async function publishedChecksum(
  tool: ReleaseTool,
  sumsUrl: string,
  fileName: string,
  authorization: string | undefined
): Promise<string | Unverifiable> {
  const shown = maskUserInfo(sumsUrl)
  const list = tool.checksumsFile
  const fix = `Publish ${list} (sha256sum output that lists ${fileName}) beside the binary, as ${tool.name} releases do.`
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
      return { reason: `there is no ${list} at ${shown} (HTTP 404)`, fix }
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
