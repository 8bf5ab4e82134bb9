import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseInputs } from '../../src/inputs/parse'
import {
  defaultCacheBytes,
  isWarmBuilderName,
  parseDuration,
  parseSize,
  withCacheLimit
} from '../../src/model/warm-builder'
import { makePlan } from '../../src/plan/plan'
import { releaseLease, takeLease, withWarmLock } from '../../src/run/warm-builders'
import { parseState } from '../../src/state'
import { inputSource } from '../support/inputs'

const GIB = 1024 ** 3
const planOf = (values: Record<string, string>, freeDiskBytes?: number) =>
  makePlan(
    parseInputs({
      ...inputSource({ tags: 'r.example/app:1', 'warm-builder': 'true', ...values }),
      defaultBuilderName: 'b1'
    }),
    { workDir: `/tmp/run-${Math.random()}`, freeDiskBytes }
  )

describe('warm builder names', () => {
  it('are the same for the same inputs, whatever the run folder or the free disk', () => {
    const a = planOf({}, 100 * GIB)
    const b = planOf({}, 300 * GIB)
    expect(a.builder).toMatch(/^mpb-warm-[0-9a-f]{16}$/)
    expect(isWarmBuilderName(a.builder)).toBe(true)
    expect(b.builder).toBe(a.builder)
    expect(a.warm).toBe(true)
    expect(a.commands.create).toContain(a.builder)
  })
  it.each([
    ['a mirror', { 'registry-mirrors': 'https://mirror.example' }],
    ['a proxy', { 'https-proxy': 'http://proxy.example:3128' }],
    ['a driver option', { 'driver-opts': 'memory=4g' }],
    ['the BuildKit image', { 'buildkit-image': 'registry.example/moby/buildkit:v0.33.1' }],
    ['the node platforms', { 'builder-platforms': 'linux/amd64' }],
    ['an explicit cache limit', { 'warm-builder-cache': '10GB' }],
    ['the user config', { 'buildkitd-config-inline': '[worker.oci]\nmax-parallelism = 2' }]
  ])('change with %s', (_, values) => {
    expect(planOf(values).builder).not.toBe(planOf({}).builder)
  })
  it('do not change with what is not part of the builder (tags, build args, platforms to build)', () => {
    expect(planOf({ tags: 'other.example/x:2', 'build-args': 'A=1', platforms: 'linux/arm64' }).builder).toBe(
      planOf({}).builder
    )
  })
  it('are not used without warm-builder', () => {
    const plan = planOf({ 'warm-builder': 'false' })
    expect(plan.builder).toBe('b1')
    expect(plan.warm).toBe(false)
  })
})

describe('a warm builder config', () => {
  it('limits the cache to the input, or to a tenth of the free disk (2 to 50 GiB)', () => {
    expect(planOf({ 'warm-builder-cache': '512MB' }).configToml).toMatch(
      /\[worker\.oci\]\ngc = true\nmaxUsedSpace = "512MB"/
    )
    expect(planOf({}, 300 * GIB).configToml).toContain('maxUsedSpace = "30720MB"')
    expect(defaultCacheBytes(5 * GIB)).toBe(2 * GIB)
    expect(defaultCacheBytes(10_000 * GIB)).toBe(50 * GIB)
  })
  it("leaves the user's own GC settings alone", () => {
    const table = { worker: { oci: { gckeepstorage: '1GB' } } }
    expect(withCacheLimit(table, GIB)).toBe(table)
    expect(
      planOf({ 'buildkitd-config-inline': '[worker.oci]\ngcpolicy = []' }, 100 * GIB).configToml
    ).not.toContain('maxUsedSpace')
  })
  it('is not limited without warm-builder', () => {
    expect(planOf({ 'warm-builder': 'false' }, 100 * GIB).configToml).not.toContain('worker')
  })
})

describe('warm builder inputs', () => {
  it('read durations and sizes, and refuse others naming the input', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000)
    expect(parseDuration('0')).toBe(0)
    expect(parseDuration('1w')).toBeUndefined()
    expect(parseSize('20GB')).toBe(20 * GIB)
    expect(parseSize('20G')).toBeUndefined()
    expect(() => planOf({ 'warm-builder-idle': 'soon' })).toThrow(/Input "warm-builder-idle".*not a duration/)
    expect(() => planOf({ 'warm-builder-cache': 'lots' })).toThrow(/Input "warm-builder-cache".*not a size/)
    expect(() => planOf({ builder: 'mine' })).toThrow(/Input "warm-builder".*"builder"/)
  })
  it('warn that builder-name is not used', () => {
    expect(planOf({ 'builder-name': 'mine' }).warnings).toContain(
      'warm-builder names the builder after its config, so builder-name is not used.'
    )
  })
})

describe('leases and the lock', () => {
  const builder = 'mpb-warm-0123456789abcdef'
  it('release only a lease file of this builder in this folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    const lease = takeLease(builder, dir)
    expect(lease).toBe(join(dir, 'leases', `${builder}.${process.pid}`))
    const planted = join(dir, 'planted')
    writeFileSync(planted, '')
    expect(releaseLease(builder, planted, dir)).toBe(false)
    expect(releaseLease(builder, `${dir}/leases/../leases/${builder}.${process.pid}`, dir)).toBe(false)
    expect(releaseLease('mpb-warm-ffffffffffffffff', lease, dir)).toBe(false)
    expect(readdirSync(join(dir, 'leases'))).toEqual([`${builder}.${process.pid}`])
    expect(releaseLease(builder, lease, dir)).toBe(true)
    expect(readdirSync(join(dir, 'leases'))).toEqual([])
    expect(readdirSync(join(dir, 'used'))).toEqual([builder])
  })
  it('runs one holder at a time, and breaks a lock whose holder is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    const order: string[] = []
    const hold = (name: string) =>
      withWarmLock(async () => {
        order.push(`${name} in`)
        await new Promise(resolve => setTimeout(resolve, 50))
        order.push(`${name} out`)
      }, dir)
    await Promise.all([hold('a'), hold('b')])
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out'])
    // A lock left by a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
    mkdirSync(join(dir, 'lock'))
    writeFileSync(join(dir, 'lock', 'owner'), String(4194305))
    await expect(withWarmLock(async () => 'taken', dir)).resolves.toBe('taken')
  })
})

describe('the saved state', () => {
  it('keeps a warm lease only as a string', () => {
    const base = { builder: 'mpb-warm-0123456789abcdef', workDir: '/w', cleanup: false, keepState: false }
    expect(parseState(JSON.stringify({ ...base, warmLease: '/x/leases/a.1' })).warmLease).toBe(
      '/x/leases/a.1'
    )
    expect(() => parseState(JSON.stringify({ ...base, warmLease: 7 }))).toThrow(
      'the saved warm lease is invalid'
    )
  })
})
