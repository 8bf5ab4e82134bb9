import { InputError, quoteValue } from './input-error'
import { maskUserInfo } from './credentials'
import { isLoopbackHost } from './hosts'
import { goArchOf } from './platform'

/**
 * A tool this action downloads from its publisher's releases (buildx, cosign): how its file is named, which input
 * moves the download to a mirror, and which checksum list vouches for it. The rules of the download (URL
 * templates, checksums, credentials) are the same for every tool and live here once.
 */
export interface ReleaseTool {
  /** The name messages use: buildx, cosign. */
  name: string
  /** The tool cache's folder for it, and the name of the cached file (with .exe on Windows). */
  cacheName: string
  /** The input that holds the URL template. */
  downloadInput: string
  /** The input that lets an unverifiable download run with a warning; none means it always fails closed. */
  skipInput?: string
  defaultUrl: string
  /** The sha256sum list published beside the binary. */
  checksumsFile: string
  /** GOARCHes the publisher has files for, and the file names' arch where it is not the GOARCH. */
  goArches: ReadonlySet<string>
  fileArch?: Readonly<Record<string, string>>
}

/** `x.y.z` with an optional `v`, ignoring anything after it (`-rc1`, `+azure-1`, `-desktop.4`). */
export const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+~][^\s]*)?$/

/** Compares the x.y.z of two versions (`v` prefix, pre-release and build suffixes ignored): -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const left = versionParts(a)
  const right = versionParts(b)
  for (let i = 0; i < 3; i++) {
    if (left[i] !== right[i]) return left[i] < right[i] ? -1 : 1
  }
  return 0
}

function versionParts(version: string): number[] {
  const match = VERSION.exec(version.trim())
  if (!match) throw new Error(`Not a version (x.y.z): ${JSON.stringify(version)}`)
  return match.slice(1, 4).map(Number)
}

/** `0.37.2` or `v0.37.2` → `0.37.2`, the form the tool cache is keyed by; throws on anything else. */
export function bareVersion(version: string, tool = 'buildx'): string {
  const trimmed = version.trim()
  if (!/^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(trimmed)) {
    throw new Error(`Not a ${tool} version (x.y.z): ${JSON.stringify(version)}`)
  }
  return trimmed.replace(/^v/, '')
}

const OS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' }

/** Node's process.arch → the arch part of the tool's release file names; undefined where none is published. */
function fileArchOf(tool: ReleaseTool, nodeArch: string): string | undefined {
  const goArch = goArchOf(nodeArch)
  if (goArch === undefined || !tool.goArches.has(goArch)) return undefined
  return tool.fileArch?.[goArch] ?? goArch
}

/** Longer templates are refused before anything scans them: a real one is well under 300 characters. */
export const MAX_DOWNLOAD_URL_LENGTH = 2048

const PLACEHOLDER_HINT = 'Use only {version}, {os}, {arch} and {ext}.'

/**
 * Expands a download URL template: {version} (with a leading v), {os}, {arch} and {ext} (".exe" on Windows).
 * platform and arch are Node's process.platform and process.arch values. The URL must be https, or http to a
 * loopback address, where no one can sit between the runner and the server.
 */
export function releaseDownloadUrl(
  tool: ReleaseTool,
  template: string,
  version: string,
  platform: string,
  arch: string
): string {
  const input = tool.downloadInput
  if (template.length > MAX_DOWNLOAD_URL_LENGTH) {
    throw new InputError(
      input,
      shorten(maskUserInfo(template)),
      `${template.length} characters long, more than ${MAX_DOWNLOAD_URL_LENGTH}`,
      'Give the URL template of one file, such as the default.'
    )
  }
  const os = OS[platform]
  const fileArch = fileArchOf(tool, arch)
  if (os === undefined || fileArch === undefined) {
    throw new Error(`${tool.name} is not published for this runner (${platform}/${arch}).`)
  }
  const values: Record<string, string> = {
    version: `v${bareVersion(version, tool.name)}`,
    os,
    arch: fileArch,
    ext: platform === 'win32' ? '.exe' : ''
  }
  const shown = maskUserInfo(template)
  // Values hold no spaces: trimming the result is trimming the template, with positions that match the input.
  const result = expandTemplate(template, values)
  if (typeof result !== 'string') {
    throw new InputError(input, shown, result.problem, PLACEHOLDER_HINT)
  }
  const expanded = result.trim()
  const url = parseHttpUrl(expanded)
  if (url === undefined) {
    throw new InputError(
      input,
      shown,
      `not an http(s) URL once expanded (${quoteValue(maskUserInfo(expanded))})`,
      `Give a URL such as ${tool.defaultUrl}.`
    )
  }
  if (url.protocol === 'http:' && !isPlainHttpSafe(url.hostname)) {
    throw new InputError(
      input,
      shown,
      `plain http to ${url.hostname}, where anyone on the way could swap the binary and its checksums`,
      'Use an https:// URL; http:// is only accepted for 127.0.0.0/8, [::1] and localhost.'
    )
  }
  return expanded
}

/**
 * One pass from left to right; a "{" looks at most MAX_NAME characters ahead and a placeholder is skipped
 * whole, so every character is read a bounded number of times (a regex that rescans from each "{" is
 * quadratic on "{{{{..."). Returns the URL, or what is wrong with the template.
 */
function expandTemplate(template: string, values: Record<string, string>): string | { problem: string } {
  const MAX_NAME = 16
  // A placeholder's text before the last "@" is part of user:password, which messages never show.
  const secretEnd = template.lastIndexOf('@')
  const parts: string[] = []
  let i = 0
  while (i < template.length) {
    const open = template.indexOf('{', i)
    const close = template.indexOf('}', i)
    if (close !== -1 && (open === -1 || close < open)) {
      return { problem: `a "}" that closes no placeholder (character ${close + 1})` }
    }
    if (open === -1) {
      parts.push(template.slice(i))
      break
    }
    parts.push(template.slice(i, open))
    let end = open + 1
    while (end < template.length && end - open <= MAX_NAME && template[end] !== '{' && template[end] !== '}')
      end++
    if (template[end] !== '}') {
      return { problem: `a "{" that opens no placeholder (character ${open + 1})` }
    }
    const name = template.slice(open + 1, end)
    if (!Object.hasOwn(values, name)) {
      return {
        problem:
          open < secretEnd
            ? 'an unknown placeholder in the masked user:password part'
            : `unknown placeholder {${name}}`
      }
    }
    parts.push(values[name])
    i = end + 1
  }
  return parts.join('')
}

/** An http(s) URL with a host, or undefined. */
export function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : undefined
  } catch {
    return undefined
  }
}

/**
 * Loopback addresses and the name localhost. Other *.localhost names are not: DNS may answer for them, and
 * @actions/http-client sends them through a configured proxy, where plain http could be read and changed.
 */
export function isPlainHttpSafe(hostname: string): boolean {
  return isLoopbackHost(hostname) && !hostname.toLowerCase().endsWith('.localhost')
}

/**
 * A download URL without its user info, and that user info as the Basic Authorization header. @actions/tool-cache
 * prints the URL it is given in a debug line, so a password must reach it as a header, never in the URL.
 */
export function splitUserInfo(downloadUrl: string): { url: string; authorization?: string } {
  const url = new URL(downloadUrl)
  if (url.username === '' && url.password === '') return { url: downloadUrl }
  const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`
  url.username = ''
  url.password = ''
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }
}

/**
 * Why a download that carries a password must not start, if it must not: over https only with certificate
 * checks, which NODE_TLS_REJECT_UNAUTHORIZED=0 turns off for every connection of the process. Plain http is
 * only accepted for loopback (releaseDownloadUrl), where there is no one in between.
 */
export function credentialTransportProblem(
  downloadUrl: string,
  env: Record<string, string | undefined>,
  input = 'buildx-download-url'
): string | undefined {
  if (new URL(downloadUrl).protocol !== 'https:' || env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return undefined
  return (
    `Input "${input}": its user and password are sent only over https with a checked certificate, ` +
    'but NODE_TLS_REJECT_UNAUTHORIZED=0 in the step environment turns the check off. Remove that variable; ' +
    'for a server signed by your own CA, name the CA file in NODE_EXTRA_CA_CERTS instead.'
  )
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The start of a long value, for a message. */
function shorten(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value
}

/** The file name a download URL ends in, e.g. buildx-v0.37.2.linux-amd64. */
export function downloadFileName(downloadUrl: string): string {
  const path = new URL(downloadUrl).pathname
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))
}

/**
 * The checksum list (checksums.txt for buildx) in the directory of the binary, as releases publish it. The query
 * and fragment are dropped: they belong to the binary's URL (a signed URL, say) and would not be valid for
 * another file.
 */
export function checksumUrl(downloadUrl: string, checksumsFile = 'checksums.txt'): string {
  const url = new URL(downloadUrl)
  url.pathname = url.pathname.replace(/[^/]*$/, checksumsFile)
  url.search = ''
  url.hash = ''
  return url.toString()
}

/**
 * The sha256 listed for fileName in sha256sum output (`HASH  name` or, binary mode, `HASH *name`),
 * lower case; undefined when the file is not listed.
 */
export function findChecksum(checksumsText: string, fileName: string): string | undefined {
  for (const line of checksumsText.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim())
    if (!match) continue
    const name = match[2].trim().replace(/^\.\//, '')
    if (name === fileName) return match[1].toLowerCase()
  }
  return undefined
}
