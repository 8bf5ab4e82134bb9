export interface BuilderNode {
  name: string
  endpoint: string
  status: string
  /** Every platform the node can build; `pinned` are the ones it was created for (marked * by buildx). */
  platforms: string[]
  pinned: string[]
}

const FIELDS = new Set(['Name', 'Endpoint', 'Status', 'Platforms'])

/** Reads the nodes of `docker buildx inspect` output ("Nodes:" then one "Name: …" block per node). */
export function parseInspectNodes(output: string): BuilderNode[] {
  const nodesAt = output.indexOf('\nNodes:')
  if (nodesAt < 0) return []
  const nodes: BuilderNode[] = []
  for (const line of output.slice(nodesAt).split(/\r?\n/)) {
    // Split at the colon, not with `:\s*(.*)$`: that backtracked quadratically on a long line of spaces.
    const colon = line.indexOf(':')
    const key = line.slice(0, colon)
    if (colon < 0 || !FIELDS.has(key)) continue
    const value = line.slice(colon + 1)
    if (key === 'Name')
      nodes.push({ name: value.trim(), endpoint: '', status: '', platforms: [], pinned: [] })
    const node = nodes.at(-1)
    if (!node) continue
    if (key === 'Endpoint') node.endpoint = value.trim()
    if (key === 'Status') node.status = value.trim()
    if (key === 'Platforms') {
      const entries = value
        .split(',')
        .map(p => p.trim())
        .filter(p => p !== '')
      node.platforms = entries.map(p => p.replace(/\*$/, ''))
      node.pinned = entries.filter(p => p.endsWith('*')).map(p => p.slice(0, -1))
    }
  }
  return nodes
}

/** Platforms the builder as a whole can build, in node order, without duplicates. */
export function builderPlatforms(nodes: BuilderNode[]): string[] {
  return [...new Set(nodes.flatMap(node => node.platforms))]
}

/** Requested platforms the builder cannot run; variants are compared loosely (linux/arm64 covers linux/arm64/v8). */
export function unsupportedPlatforms(requested: string[], supported: string[]): string[] {
  const normalize = (platform: string): string => platform.replace(/^linux\/arm64\/v8$/, 'linux/arm64')
  const available = new Set(supported.map(normalize))
  return requested.filter(platform => !available.has(normalize(platform)))
}

/** The builder's driver from `docker buildx inspect` output: the "Driver:" line before the nodes. */
export function parseInspectDriver(output: string): string {
  const nodesAt = output.indexOf('\nNodes:')
  const head = nodesAt < 0 ? output : output.slice(0, nodesAt)
  for (const line of head.split(/\r?\n/)) {
    if (!line.startsWith('Driver:')) continue
    const driver = line.slice('Driver:'.length).trim()
    return /^[a-z0-9][a-z0-9._-]{0,63}$/i.test(driver) ? driver : ''
  }
  return ''
}
