import { createHash, createHmac } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  defaultCacheBytes,
  isWarmBuilderName,
  warmBuilderName,
  withCacheLimit
} from '../../src/model/warm-shape'
import { Plan, PlanContext } from '../../src/plan/plan'
import { releaseLease, takeLease } from '../../src/run/builder/warm-builders'
import { configFileDigests, readWarmKey } from '../../src/run/builder/warm-key'
import { processStartTime, withWarmLock } from '../../src/run/builder/warm-lock'
import { recorded, reset } from '../support/doubles/actions-core'
import { GIB, WARM_KEY as KEY, warmPlanOf } from '../support/plan'

// The module object src/ calls into (a namespace import is a frozen copy): a write can be made to fail.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs')

describe('warm builder names', () => {
  it('are the same for the same inputs, whatever the run folder or the free disk', () => {
    const a = warmPlanOf({}, 100 * GIB)
    const b = warmPlanOf({}, 300 * GIB)
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
    expect(warmPlanOf(values).builder).not.toBe(warmPlanOf({}).builder)
  })
  it('do not change with what is not part of the builder (tags, build args, platforms to build)', () => {
    expect(
      warmPlanOf({ tags: 'other.example/x:2', 'build-args': 'A=1', platforms: 'linux/arm64' }).builder
    ).toBe(warmPlanOf({}).builder)
  })
  it('are not used without warm-builder', () => {
    const plan = warmPlanOf({ 'warm-builder': 'false' })
    expect(plan.builder).toBe('b1')
    expect(plan.warm).toBe(false)
  })
  it('are not used without a key (one refused): the job gets a builder of its own', () => {
    const plan = warmPlanOf({}, 100 * GIB, { warmKey: undefined })
    expect(plan.builder).toBe('b1')
    expect(plan.warm).toBe(false)
    expect(plan.configToml).not.toContain('maxUsedSpace')
  })
})

/** The shape as the name's code sees it, rebuilt from what the plan shows (a cache limit given, so no default). */
function shapeOf(plan: Plan, files: [string, string][] = []) {
  const node = plan.commands.create
    .filter(arg => arg !== '--bootstrap')
    .map(arg => (arg === plan.builder || arg === plan.configPath ? '' : arg))
  const image = node.find(arg => arg.startsWith('image='))?.slice('image='.length)
  return JSON.stringify({
    configToml: plan.configToml,
    nodes: [node],
    sealedDriverValues: [...plan.sealedDriverValues],
    buildkitImage: image,
    files
  })
}
const hex = (name: string) => name.slice('mpb-warm-'.length)

describe('warm builder names are keyed', () => {
  const proxied = (password: string, context: Partial<PlanContext> = {}) =>
    warmPlanOf(
      { 'https-proxy': `http://user:${password}@proxy.example:3128`, 'warm-builder-cache': '10GB' },
      undefined,
      context
    )
  it('differ for the same shape under another key', () => {
    const other = 'b'.repeat(64)
    expect(warmPlanOf({}, undefined, { warmKey: other }).builder).not.toBe(warmPlanOf({}).builder)
    expect(warmPlanOf({}, undefined, { warmKey: other }).builder).toBe(
      warmPlanOf({}, undefined, { warmKey: other }).builder
    )
    expect(() =>
      warmBuilderName({ configToml: '', nodes: [], sealedDriverValues: [], buildkitImage: '', files: [] }, '')
    ).toThrow('needs the warm-state key')
  })
  it('never let a proxy password be tested without the key', () => {
    const right = proxied('Guess1')
    expect(proxied('Other2').builder).not.toBe(right.builder)
    // Without the key, the right guess gives nothing to compare: neither the unkeyed hash nor another key match.
    // The shape as it is now, and as it was before it listed the config's files.
    for (const shape of [shapeOf(right), shapeOf(right).replace(',"files":[]', '')]) {
      expect(createHash('sha256').update(shape).digest('hex').slice(0, 16)).not.toBe(hex(right.builder))
      expect(createHmac('sha256', 'c'.repeat(64)).update(shape).digest('hex').slice(0, 16)).not.toBe(
        hex(right.builder)
      )
    }
    // The test rebuilds the shape faithfully: with the key it gives the printed name.
    expect(createHmac('sha256', KEY).update(shapeOf(right)).digest('hex').slice(0, 16)).toBe(
      hex(right.builder)
    )
  })
  it('change when a file the config names has other contents (a rotated CA at the same path)', () => {
    const config = {
      'buildkitd-config-inline':
        '[registry."r.example"]\nca = ["/certs/ca.pem"]\n[[registry."r.example".keypair]]\nkey = "/certs/k.pem"\ncert = "/certs/c.pem"'
    }
    const digests = { '/certs/ca.pem': 'sha256:1', '/certs/k.pem': 'sha256:2', '/certs/c.pem': 'sha256:3' }
    const before = warmPlanOf(config, undefined, { configFileDigests: digests })
    expect(warmPlanOf(config, undefined, { configFileDigests: { ...digests } }).builder).toBe(before.builder)
    for (const path of Object.keys(digests))
      expect(
        warmPlanOf(config, undefined, { configFileDigests: { ...digests, [path]: 'sha256:rotated' } }).builder
      ).not.toBe(before.builder)
  })
})

describe('the files a warm builder config names', () => {
  it('are digested by contents: a CA rewritten in place, a changed key pair or a TLS folder gives another digest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-files-'))
    const tls = join(dir, 'tls')
    mkdirSync(tls)
    writeFileSync(join(dir, 'ca.pem'), 'CA one')
    writeFileSync(join(dir, 'key.pem'), 'key')
    writeFileSync(join(tls, 'r.crt'), 'crt one')
    writeFileSync(join(tls, 'notes.txt'), 'not read')
    const text = [
      '[registry."r.example"]',
      `ca = ["${dir}/ca.pem"]`,
      `tlsconfigdir = ["${tls}"]`,
      '[[registry."r.example".keypair]]',
      `key = "${dir}/key.pem"`,
      `cert = "${dir}/missing.pem"`
    ].join('\n')
    const digestsOf = () => configFileDigests({ configSources: [{ input: 'buildkitd-config-inline', text }] })
    const first = digestsOf()
    expect(Object.keys(first).sort()).toEqual(
      [`${dir}/ca.pem`, `${dir}/key.pem`, `${dir}/missing.pem`, tls].sort()
    )
    expect(first[`${dir}/missing.pem`]).toBe('unreadable: ENOENT')
    expect(digestsOf()).toEqual(first)
    writeFileSync(join(tls, 'notes.txt'), 'still not read')
    expect(digestsOf()).toEqual(first)
    writeFileSync(join(dir, 'ca.pem'), 'CA two')
    writeFileSync(join(tls, 'r.crt'), 'crt two')
    const second = digestsOf()
    expect(second[`${dir}/ca.pem`]).not.toBe(first[`${dir}/ca.pem`])
    expect(second[tls]).not.toBe(first[tls])
    expect(second[`${dir}/key.pem`]).toBe(first[`${dir}/key.pem`])
  })
  it('never wait on a FIFO, and leave a config that is not TOML to the plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-files-'))
    execFileSync('mkfifo', [join(dir, 'fifo')])
    const text = `[registry."r.example"]\nca = ["${dir}/fifo"]`
    expect(configFileDigests({ configSources: [{ input: 'buildkitd-config-inline', text }] })).toEqual({
      [`${dir}/fifo`]: 'not a regular file'
    })
    expect(configFileDigests({ configSources: [{ input: 'buildkitd-config-inline', text: '[' }] })).toEqual(
      {}
    )
  })
})

describe('the warm-state key', () => {
  beforeEach(reset)
  const warned = () => recorded.lines.filter(line => line.kind === 'warning').map(line => line.text)
  it('is made once, whole, with mode 0600, and read back by every later job', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'warm-')), 'state')
    const key = readWarmKey(dir)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(lstatSync(join(dir, 'key')).mode & 0o777).toBe(0o600)
    expect(readWarmKey(dir)).toBe(key)
    expect(readdirSync(dir)).toEqual(['key'])
    expect(readWarmKey(join(mkdtempSync(join(tmpdir(), 'warm-')), 'state'))).not.toBe(key)
    expect(warned()).toEqual([])
  })
  it.each([
    ['a symlink', (path: string) => symlinkSync(`${path}.real`, path), /is a symlink/],
    ['a folder', (path: string) => mkdirSync(path), /is not a regular file/],
    [
      'readable by others',
      (path: string) => writeFileSync(path, `${'d'.repeat(64)}\n`, { mode: 0o644 }),
      /mode 644/
    ],
    ['not a key', (path: string) => writeFileSync(path, 'guessable', { mode: 0o600 }), /does not hold a key/]
  ])('is refused when it is %s: a warning, and no warm builder', (_name, plant, problem) => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    writeFileSync(join(dir, 'key.real'), `${'d'.repeat(64)}\n`, { mode: 0o600 })
    plant(join(dir, 'key'))
    chmodSync(join(dir, 'key.real'), 0o600)
    expect(readWarmKey(dir)).toBeUndefined()
    expect(warned()).toHaveLength(1)
    expect(warned()[0]).toMatch(problem)
    expect(warned()[0]).toContain('Remove the file')
  })
})

describe('a warm builder config', () => {
  it('limits the cache to the input, or to a tenth of the free disk (2 to 50 GiB)', () => {
    expect(warmPlanOf({ 'warm-builder-cache': '512MB' }).configToml).toMatch(
      /\[worker\.oci\]\ngc = true\nmaxUsedSpace = "512MB"/
    )
    expect(warmPlanOf({}, 300 * GIB).configToml).toContain('maxUsedSpace = "30720MB"')
    expect(defaultCacheBytes(5 * GIB)).toBe(2 * GIB)
    expect(defaultCacheBytes(10_000 * GIB)).toBe(50 * GIB)
  })
  it("leaves the user's own GC settings alone", () => {
    const table = { worker: { oci: { gckeepstorage: '1GB' } } }
    expect(withCacheLimit(table, GIB)).toBe(table)
    expect(
      warmPlanOf({ 'buildkitd-config-inline': '[worker.oci]\ngcpolicy = []' }, 100 * GIB).configToml
    ).not.toContain('maxUsedSpace')
  })
  it('is not limited without warm-builder', () => {
    expect(warmPlanOf({ 'warm-builder': 'false' }, 100 * GIB).configToml).not.toContain('worker')
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

  const quick = { waitMs: 400, pollMs: 20, graceMs: 30_000 }
  const ownerless = (dir: string, ageMs: number) => {
    // What a job killed between making the lock and writing its owner leaves (or a disk that was full).
    mkdirSync(join(dir, 'lock'))
    const then = new Date(Date.now() - ageMs)
    utimesSync(join(dir, 'lock'), then, then)
  }
  it('breaks a lock with no owner once it is older than the grace, and waits on a fresh one', async () => {
    const old = mkdtempSync(join(tmpdir(), 'warm-'))
    ownerless(old, 60_000)
    await expect(withWarmLock(async () => 'taken', old, quick)).resolves.toBe('taken')
    expect(existsSync(join(old, 'lock'))).toBe(false)
    const fresh = mkdtempSync(join(tmpdir(), 'warm-'))
    ownerless(fresh, 1_000)
    await expect(withWarmLock(async () => 'taken', fresh, quick)).rejects.toThrow(
      /Waited 1 s for the warm-builder lock .*no holder written yet/
    )
    expect(existsSync(join(fresh, 'lock'))).toBe(true)
  })
  // Field 22 of /proc/PID/stat, after the command name in parentheses.
  const ownStart = () => readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19]
  it('records its holder: pid and start time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    expect(processStartTime(process.pid)).toBe(ownStart())
    const held = await withWarmLock(
      async () => JSON.parse(readFileSync(join(dir, 'lock', 'holder'), 'utf8')) as Record<string, unknown>,
      dir,
      quick
    )
    expect(held).toEqual({
      pid: process.pid,
      start: ownStart(),
      token: expect.stringMatching(/^[0-9a-f]{16}$/)
    })
  })
  it('takes a lock whose pid lives but started at another time as stale (the pid was reused)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    const planted = (holder: Record<string, unknown>) => {
      mkdirSync(join(dir, 'lock'))
      writeFileSync(join(dir, 'lock', 'owner'), String(holder.pid))
      writeFileSync(join(dir, 'lock', 'holder'), JSON.stringify({ token: 'x', ...holder }))
    }
    // Our own pid stands in for a live process; "1" is not when it started.
    planted({ pid: process.pid, start: '1' })
    await expect(withWarmLock(async () => 'taken', dir, quick)).resolves.toBe('taken')
    planted({ pid: process.pid, start: ownStart() })
    await expect(withWarmLock(async () => 'taken', dir, quick)).rejects.toThrow(`process ${process.pid}`)
  })
  it('is released when the work throws, and when taking it fails half-way (a full disk)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    await expect(
      withWarmLock(async () => {
        throw new Error('create failed')
      }, dir)
    ).rejects.toThrow('create failed')
    expect(existsSync(join(dir, 'lock'))).toBe(false)
    const full = jest.spyOn(fs, 'writeFileSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    try {
      await expect(withWarmLock(async () => 'taken', dir, quick)).rejects.toThrow(/no space left/)
    } finally {
      full.mockRestore()
    }
    expect(readdirSync(dir)).toEqual([])
    await expect(withWarmLock(async () => 'taken', dir, quick)).resolves.toBe('taken')
  })
  it('is not taken by two jobs at once when both find the same stale lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    ownerless(dir, 60_000)
    let inside = 0
    let most = 0
    const hold = () =>
      withWarmLock(
        async () => {
          most = Math.max(most, ++inside)
          await new Promise(resolve => setTimeout(resolve, 30))
          inside--
        },
        dir,
        { ...quick, waitMs: 5_000 }
      )
    await Promise.all([hold(), hold(), hold()])
    expect(most).toBe(1)
    expect(readdirSync(dir)).toEqual([])
  })
})
