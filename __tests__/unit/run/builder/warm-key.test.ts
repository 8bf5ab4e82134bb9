import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configFileDigests, readWarmKey } from '../../../../src/run/builder/warm-key'
import { recorded, reset } from '../../../support/doubles/actions-core'

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
