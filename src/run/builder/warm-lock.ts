import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import * as log from '../runner/log'

/**
 * The lock jobs of one runner user take while they create or remove a warm builder: a folder `lock` in the
 * warm-state folder. It is filled (the holder's pid, start time and a token) under a name of its own and then
 * renamed into place, so a lock never exists without its holder; rename(2) does not replace a folder that has
 * entries, so only one job gets it. Any lock a dead job left is broken, so it never wedges a runner.
 */

export interface LockTiming {
  /** How long a job waits for a live holder. */
  waitMs: number
  pollMs: number
  /** A lock with no holder written (left by an earlier version killed mid-way) is stale after this. */
  graceMs: number
}

const TIMING: LockTiming = { waitMs: 15 * 60_000, pollMs: 200, graceMs: 30_000 }

interface Holder {
  pid: number
  /** The process's start time (Linux: clock ticks after boot), so a reused pid is not taken for the holder. */
  start?: string
  token: string
}

export async function withWarmLock<T>(
  work: () => Promise<T>,
  dir: string,
  timing: Partial<LockTiming> = {}
): Promise<T> {
  const { waitMs, pollMs, graceMs } = { ...TIMING, ...timing }
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const lock = join(dir, 'lock')
  const deadline = Date.now() + waitMs
  let announced = false
  let token: string | undefined
  for (;;) {
    token = tryTake(dir, lock)
    if (token !== undefined) break
    const seen = lockState(lock, graceMs)
    const broken = seen.stale !== undefined && breakLock(dir, lock, seen.identity)
    if (broken) log.info(`Broke the warm-builder lock: ${seen.stale}.`)
    if (Date.now() > deadline)
      throw new Error(
        `Waited ${Math.ceil(waitMs / 1000)} s for the warm-builder lock ${lock} (${seen.holder}). ` +
          'If no job is setting up a warm builder, remove that folder.'
      )
    if (broken || seen.gone) continue
    if (!announced) log.info(`Waiting for another job to finish setting up a warm builder (${seen.holder}).`)
    announced = true
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
  try {
    return await work()
  } finally {
    release(dir, lock, token)
  }
}

/** The token of the lock this call took; undefined when another holds it. */
function tryTake(dir: string, lock: string): string | undefined {
  const holder: Holder = { pid: process.pid, start: processStartTime(process.pid), token: randomToken() }
  const staging = join(dir, `lock.${holder.token}`)
  try {
    // rename(2) would replace an empty folder: that of an earlier version of this action, between its mkdir
    // and its owner file, is left for lockState to judge.
    if (exists(lock)) return undefined
    mkdirSync(staging, { mode: 0o700 })
    // `owner` holds the pid alone, as earlier versions of this action write and read it.
    writeFileSync(join(staging, 'owner'), String(holder.pid), { mode: 0o600 })
    writeFileSync(join(staging, 'holder'), JSON.stringify(holder), { mode: 0o600 })
    renameSync(staging, lock)
    return holder.token
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return undefined
    throw new Error(
      `Could not take the warm-builder lock in ${dir}: ${(error as Error).message}. ` +
        'Check that the folder is writable by the runner user and its disk is not full.'
    )
  } finally {
    // Whatever failed, nothing half-written is left behind.
    rmSync(staging, { recursive: true, force: true })
  }
}

interface LockState {
  gone?: boolean
  /** Why the lock can be broken; undefined while its holder may still be working. */
  stale?: string
  /** The holder, for messages. */
  holder: string
  /** What was judged: a lock is broken only if it is still this one. */
  identity: string
}

function lockState(lock: string, graceMs: number): LockState {
  let ageMs: number
  try {
    ageMs = Date.now() - lstatSync(lock).mtimeMs
  } catch {
    return { gone: true, holder: 'none', identity: '' }
  }
  const identity = lockIdentity(lock)
  const holder = readHolder(lock)
  if (holder === undefined) {
    const age = `${Math.round(ageMs / 1000)} s old`
    return ageMs > graceMs
      ? { stale: `it has no holder written and is ${age}`, holder: 'no holder written', identity }
      : { holder: `no holder written yet, ${age}`, identity }
  }
  const which = `process ${holder.pid}`
  if (!isAlive(holder.pid)) return { stale: `${which}, which held it, is gone`, holder: which, identity }
  const start = processStartTime(holder.pid)
  if (holder.start !== undefined && start !== undefined && start !== holder.start)
    return {
      stale: `${which}, which held it, is gone (its pid is another process's now)`,
      holder: which,
      identity
    }
  return { holder: which, identity }
}

/** The holder a lock names: this version's record, or the bare pid an earlier version wrote. */
function readHolder(lock: string): Holder | undefined {
  const record = readSmall(join(lock, 'holder'))
  if (record !== undefined) {
    try {
      const parsed = JSON.parse(record) as Partial<Holder>
      if (
        isPid(parsed.pid) &&
        typeof parsed.token === 'string' &&
        (parsed.start === undefined || typeof parsed.start === 'string')
      )
        return { pid: parsed.pid, start: parsed.start, token: parsed.token }
    } catch {
      // Not a record: judged by the owner file alone.
    }
  }
  const pid = Number(readSmall(join(lock, 'owner')))
  return isPid(pid) ? { pid, token: '' } : undefined
}

function lockIdentity(lock: string): string {
  try {
    const { ino } = lstatSync(lock)
    return JSON.stringify([ino, readSmall(join(lock, 'holder')), readSmall(join(lock, 'owner'))])
  } catch {
    return ''
  }
}

/**
 * Moves a stale lock aside, then checks it moved the one it judged: another job may have broken it and taken
 * the lock meanwhile, and that job's lock is put back.
 */
function breakLock(dir: string, lock: string, identity: string): boolean {
  const aside = join(dir, `lock.stale.${randomToken()}`)
  try {
    renameSync(lock, aside)
  } catch {
    return false
  }
  if (lockIdentity(aside) !== identity) {
    try {
      renameSync(aside, lock)
    } catch {
      log.warning(`Moved a live warm-builder lock aside and could not put it back (${aside}).`)
    }
    return false
  }
  rmSync(aside, { recursive: true, force: true })
  return true
}

function release(dir: string, lock: string, token: string): void {
  try {
    if (readHolder(lock)?.token !== token) {
      log.warning(`The warm-builder lock ${lock} was no longer this job's when it finished; left as it is.`)
      return
    }
    // Moved aside first, so no other job ever sees it half removed (which would look like no holder).
    const aside = join(dir, `lock.done.${token}`)
    renameSync(lock, aside)
    rmSync(aside, { recursive: true, force: true })
  } catch (error) {
    log.warning(`Could not release the warm-builder lock ${lock}: ${(error as Error).message}`)
  }
}

export function isAlive(pid: number): boolean {
  if (!isPid(pid)) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** When the process started (Linux: /proc/PID/stat field 22, clock ticks after boot); undefined elsewhere. */
export function processStartTime(pid: number): string | undefined {
  const stat = readSmall(`/proc/${pid}/stat`)
  // Field 2, the command name, is in parentheses and may hold spaces and parentheses itself.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')
  const start = fields?.[22 - 3]
  return start !== undefined && /^\d+$/.test(start) ? start : undefined
}

function isPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

/** At most 4 KiB of a regular file; a FIFO or device planted in its place is not waited on. */
function readSmall(path: string): string | undefined {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch {
    return undefined
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined
    const buffer = Buffer.alloc(4096)
    let length = 0
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
    }
    return buffer.toString('utf8', 0, length)
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

function randomToken(): string {
  return randomBytes(8).toString('hex')
}
