import {
  cacheMountsOutput,
  cacheMountsRows,
  formatBytes,
  prefetchMessage,
  restoreMessages,
  saveMessages
} from '../../../src/report/cache-mounts'

const DIGEST = 'a'.repeat(64)
const restored = {
  kind: 'restored' as const,
  ids: ['/go/pkg/mod', '/root/.cache/go-build', '/x'],
  mounts: [
    { status: 'restored' as const, bytes: 3 * 1024 ** 2, digest: DIGEST },
    { status: 'too-large' as const, bytes: 5 * 1024 ** 3, digest: '' },
    { status: 'missing' as const, bytes: 0, digest: '' }
  ],
  durationMs: 1500,
  skipped: ['the cache mount on line 4 is seeded from "base"']
}

const SAVED = {
  kind: 'saved' as const,
  ref: 'r/app:cache-mounts',
  bytes: 4096,
  ids: ['/go/pkg/mod'],
  updated: [] as string[],
  kept: [] as string[],
  tooLarge: [] as string[],
  durationMs: 2000
}

describe('cache mounts in words', () => {
  it('sizes in the units of cache-mounts-max-size', () => {
    expect([formatBytes(2048), formatBytes(3 * 1024 ** 2), formatBytes(5 * 1024 ** 3)]).toEqual([
      '2 kB',
      '3.0 MB',
      '5.0 GB'
    ])
  })
  it('says what was restored, warns about a mount too large, and notes what is skipped', () => {
    expect(restoreMessages(restored, 'r/app:cache-mounts')).toEqual([
      { level: 'notice', text: 'Cache mounts: the cache mount on line 4 is seeded from "base".' },
      {
        level: 'warning',
        text: 'Cache mounts: /root/.cache/go-build in r/app:cache-mounts is larger than cache-mounts-max-size (5.0 GB); it starts empty.'
      },
      {
        level: 'info',
        text: 'Cache mounts: /go/pkg/mod restored (3.0 MB), /root/.cache/go-build too-large (5.0 GB), /x not saved yet from r/app:cache-mounts in 1.5 s.'
      }
    ])
  })
  it('says a warm builder held the mounts, and pulled nothing', () => {
    const onBuilder = {
      kind: 'on-builder' as const,
      ids: ['/go/pkg/mod'],
      mounts: [{ status: 'measured' as const, bytes: 2048, digest: DIGEST }],
      durationMs: 300
    }
    expect(restoreMessages(onBuilder, 'r/app:cache-mounts')).toEqual([
      {
        level: 'info',
        text: 'Cache mounts: the builder holds them already, nothing pulled: /go/pkg/mod on the builder (2 kB) in 0.3 s.'
      }
    ])
  })
  it('warns when nothing could be restored, and the build runs cold', () => {
    const [message] = restoreMessages(
      {
        kind: 'failed',
        ids: ['/a'],
        reason: 'ERROR: r/app:cache-mounts: not found',
        durationMs: 10,
        skipped: []
      },
      'r/app:cache-mounts'
    )
    expect(message.level).toBe('warning')
    expect(message.text).toMatch(
      /nothing restored from r\/app:cache-mounts \(ERROR: .*not found\); the build runs with empty/
    )
  })
  it('a save that fails is a warning; the build succeeded', () => {
    expect(saveMessages({ kind: 'failed', reason: 'push refused', durationMs: 1 })).toEqual([
      { level: 'warning', text: 'Cache mounts: not saved (push refused). The build and push succeeded.' }
    ])
  })
  it('puts restore and save in the output and the summary', () => {
    const save = SAVED
    expect(cacheMountsOutput(restored, save)).toEqual({
      restore: 'restored',
      restored: [{ id: '/go/pkg/mod', bytes: 3 * 1024 ** 2 }],
      restoreMs: 1500,
      save: 'saved',
      saved: ['/go/pkg/mod'],
      updated: [],
      savedBytes: 4096,
      kept: [],
      saveMs: 2000
    })
    expect(cacheMountsRows(restored, save)).toEqual([
      {
        label: 'Cache mounts restored',
        value:
          '/go/pkg/mod restored (3.0 MB), /root/.cache/go-build too-large (5.0 GB), /x not saved yet; 3.0 MB in 1.5 s'
      },
      { label: 'Cache mounts saved', value: '/go/pkg/mod; 4 kB in 2.0 s' }
    ])
  })
  it('names the unchanged mounts a save kept from the artifact as they were', () => {
    const save = { ...SAVED, ids: ['/root/.cache/go-build'], kept: ['/go/pkg/mod'] }
    expect(saveMessages(save)).toEqual([
      {
        level: 'info',
        text: 'Cache mounts: saved /root/.cache/go-build (4 kB) to r/app:cache-mounts in 2.0 s. Unchanged, kept as saved before: /go/pkg/mod.'
      }
    ])
    expect(cacheMountsOutput(restored, save)).toMatchObject({
      saved: ['/root/.cache/go-build'],
      kept: ['/go/pkg/mod']
    })
    expect(cacheMountsRows(restored, save)[1].value).toBe(
      '/root/.cache/go-build; 4 kB in 2.0 s; kept unchanged: /go/pkg/mod'
    )
  })
})

describe('a save of changes', () => {
  it('names the mounts of which only the changes were sent, after those packed whole', () => {
    const save = { ...SAVED, ids: ['/a'], updated: ['/root/.cache/go-build'], kept: ['/go/pkg/mod'] }
    expect(saveMessages(save)[0].text).toBe(
      'Cache mounts: saved /a, the changes to /root/.cache/go-build (4 kB) to r/app:cache-mounts in 2.0 s. Unchanged, kept as saved before: /go/pkg/mod.'
    )
    expect(cacheMountsRows(restored, save)[1].value).toBe(
      '/a, the changes to /root/.cache/go-build; 4 kB in 2.0 s; kept unchanged: /go/pkg/mod'
    )
    expect(cacheMountsOutput(restored, save)).toMatchObject({
      saved: ['/a'],
      updated: ['/root/.cache/go-build']
    })
  })
})

describe('prefetchMessage', () => {
  it('says how many base images were pulled beside the restore, or why not', () => {
    expect(prefetchMessage({ kind: 'pulled', images: 1, durationMs: 9800 })).toBe(
      "Cache mounts: the build's 1 base image pulled beside the restore in 9.8 s."
    )
    expect(prefetchMessage({ kind: 'failed', images: 2, reason: 'ERROR: denied', durationMs: 1 })).toBe(
      "Cache mounts: the build's 2 base images not pulled beside the restore (ERROR: denied); the build pulls them itself."
    )
  })
})
