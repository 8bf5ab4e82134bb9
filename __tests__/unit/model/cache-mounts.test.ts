import {
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
  it("reads what the artifact held (a restore's) and the size of the changes (a measure's)", () => {
    const text = [
      `0 restored 12 ${DIGEST} parts=delta`,
      `1 measured 9 ${DIGEST} changed=3`,
      `2 restored 12 ${DIGEST} parts=all`,
      `3 measured 9 ${DIGEST} changed=-1`
    ].join('\n')
    expect(parseMountReport(text, 4)).toEqual([
      { status: 'restored', bytes: 12 * 1024, digest: DIGEST, parts: 'delta' },
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
      tooLarge: [],
      changed: true
    })
    expect(mountsToSave([at(DIGEST, 600), at(OTHER, 600)], [], 1000 * 1024)).toEqual({
      save: [0],
      carried: [],
      updated: [],
      tooLarge: [1],
      changed: true
    })
  })
  it('never counts an empty mount as a change', () => {
    expect(mountsToSave([{ status: 'measured', bytes: 0, digest: '' }], [], 1e9)).toEqual({
      save: [],
      carried: [],
      updated: [],
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
      tooLarge: [],
      changed: true
    })
  })
  it('saves a restored mount that changed little as its changes, and packs it whole when they are over a quarter', () => {
    const restored = (parts?: 'tar' | 'list' | 'delta') => ({
      status: 'restored' as const,
      bytes: 100 * 1024,
      digest: DIGEST,
      ...(parts ? { parts } : {})
    })
    const changedBy = (kb?: number) => ({
      status: 'measured' as const,
      bytes: 100 * 1024,
      digest: OTHER,
      ...(kb !== undefined ? { changedBytes: kb * 1024 } : {})
    })
    const updated = (now: ReturnType<typeof changedBy>, before: ReturnType<typeof restored>) =>
      mountsToSave([now], [before], 1e9).updated
    expect(updated(changedBy(25), restored('list'))).toEqual([0])
    expect(updated(changedBy(25), restored('delta'))).toEqual([0])
    expect(updated(changedBy(26), restored('list'))).toEqual([])
    // Nothing to compare with: an artifact without a listing, or no size of the changes.
    expect(updated(changedBy(1), restored('tar'))).toEqual([])
    expect(updated(changedBy(), restored('list'))).toEqual([])
    // Unchanged is carried, not updated; a mount the builder held is never updated.
    expect(mountsToSave([{ ...changedBy(0), digest: DIGEST }], [restored('list')], 1e9)).toMatchObject({
      carried: [0],
      updated: []
    })
    expect(updated(changedBy(1), { ...restored('list'), status: 'present' as never })).toEqual([])
  })
})
