import { readMetadata } from '../../src/report'

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
