/**
 * Semantic versions as metadata-action takes them from a Git tag: node-semver's strict grammar (an optional
 * leading "v", no leading zeros, at most 256 characters, parts up to 2^53-1), with the values its {{version}},
 * {{major}}, {{minor}}, {{patch}} and {{raw}} print.
 */

export interface SemverVersion {
  /** The text as given (what {{raw}} prints). */
  raw: string
  major: number
  minor: number
  patch: number
  /** Pre-release identifiers; numeric ones are numbers, as node-semver keeps them. */
  prerelease: Array<string | number>
  /** major.minor.patch[-prerelease], without build metadata (what {{version}} prints). */
  version: string
}

const MAX_LENGTH = 256
const NUMBER = '0|[1-9]\\d*'
const IDENTIFIER = `(?:${NUMBER}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`
const STRICT = new RegExp(
  `^v?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})` +
    `(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?` +
    '(?:\\+[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*)?$'
)

/** The version, or undefined when node-semver's valid() would say null. */
export function parseSemver(text: string): SemverVersion | undefined {
  if (text.length > MAX_LENGTH) return undefined
  const match = STRICT.exec(text.trim())
  if (!match) return undefined
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number)
  if (![major, minor, patch].every(Number.isSafeInteger)) return undefined
  const prerelease = match[4] === undefined ? [] : match[4].split('.').map(identifier)
  const core = `${major}.${minor}.${patch}`
  return {
    raw: text,
    major,
    minor,
    patch,
    prerelease,
    version: prerelease.length > 0 ? `${core}-${prerelease.join('.')}` : core
  }
}

function identifier(part: string): string | number {
  if (/^[0-9]+$/.test(part)) {
    const value = Number(part)
    if (value < Number.MAX_SAFE_INTEGER) return value
  }
  return part
}
