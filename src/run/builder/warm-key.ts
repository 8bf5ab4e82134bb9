import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import * as log from '../runner/log'
import type { Inputs } from '../../inputs/parse'
import { parseToml } from '../../model/buildkitd-toml'
import { contentDigest } from '../../model/image-ref'
import { configNamedPaths } from '../../model/warm-shape'

/**
 * What a warm builder's name is made of besides the inputs: the secret it is keyed with, and the contents of
 * the files its config names. Both are read here, so that the fingerprint itself stays pure.
 */

const KEY = /^[0-9a-f]{64}\n?$/

/**
 * The secret of this warm-state folder, created on first use (64 hex characters, mode 0600, put in place whole
 * with link(2), which never replaces a key another job wrote first). undefined, with a warning, when the file
 * is not one this action could have written: a symlink, not a regular file, another user's, open to others.
 */
export function readWarmKey(dir: string): string | undefined {
  const path = join(dir, 'key')
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    for (let attempt = 0; attempt < 2; attempt++) {
      const found = readKeyFile(path)
      if (found !== 'missing') return found.key ?? refuse(path, found.problem)
      createKeyFile(dir, path)
    }
    return refuse(path, 'keeps disappearing')
  } catch (error) {
    return refuse(path, `cannot be read or written (${(error as Error).message})`)
  }
}

function refuse(path: string, problem: string): undefined {
  log.warning(
    `The warm-builder key ${path} ${problem}, so this job does not use a warm builder: it gets a builder ` +
      'of its own, removed after it. Remove the file; the next job writes a new one (mode 0600).'
  )
  return undefined
}

function readKeyFile(path: string): 'missing' | { key?: string; problem: string } {
  let fd: number
  try {
    // O_NOFOLLOW: a symlink is refused, not followed; O_NONBLOCK: a FIFO planted there cannot hold the job.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'missing'
    if (code === 'ELOOP') return { problem: 'is a symlink' }
    throw error
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) return { problem: 'is not a regular file' }
    if (process.getuid && stats.uid !== process.getuid()) return { problem: 'belongs to another user' }
    if ((stats.mode & 0o077) !== 0)
      return { problem: `can be read or written by others (mode ${(stats.mode & 0o777).toString(8)})` }
    const buffer = Buffer.alloc(80)
    const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0))
    return KEY.test(text) ? { key: text.trim(), problem: '' } : { problem: 'does not hold a key' }
  } finally {
    closeSync(fd)
  }
}

function createKeyFile(dir: string, path: string): void {
  const temporary = join(dir, `key.${process.pid}.${randomBytes(6).toString('hex')}`)
  try {
    writeFileSync(temporary, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
    linkSync(temporary, path)
  } catch (error) {
    // Another job wrote its key first: that one is read instead.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    rmSync(temporary, { force: true })
  }
}

/** buildx copies at most this much of each file into the builder; the digest covers the same bytes. */
const MAX_FILE_BYTES = 1024 * 1024
/** A tlsconfigdir is read for its certificates and keys; a folder with more entries than this is cut short. */
const MAX_DIR_ENTRIES = 256
const TLS_FILE = /\.(crt|cert|key)$/

/**
 * Digests of the files the buildkitd config inputs name, by path as written: a file by its contents, a folder
 * (tlsconfigdir) by the names and contents of its certificates and keys. A path that cannot be read gets a
 * digest saying so; buildx reports it when it creates the builder. An input that is not valid TOML is left to
 * makePlan, which refuses it naming the input.
 */
export function configFileDigests(inputs: Pick<Inputs, 'configSources'>): Record<string, string> {
  const digests: Record<string, string> = {}
  for (const { input, text } of inputs.configSources) {
    let paths: string[]
    try {
      paths = configNamedPaths(parseToml(input, text))
    } catch {
      continue
    }
    for (const path of paths) digests[path] ??= pathDigest(path)
  }
  return digests
}

function pathDigest(path: string): string {
  try {
    const entries = readdirSync(path, { withFileTypes: true })
      .filter(entry => TLS_FILE.test(entry.name))
      .map(entry => entry.name)
      .sort()
      .slice(0, MAX_DIR_ENTRIES)
    return contentDigest(entries.map(name => `${name}\0${fileDigest(join(path, name))}\n`).join(''))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOTDIR' ? fileDigest(path) : `unreadable: ${code ?? 'error'}`
  }
}

function fileDigest(path: string): string {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    return `unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`
  }
  try {
    if (!fstatSync(fd).isFile()) return 'not a regular file'
    const buffer = Buffer.alloc(MAX_FILE_BYTES)
    let length = 0
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length)
      if (read === 0) break
      length += read
    }
    return contentDigest(buffer.subarray(0, length))
  } catch (error) {
    return `unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`
  } finally {
    closeSync(fd)
  }
}
