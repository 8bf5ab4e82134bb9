import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { processStartTime, withWarmLock } from '../../../../src/run/builder/warm-lock'

// The module object src/ calls into (a namespace import is a frozen copy): a write can be made to fail.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs')

describe('leases and the lock', () => {
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
