import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commandLine, failure, fixture, mirrorInputs, run, stack } from '../support/e2e'
import { ActionRun, runAction } from '../support/run-action'
import { accessLogLines, logOffset, logSince, Registry } from '../support/stack'

// Warm builders on the real stack. Each run of this file has a buildx store of its own (BUILDX_CONFIG), so it
// never touches the builders of the machine's user, and a driver-opt that names the run, so its fingerprints
// (and the builder containers named after them) are new.

jest.setTimeout(900_000)

const store = mkdtempSync(join(tmpdir(), 'mpb-warm-store-'))
const env = { BUILDX_CONFIG: store }
const registry = new Registry(stack.STACK_PUSH_REGISTRY)
const buildx = (args: string[]) =>
  execFileSync('docker', ['buildx', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000
  })
const warmBuilders = () =>
  buildx(['ls', '--format', '{{.Name}}'])
    .split('\n')
    .filter(name => /^mpb-warm-[0-9a-f]{16}$/.test(name))
const running = (builder: string) =>
  execFileSync('docker', ['ps', '--filter', `name=buildx_buildkit_${builder}0`, '--format', '{{.Names}}'], {
    encoding: 'utf8'
  }).trim() !== ''

function warm(name: string, inputs: Record<string, string>, options: { env?: Record<string, string> } = {}) {
  return runAction({
    inputs: {
      context: fixture('arch'),
      ...mirrorInputs,
      platforms: 'linux/amd64,linux/arm64',
      tags: `${stack.STACK_PUSH_REGISTRY}/e2e/warm-${name}-${run}:1`,
      'warm-builder': 'true',
      'driver-opts': `env.MPB_E2E_RUN=${run}`,
      ...inputs
    },
    env: { ...env, ...options.env },
    timeoutMs: 480_000
  })
}

function expectOk(result: ActionRun) {
  expect({ code: result.main.code, error: failure(result), post: result.post.code }).toEqual({
    code: 0,
    error: '',
    post: 0
  })
}

afterAll(() => {
  // The documented way to remove every warm builder (docs/warm-builders.md).
  for (const name of warmBuilders()) buildx(['rm', '--', name])
  rmSync(store, { recursive: true, force: true })
})

describe('a warm builder', () => {
  let first: ActionRun
  let second: ActionRun
  let mirrorLog = 0

  beforeAll(async () => {
    first = await warm('same', {})
    mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
    second = await warm('same', {})
  })

  it('is created by the first job and left running after its post step', () => {
    expectOk(first)
    expect(first.outputs['builder-reused']).toBe('false')
    expect(first.outputs.builder).toMatch(/^mpb-warm-[0-9a-f]{16}$/)
    expect(commandLine(first, 'buildx create')).toBeGreaterThan(-1)
    expect(first.post.stdout).toContain(
      `Left warm builder ${first.outputs.builder} running for the next job.`
    )
  })

  it('is reused by the next job with no create and no boot, and every step comes from its cache', async () => {
    expectOk(second)
    expect(second.outputs.builder).toBe(first.outputs.builder)
    expect(second.outputs['builder-reused']).toBe('true')
    expect(commandLine(second, 'buildx create')).toBe(-1)
    expect(second.main.stdout).not.toMatch(/creating container|starting container/)
    expect(second.outputs['cached-steps']).toBe('2')
    expect(second.summary).toMatch(/<td>Steps<\/td><td>0 executed, 2 cached \(of 2\)<\/td>/)
    expect(second.summary).toContain('warm, reused from an earlier job')
    expect(running(first.outputs.builder)).toBe(true)
    const { platforms } = await registry.platformManifests(`e2e/warm-same-${run}`, '1')
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
  })

  it('pulls no layer from the mirror on the unchanged rebuild', () => {
    const requests = accessLogLines(logSince(stack.STACK_MIRROR_LOG, mirrorLog)).filter(line =>
      line.path.startsWith('/v2/library/busybox/')
    )
    // BuildKit still resolves the tag (a manifest request), but fetches no blob: every layer is in its cache.
    expect(requests.filter(line => line.path.includes('/blobs/'))).toEqual([])
  })

  it('is not reused by a job whose mirror input differs: that job gets a builder of its own', async () => {
    const changed = await warm('changed', {
      'registry-mirrors': `http://${stack.STACK_MIRROR}\nghcr.io=http://${stack.STACK_MIRROR}`
    })
    expectOk(changed)
    expect(changed.outputs.builder).toMatch(/^mpb-warm-/)
    expect(changed.outputs.builder).not.toBe(first.outputs.builder)
    expect(changed.outputs['builder-reused']).toBe('false')
    expect(changed.outputs['buildkitd-config']).toContain('[registry."ghcr.io"]')
    expect(commandLine(changed, 'buildx create')).toBeGreaterThan(-1)
  })
})

describe('two jobs at once with the same fingerprint', () => {
  it('both succeed on one builder, created once', async () => {
    const inputs = { 'warm-builder-cache': '3GB' }
    const [a, b] = await Promise.all([warm('concurrent-a', inputs), warm('concurrent-b', inputs)])
    expectOk(a)
    expectOk(b)
    expect(a.outputs.builder).toBe(b.outputs.builder)
    expect([a.outputs['builder-reused'], b.outputs['builder-reused']].sort()).toEqual(['false', 'true'])
    expect(
      [commandLine(a, 'buildx create'), commandLine(b, 'buildx create')].filter(i => i > -1)
    ).toHaveLength(1)
  })
})

describe('removing stale warm builders', () => {
  it('never removes one with a build in flight, and removes it once it is idle', async () => {
    const known = new Set(warmBuilders())
    const slow = warm('slow', { context: fixture('slow'), 'warm-builder-cache': '4GB' })
    // Wait until the slow job's builder exists and its build runs.
    const deadline = Date.now() + 240_000
    let stale = ''
    while (Date.now() < deadline && stale === '') {
      await new Promise(resolve => setTimeout(resolve, 1000))
      stale = warmBuilders().find(name => running(name) && !known.has(name)) ?? ''
    }
    expect(stale).not.toBe('')
    // Another shape, and idle 0: every warm builder that no job uses goes.
    const replacing = await warm('replacing', { 'warm-builder-idle': '0', 'warm-builder-cache': '5GB' })
    expectOk(replacing)
    expect(replacing.main.stdout).not.toContain(`Removed idle warm builder ${stale}.`)
    const slowResult = await slow
    expectOk(slowResult)
    expect(slowResult.outputs.builder).toBe(stale)
    // Now idle: the next job removes it.
    const next = await warm('after', { 'warm-builder-idle': '0', 'warm-builder-cache': '5GB' })
    expectOk(next)
    expect(next.main.stdout).toContain(`Removed idle warm builder ${stale}.`)
    expect(warmBuilders()).not.toContain(stale)
    expect(running(stale)).toBe(false)
  })
})

describe('garbage collection', () => {
  it('brings the cache of a warm builder back under its configured size', async () => {
    const LIMIT = 100 * 1e6
    let builder = ''
    for (let n = 1; n <= 4; n++) {
      const result = await warm('gc', {
        context: fixture('gc'),
        platforms: 'linux/amd64',
        'build-args': `N=${n}-${run}`,
        'warm-builder-cache': '100MB'
      })
      expectOk(result)
      builder = result.outputs.builder
    }
    // Four builds wrote 4 x 40 MiB of new layers. BuildKit collects garbage a minute after the last build.
    const afterBuilds = totalBytes(buildx(['du', '--builder', builder]))
    expect(afterBuilds).toBeGreaterThan(LIMIT)
    const deadline = Date.now() + 150_000
    let now = afterBuilds
    while (now > LIMIT && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 5000))
      now = totalBytes(buildx(['du', '--builder', builder]))
    }
    const volume = volumeBytes(`/var/lib/docker/volumes/buildx_buildkit_${builder}0_state/_data`)
    console.log(
      `cache after 4 builds: ${(afterBuilds / 1e6).toFixed(1)} MB; after GC: ${(now / 1e6).toFixed(1)} MB; ` +
        `state volume on disk: ${(volume / 1e6).toFixed(1)} MB (limit ${LIMIT / 1e6} MB)`
    )
    expect(now).toBeLessThanOrEqual(LIMIT)
    // The volume also holds BuildKit's databases and the busybox layers it keeps while they are in use.
    expect(volume).toBeLessThanOrEqual(LIMIT + 20 * 1e6)
  })
})

/** "Total:  123.4MB" from `docker buildx du`. */
function totalBytes(du: string): number {
  const match = /Total:\s+([\d.]+)\s*([kMG]?B)/.exec(du)
  if (!match) throw new Error(`no total in buildx du:\n${du}`)
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2]] ?? 1
  return Number(match[1]) * unit
}

/**
 * Bytes under a folder on disk. BuildKit may still be deleting collected snapshots while du walks the tree (du
 * then says "cannot access" and exits 1), so it is asked again, a bounded number of times, until a walk is clean.
 */
function volumeBytes(path: string): number {
  let last = ''
  for (let attempt = 0; attempt < 10; attempt++) {
    const du = spawnSync('du', ['-sb', path], { encoding: 'utf8', timeout: 60_000 })
    last = du.stdout
    if (du.status === 0) break
    execFileSync('sleep', ['1'])
  }
  return Number(last.split('\t')[0])
}
