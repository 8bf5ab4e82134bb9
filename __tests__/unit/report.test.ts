import { platformDigests, readMetadata } from '../../src/report/summary-rows'

describe('readMetadata', () => {
  const index = 'sha256:' + '1'.repeat(64)
  const config = 'sha256:' + '2'.repeat(64)
  it('takes the config digest as image ID for one platform', () => {
    const result = readMetadata(
      JSON.stringify({ 'containerimage.digest': index, 'containerimage.config.digest': config })
    )
    expect(result).toMatchObject({ digest: index, imageId: config })
  })
  it('takes the index digest as image ID for several platforms', () => {
    expect(readMetadata(JSON.stringify({ 'containerimage.digest': index }))).toMatchObject({
      digest: index,
      imageId: index
    })
  })
  it('is empty when buildx wrote nothing (e.g. --call check)', () => {
    expect(readMetadata('')).toEqual({ digest: '', imageId: '', metadata: '' })
  })
})

describe('readMetadata on a file it cannot use', () => {
  it.each(['{"containerimage.digest": ', 'not json', 'null', '[1, 2]', '"text"'])(
    'says what is wrong and what to do for %j, instead of a bare error',
    text => {
      let error: unknown
      try {
        readMetadata(text)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(Error)
      expect(error).not.toBeInstanceOf(SyntaxError)
      expect(error).not.toBeInstanceOf(TypeError)
      expect((error as Error).message).toContain('--metadata-file')
      expect((error as Error).message).toContain('"buildx-version"')
    }
  )
  it('passes on a file nested deeper than JSON.stringify can go, as written', () => {
    const depth = 200_000
    const text = `{"containerimage.digest": "sha256:1", "x": ${'['.repeat(depth)}${']'.repeat(depth)}}\n`
    const result = readMetadata(text)
    expect(result.digest).toBe('sha256:1')
    expect(result.metadata).toBe(text.trim())
  })
})

describe('platformDigests on what a registry may answer', () => {
  it.each(['', 'not json', 'null', '5', '[]', '{"manifests": 5}', '{"manifests": {"0": {}}}'])(
    'gives no digests for %j',
    text => {
      expect(platformDigests(text)).toEqual({})
    }
  )
  it('skips entries without string fields and keeps the rest', () => {
    const index = {
      manifests: [
        null,
        7,
        { digest: 5, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:x', platform: 'linux/amd64' },
        { digest: 'sha256:y', platform: { os: 'linux', architecture: 1 } },
        { digest: 'sha256:z', platform: { os: 'linux', architecture: 'arm', variant: 7 } },
        { digest: 'sha256:a', platform: { os: 'linux', architecture: 'arm64' }, annotations: 'x' }
      ]
    }
    expect(platformDigests(JSON.stringify(index))).toEqual({
      'linux/arm': 'sha256:z',
      'linux/arm64': 'sha256:a'
    })
  })
  it('keeps a platform named like an Object.prototype member as a plain key', () => {
    const index = { manifests: [{ digest: 'sha256:p', platform: { os: '__proto__', architecture: '' } }] }
    const digests = platformDigests(JSON.stringify(index))
    expect(Object.getPrototypeOf(digests)).toBe(Object.prototype)
    expect(Object.keys(digests)).toEqual(['__proto__'])
  })
})
