import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findCacheMounts } from '../../../../src/model/dockerfile-mounts'
import { planCacheMounts } from '../../../../src/plan/cache-mounts-plan'
import { prefetchBases, restoreCacheMounts, saveCacheMounts } from '../../../../src/run/build/cache-mounts'
import { answerDocker, calls, DockerAnswer } from '../../../support/doubles/actions-exec'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const mounts = findCacheMounts(
  'FROM x\nRUN --mount=type=cache,target=/go --mount=type=cache,target=/c true'
).mounts
const env = { builder: 'b1', env: { HTTPS_PROXY: 'http://proxy:3128' }, redactions: [] as [string, string][] }
let dir = ''

/** buildx as the helpers see it: `du` lists `held`; a local output writes `report` where --output points. */
function buildx(held: string[], reports: Record<string, string>, push: DockerAnswer = {}) {
  answerDocker(args => {
    if (args[1] === 'du')
      return {
        stdout: held.map(id => `Description:  cached mount /x from exec sh with id "${id}"\n`).join('')
      }
    const output = args[args.indexOf('--output') + 1]
    const dest = /^type=local,dest=(.*)$/.exec(output)?.[1]
    if (!dest) return push
    const name = dest.split('/').at(-1) as string
    if (reports[name] === undefined) return { exitCode: 1, stderr: 'ERROR: failed to solve: not found\n' }
    mkdirSync(dest, { recursive: true })
    writeFileSync(join(dest, 'result'), reports[name])
    return {}
  })
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cache-mounts-run-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const plan = (bases: { ref: string }[] = [], platforms: string[] = []) =>
  planCacheMounts({
    mounts,
    settings: { ref: 'r/app:cache-mounts', maxBytes: 1024 ** 3, helper: 'busybox:1.36' },
    builder: 'b1',
    buildArgs: [],
    workDir: dir,
    bases,
    platforms
  })

describe('restoreCacheMounts', () => {
  it('restores when the builder lacks a mount, through the proxy environment, and reads the report', async () => {
    buildx(['//go'], { restore: `0 present 4 ${A}\n1 restored 8 ${B}\nid 00112233445566778899\n` })
    const restore = await restoreCacheMounts(plan(), env, [], false)
    expect(restore).toMatchObject({
      kind: 'restored',
      artifactId: '00112233445566778899',
      ids: ['/go', '/c'],
      mounts: [
        { status: 'present', bytes: 4096, digest: A },
        { status: 'restored', bytes: 8192, digest: B }
      ]
    })
    expect(calls.map(call => call.args.slice(0, 2))).toEqual([
      ['buildx', 'du'],
      ['buildx', 'build']
    ])
    expect(calls[1].env.HTTPS_PROXY).toBe('http://proxy:3128')
    expect(calls[1].args).toContain(`${dir}/cache-mounts/restore.Dockerfile`)
  })

  it('pulls nothing when the builder holds every mount: it only measures', async () => {
    buildx(['//go', '//c'], { measure: `0 measured 4 ${A}\n1 measured 8 ${B}\n` })
    const restore = await restoreCacheMounts(plan(), env, [], false)
    expect(restore.kind).toBe('on-builder')
    expect(calls[1].args).toContain(`type=local,dest=${dir}/cache-mounts/measure`)
    expect(calls.some(call => call.args.some(arg => arg.endsWith('restore.Dockerfile')))).toBe(false)
  })

  it('never throws: a missing artifact is a failed restore with buildx’s reason', async () => {
    buildx([], {})
    await expect(restoreCacheMounts(plan(), env, ['skipped one'], false)).resolves.toMatchObject({
      kind: 'failed',
      reason: 'ERROR: failed to solve: not found',
      skipped: ['skipped one']
    })
  })

  it('does not ask a builder this run created what it holds', async () => {
    buildx([], { restore: `0 restored 4 ${A}\n1 missing 0 -\n` })
    await expect(restoreCacheMounts(plan(), env, [], true)).resolves.toMatchObject({ kind: 'restored' })
    expect(calls.map(call => call.args[1])).toEqual(['build'])
  })
})

/** The measure reports `measure`; the first push fails as when the artifact is gone. Returns the pushes made. */
function firstPushFails(measure: string): () => number {
  let pushes = 0
  answerDocker(args => {
    const output = args[args.indexOf('--output') + 1]
    if (output.startsWith('type=local,')) {
      const dest = output.slice('type=local,dest='.length)
      mkdirSync(dest, { recursive: true })
      writeFileSync(join(dest, 'result'), measure)
      return {}
    }
    pushes += 1
    return pushes === 1 ? { exitCode: 1, stderr: 'ERROR: r/app:cache-mounts: not found\n' } : {}
  })
  return () => pushes
}

describe('saveCacheMounts', () => {
  const restored = [
    { status: 'restored' as const, bytes: 4096, digest: A },
    { status: 'restored' as const, bytes: 8192, digest: B }
  ]

  it('pushes nothing when no mount changed since the restore', async () => {
    buildx([], { measure: `0 measured 4 ${A}\n1 measured 8 ${B}\n` })
    await expect(saveCacheMounts(plan(), env, restored, 1024 ** 3)).resolves.toMatchObject({
      kind: 'unchanged'
    })
    expect(calls).toHaveLength(1)
  })

  it('pushes the mounts when one changed, packing only that one, and says which and how large', async () => {
    buildx([], { measure: `0 measured 4 ${A}\n1 measured 9 ${A}\n` })
    const save = await saveCacheMounts(plan(), env, restored, 1024 ** 3)
    expect(save).toMatchObject({
      kind: 'saved',
      ref: 'r/app:cache-mounts',
      ids: ['/c'],
      kept: ['/go'],
      bytes: 9 * 1024
    })
    expect(calls).toHaveLength(2)
    expect(calls[1].args.some(arg => arg.startsWith('type=image,name=r/app:cache-mounts,push=true'))).toBe(
      true
    )
    expect(readFileSync(join(dir, 'cache-mounts/save.Dockerfile'), 'utf8')).toContain(
      'FROM r/app:cache-mounts AS saved'
    )
  })

  it('packs every mount afresh when the artifact to carry from cannot be read', async () => {
    const pushes = firstPushFails(`0 measured 4 ${A}\n1 measured 9 ${A}\n`)
    const save = await saveCacheMounts(plan(), env, restored, 1024 ** 3)
    expect(save).toMatchObject({ kind: 'saved', ids: ['/go', '/c'], kept: [], bytes: 13 * 1024 })
    expect(pushes()).toBe(2)
    expect(readFileSync(join(dir, 'cache-mounts/save.Dockerfile'), 'utf8')).not.toContain(' AS saved')
  })

  /** A save after a restore of an artifact with an id and one set of changes per mount. */
  const saveOverSets = () =>
    saveCacheMounts(
      plan(),
      env,
      restored.map(mount => ({ ...mount, changeSets: { count: 1, bytes: 0 } })),
      1024 ** 3,
      '00112233445566778899'
    )

  it('appends only the changes of a mount to the artifact restored, and counts their size', async () => {
    buildx([], { measure: `0 measured 4 ${A}\n1 measured 100 ${A} changed=7\n` })
    const save = await saveOverSets()
    expect(save).toMatchObject({ kind: 'saved', ids: [], updated: ['/c'], kept: ['/go'], bytes: 7 * 1024 })
    const text = readFileSync(join(dir, 'cache-mounts/save.Dockerfile'), 'utf8')
    expect(text).toContain('\nFROM saved\n')
    expect(text).toContain('.delta.2.cpio /')
    expect(text).toContain(' != 00112233445566778899 ]')
    // The measure read the listings the restore left, as a named context made even when nothing was restored.
    expect(calls[0].args).toContain(`lists=${dir}/cache-mounts/restore`)
    expect(existsSync(join(dir, 'cache-mounts/restore'))).toBe(true)
  })

  it('packs an updated mount whole when the save does not find the artifact restored', async () => {
    firstPushFails(`0 measured 4 ${A}\n1 measured 100 ${A} changed=7\n`)
    const save = await saveOverSets()
    expect(save).toMatchObject({
      kind: 'saved',
      ids: ['/go', '/c'],
      updated: [],
      kept: [],
      bytes: 104 * 1024
    })
  })

  it('a push that fails is a failed save, never an exception', async () => {
    buildx(
      [],
      { measure: `0 measured 4 ${B}\n1 measured 8 ${B}\n` },
      { exitCode: 1, stderr: 'ERROR: push denied\n' }
    )
    await expect(saveCacheMounts(plan(), env, restored, 1024 ** 3)).resolves.toMatchObject({
      kind: 'failed',
      reason: 'ERROR: push denied'
    })
  })
})

describe('prefetchBases', () => {
  const withBases = () => plan([{ ref: 'golang:1.26' }], ['linux/arm64'])

  it('runs nothing when there is no base image to pull', async () => {
    buildx([], {})
    await expect(prefetchBases(plan(), env)).resolves.toBeUndefined()
    expect(calls).toHaveLength(0)
  })

  it('pulls through the proxy environment, and a failure is a fact, never an exception', async () => {
    buildx([], {})
    await expect(prefetchBases(withBases(), env)).resolves.toMatchObject({ kind: 'pulled', images: 1 })
    expect(calls[0].args).toEqual(
      expect.arrayContaining(['--output', 'type=cacheonly', '--platform', 'linux/arm64'])
    )
    expect(calls[0].env.HTTPS_PROXY).toBe('http://proxy:3128')
    expect(readFileSync(join(dir, 'cache-mounts/prefetch.Dockerfile'), 'utf8')).toContain(
      'FROM golang:1.26 AS base0'
    )
    buildx([], {}, { exitCode: 1, stderr: 'ERROR: golang:1.26: not found\n' })
    // Silent: it runs beside the restore, so none of its output reaches the log.
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
    const failed = prefetchBases(withBases(), env)
    await failed.finally(() => spy.mockRestore())
    expect(written.join('')).not.toContain('not found')
    await expect(failed).resolves.toMatchObject({
      kind: 'failed',
      images: 1,
      reason: 'ERROR: golang:1.26: not found'
    })
  })
})
