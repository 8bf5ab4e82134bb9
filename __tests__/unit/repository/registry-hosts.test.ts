import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../support/repository'

// The project names the package registries it installs from by what they are ("the Go module proxy", "the npm
// registry", "Debian's archive"), never by host. The hosts are kept here as digests so this file names none.
const REGISTRY_HOST_DIGESTS = new Set([
  '00a7dc5a0cc38858', // the Go module proxy
  '9da5f32d96412512', // the Go checksum database
  '0dc11026ac75c015', // the npm registry
  '70bb4000cd2fab03', // a mirror of the npm registry
  'e680c440a2e92079', // Debian's archive
  'c899567ee9068517', // Debian's security archive
  'a4aa2ac280bb8d1a', // the Python package index
  '1ba4e37997a2e986' // its file host
])
const digest = (host: string) => createHash('sha256').update(host.toLowerCase()).digest('hex').slice(0, 16)

/** Every dotted name in a text whose digest is a registry host's. */
function registryHosts(text: string): string[] {
  return (text.match(/[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi) ?? []).filter(name =>
    REGISTRY_HOST_DIGESTS.has(digest(name))
  )
}

describe('package registry hosts', () => {
  it('finds a host in a line, whatever its case', () => {
    expect(registryHosts(`reading https://${['proxy', 'golang', 'org'].join('.')}/x: 403`)).toHaveLength(1)
    expect(registryHosts(['REGISTRY', 'NPMJS', 'ORG'].join('.'))).toHaveLength(1)
    expect(registryHosts('the Go module proxy, golang.org/x/net, registry.example.com')).toEqual([])
  })

  it('no tracked file names one (the lockfile and the bundle apart)', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(file => file !== '' && file !== 'package-lock.json' && !file.startsWith('dist/'))
    const named = tracked.filter(file => registryHosts(readFileSync(join(ROOT, file), 'latin1')).length > 0)
    expect(named).toEqual([])
  })
})
