/** Reads the platforms of the first node from `docker buildx inspect` output ("Platforms: a, b*, c"). */
export function parseInspectPlatforms(output: string): string[] {
  const line = output.split(/\r?\n/).find(l => /^\s*Platforms:/.test(l))
  if (!line) return []
  return line
    .replace(/^\s*Platforms:/, '')
    .split(',')
    .map(platform => platform.trim().replace(/\*$/, ''))
    .filter(platform => platform !== '')
}

/** Requested platforms the builder cannot run; variants are compared loosely (linux/arm64 covers linux/arm64/v8). */
export function unsupportedPlatforms(requested: string[], supported: string[]): string[] {
  const normalize = (platform: string): string => platform.replace(/^linux\/arm64\/v8$/, 'linux/arm64')
  const available = new Set(supported.map(normalize))
  return requested.filter(platform => !available.has(normalize(platform)))
}
