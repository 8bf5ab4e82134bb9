import {
  artifactIdOf,
  artifactName,
  bucketId,
  cacheMountIdsInUsage,
  mountsToSave,
  parseMountReport
} from '../../../src/model/cache-mounts'

const mount = { id: '/root/go/pkg/mod', sharing: 'shared' as const, stage: '0', line: 3 }
const DIGEST = 'a'.repeat(64)
const OTHER = 'b'.repeat(64)

describe('artifactName', () => {
  it('names a mount by its BuildKit key only: same id and owner, same name; another owner, another name', () => {
    expect(artifactName(mount)).toMatch(/^mount-[0-9a-f]{20}$/)
    expect(artifactName({ ...mount, line: 9, stage: 'b' })).toBe(artifactName(mount))
    expect(artifactName({ ...mount, uid: 1000 })).not.toBe(artifactName(mount))
  })
})

describe('parseMountReport', () => {
  it('reads one line per mount, kilobytes as bytes, and leaves out what does not parse', () => {
    const text = [
      `0 restored 12 ${DIGEST}`,
      '1 missing 0 -',
      '2 restored 1 ; rm -rf /',
      `7 measured 1 ${DIGEST}`
    ].join('\n')
    expect(parseMountReport(text, 3)).toEqual([
      { status: 'restored', bytes: 12 * 1024, digest: DIGEST },
      { status: 'missing', bytes: 0, digest: '' },
      undefined
    ])
  })
  it("reads the sets of changes the artifact held (a restore's), the size of the changes (a measure's) and the id", () => {
    const text = [
      `0 restored 12 ${DIGEST} changes=2:4`,
      `1 measured 9 ${DIGEST} changed=3`,
      `2 restored 12 ${DIGEST} changes=all`,
      `3 measured 9 ${DIGEST} changed=-1`,
      'id 00112233445566778899aabb'
    ].join('\n')
    expect(artifactIdOf(text)).toBe('00112233445566778899aabb')
    expect(artifactIdOf('id x; rm -rf /\nid 0011')).toBeUndefined()
    expect(parseMountReport(text, 4)).toEqual([
      { status: 'restored', bytes: 12 * 1024, digest: DIGEST, changeSets: { count: 2, bytes: 4 * 1024 } },
      { status: 'measured', bytes: 9 * 1024, digest: DIGEST, changedBytes: 3 * 1024 },
      undefined,
      undefined
    ])
  })
})

describe('cacheMountIdsInUsage', () => {
  it('finds the ids of cache mount records in `buildx du --verbose`', () => {
    const text = [
      'ID:           xx8sxcetmp6zvyuvj0n3zfmq8',
      'Description:  cached mount /a from exec /bin/sh -c echo \'with id "/fake"\' with id "//a"',
      'Type:         exec.cachemount',
      'Description:  mount / from exec /bin/sh -c uname -m >> /a/log',
      'Description:  cached mount /b from exec /bin/sh -c true with id "ns/b"'
    ].join('\n')
    expect([...cacheMountIdsInUsage(text)]).toEqual(['//a', 'ns/b'])
    expect(bucketId({ id: '/a' }, '')).toBe('//a')
  })
})

const CHANGE_SETS = expect.any(Array)

describe('mountsToSave', () => {
  const at = (digest: string, kb: number) => ({ status: 'measured' as const, bytes: kb * 1024, digest })
  it('saves nothing when every mount is as it was restored', () => {
    expect(
      mountsToSave([at(DIGEST, 1)], [{ status: 'restored', bytes: 1024, digest: DIGEST }], 1e9).changed
    ).toBe(false)
  })
  it('saves when a mount changed or was not restored, and only what fits under the bound', () => {
    expect(
      mountsToSave(
        [at(DIGEST, 1), at(OTHER, 1)],
        [undefined, { status: 'restored', bytes: 1, digest: OTHER }],
        1e9
      )
    ).toEqual({
      save: [0, 1],
      carried: [1],
      updated: [],
      changeSets: CHANGE_SETS,
      append: false,
      tooLarge: [],
      changed: true
    })
    expect(mountsToSave([at(DIGEST, 600), at(OTHER, 600)], [], 1000 * 1024)).toEqual({
      save: [0],
      carried: [],
      updated: [],
      changeSets: CHANGE_SETS,
      append: false,
      tooLarge: [1],
      changed: true
    })
  })
  it('never counts an empty mount as a change', () => {
    expect(mountsToSave([{ status: 'measured', bytes: 0, digest: '' }], [], 1e9)).toEqual({
      save: [],
      carried: [],
      updated: [],
      changeSets: CHANGE_SETS,
      append: false,
      tooLarge: [],
      changed: false
    })
  })
  it('carries only mounts restored from the artifact and unchanged since, never ones the builder held', () => {
    const now = [at(DIGEST, 1), at(DIGEST, 1), at(OTHER, 1)]
    const before = [
      { status: 'restored' as const, bytes: 1024, digest: DIGEST },
      { status: 'present' as const, bytes: 1024, digest: DIGEST },
      { status: 'restored' as const, bytes: 1024, digest: DIGEST }
    ]
    expect(mountsToSave(now, before, 1e9)).toEqual({
      save: [0, 1, 2],
      carried: [0],
      updated: [],
      changeSets: CHANGE_SETS,
      append: false,
      tooLarge: [],
      changed: true
    })
  })
  it('saves a restored mount that changed little as one more set of changes, and packs it whole past a quarter', () => {
    const restored = (sets?: { count: number; bytes: number }) => ({
      status: 'restored' as const,
      bytes: 100 * 1024,
      digest: DIGEST,
      ...(sets ? { changeSets: sets } : {})
    })
    const changedBy = (kb?: number) => ({
      status: 'measured' as const,
      bytes: 100 * 1024,
      digest: OTHER,
      ...(kb !== undefined ? { changedBytes: kb * 1024 } : {})
    })
    const updated = (now: ReturnType<typeof changedBy>, before: ReturnType<typeof restored>, known = true) =>
      mountsToSave([now], [before], 1e9, known).updated
    expect(updated(changedBy(25), restored({ count: 0, bytes: 0 }))).toEqual([0])
    // The sets the artifact holds count too, and there are at most eight.
    expect(updated(changedBy(5), restored({ count: 3, bytes: 20 * 1024 }))).toEqual([0])
    expect(updated(changedBy(6), restored({ count: 3, bytes: 20 * 1024 }))).toEqual([])
    expect(updated(changedBy(1), restored({ count: 7, bytes: 0 }))).toEqual([0])
    expect(updated(changedBy(1), restored({ count: 8, bytes: 0 }))).toEqual([])
    // Nothing to compare with (no listing from the restore), or an artifact without an id to check.
    expect(updated(changedBy(), restored({ count: 0, bytes: 0 }))).toEqual([])
    expect(updated(changedBy(1), restored())).toEqual([])
    expect(updated(changedBy(1), restored({ count: 0, bytes: 0 }), false)).toEqual([])
    // Unchanged is carried, not updated; a mount the builder held is never updated.
    expect(
      mountsToSave([{ ...changedBy(0), digest: DIGEST }], [restored({ count: 0, bytes: 0 })], 1e9, true)
    ).toMatchObject({ carried: [0], updated: [] })
    expect(
      updated(changedBy(1), { ...restored({ count: 0, bytes: 0 }), status: 'present' as never })
    ).toEqual([])
  })

  it('appends to the artifact only when every mount in it is carried, updated or new to it', () => {
    const sets = { count: 1, bytes: 0 }
    const before = [
      { status: 'restored' as const, bytes: 100 * 1024, digest: DIGEST, changeSets: sets },
      { status: 'restored' as const, bytes: 100 * 1024, digest: DIGEST, changeSets: sets },
      { status: 'missing' as const, bytes: 0, digest: '' }
    ]
    const now = (kb: number) => ({
      status: 'measured' as const,
      bytes: 100 * 1024,
      digest: OTHER,
      changedBytes: kb * 1024
    })
    const measured = [at(DIGEST, 100), now(1), now(0)]
    expect(mountsToSave(measured, before, 1e9, true)).toMatchObject({
      save: [0, 1, 2],
      carried: [0],
      updated: [1],
      changeSets: [1, 1, 0],
      append: true
    })
    // A mount to pack whole again would leave its old copy in the artifact: the image is made anew.
    expect(mountsToSave([at(DIGEST, 100), now(90), now(0)], before, 1e9, true).append).toBe(false)
    expect(mountsToSave(measured, before, 1e9, false).append).toBe(false)
    // One left out for the bound would stay in it too.
    expect(mountsToSave(measured, before, 250 * 1024, true)).toMatchObject({ tooLarge: [2], append: false })
  })
})
