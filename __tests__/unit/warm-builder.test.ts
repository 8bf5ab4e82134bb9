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
import { releaseLease, takeLease } from '../../src/run/builder/warm-builders'
import { configFileDigests, readWarmKey } from '../../src/run/builder/warm-key'
import { processStartTime, withWarmLock } from '../../src/run/builder/warm-lock'
import { recorded, reset } from '../support/doubles/actions-core'

// The module object src/ calls into (a namespace import is a frozen copy): a write can be made to fail.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs')

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
