import { parseCacheMounts } from '../../../src/inputs/cache-mounts'
import { InputError } from '../../../src/model/input-error'

const base = {
  mode: 'registry',
  maxSize: '',
  helper: '',
  tags: ['r.example/team/app:1'],
  platforms: ['linux/amd64', 'linux/arm64'],
  pushByDigest: false
}

describe('cache-mounts', () => {
  it('is off by default and when off', () => {
    expect(parseCacheMounts({ ...base, mode: '' })).toBeUndefined()
    expect(parseCacheMounts({ ...base, mode: 'off' })).toBeUndefined()
    expect(parseCacheMounts({ ...base, mode: 'false' })).toBeUndefined()
  })
  it('keeps the mounts next to the first tag, bounded to 2 GB, copied with busybox', () => {
    expect(parseCacheMounts(base)).toEqual({
      ref: 'r.example/team/app:cache-mounts',
      maxBytes: 2 * 1024 ** 3,
      helper: 'busybox:1.36'
    })
  })
  it('gives each split-build part its own reference, so no leg restores another platform', () => {
    expect(parseCacheMounts({ ...base, platforms: ['linux/arm64'], pushByDigest: true })?.ref).toBe(
      'r.example/team/app:cache-mounts-linux-arm64'
    )
  })
  it('takes a reference, a size and a helper image of the user', () => {
    expect(
      parseCacheMounts({
        ...base,
        mode: 'cache.example/c:mounts',
        maxSize: '500MB',
        helper: 'mirror.example/busybox:1'
      })
    ).toEqual({
      ref: 'cache.example/c:mounts',
      maxBytes: 500 * 1024 ** 2,
      helper: 'mirror.example/busybox:1'
    })
  })
  it.each([
    ['registry without tags', { tags: [] }, /Input "cache-mounts".*"tags" is empty/],
    ['an option as the reference', { mode: '--output=type=local' }, /Input "cache-mounts".*not "registry"/],
    ['a size without a unit', { maxSize: '2' }, /Input "cache-mounts-max-size".*not a size/],
    [
      'an option as the helper',
      { helper: '--privileged' },
      /Input "cache-mounts-helper".*not an image reference/
    ]
  ])('refuses %s, naming the input', (_, given, message) => {
    expect(() => parseCacheMounts({ ...base, ...given })).toThrow(InputError)
    expect(() => parseCacheMounts({ ...base, ...given })).toThrow(message)
  })
})
