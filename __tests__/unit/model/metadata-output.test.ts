import { createHash } from 'node:crypto'
import { platformDigests, readMetadata, indexImages } from '../../../src/model/metadata-output'
import { fixture } from '../../support/fixtures'
import { DIGEST_A as A, DIGEST_B as B } from '../../support/digests'

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

// Parsers against the pushes of registry-push/capture.sh on the real stack, kept byte for byte.
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`

describe('platformDigests on the pushed index as `imagetools inspect --raw` printed it', () => {
  const raw = fixture('registry-push/imagetools-raw-index.json')
  const metadata = readMetadata(fixture('registry-push/metadata-two-platforms.json'))

  it('is the index the two-platform push reported (its bytes hash to the digest in --metadata-file)', () => {
    expect(sha256(raw)).toBe(metadata.digest)
  })

  it('gives one image manifest per platform and leaves the attestation manifests out', () => {
    const digests = platformDigests(raw)
    expect(Object.keys(digests)).toEqual(['linux/amd64', 'linux/arm64'])
    const entries = (JSON.parse(raw) as { manifests: { digest: string; platform: { os: string } }[] })
      .manifests
    expect(entries.filter(entry => entry.platform.os === 'unknown')).toHaveLength(2)
    const imageManifests = entries.filter(entry => entry.platform.os === 'linux').map(entry => entry.digest)
    expect(Object.values(digests)).toEqual(imageManifests)
  })

  it('maps arm64 to the manifest the one-platform arm64 push of the same cached build reported', () => {
    expect(platformDigests(raw)['linux/arm64']).toBe(
      readMetadata(fixture('registry-push/metadata-one-platform.json')).digest
    )
  })
})

describe('readMetadata on captured --metadata-file output of pushes', () => {
  it('two platforms on one node: the index digest, which is also the image ID (an index has no one config)', () => {
    const text = fixture('registry-push/metadata-two-platforms.json')
    const result = readMetadata(text)
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(result.imageId).toBe(result.digest)
    expect(JSON.parse(result.metadata)).toEqual(JSON.parse(text))
    expect(result.metadata).not.toContain('\n')
    expect(Object.keys(JSON.parse(result.metadata))).toEqual(
      expect.arrayContaining(['buildx.build.provenance/linux/amd64', 'buildx.build.provenance/linux/arm64'])
    )
  })

  it('one platform: the manifest digest, and the config digest as the image ID', () => {
    const json = JSON.parse(fixture('registry-push/metadata-one-platform.json'))
    const result = readMetadata(fixture('registry-push/metadata-one-platform.json'))
    expect(result.digest).toBe(json['containerimage.descriptor'].digest)
    expect(result.imageId).toBe(json['containerimage.config.digest'])
    expect(result.imageId).not.toBe(result.digest)
  })

  it('two platforms over two nodes: buildx writes only the merged index digest, which is the image ID too', () => {
    const text = fixture('registry-push/metadata-two-nodes.json')
    expect(Object.keys(JSON.parse(text))).toEqual(['containerimage.digest'])
    const result = readMetadata(text)
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(result.imageId).toBe(result.digest)
    expect(result.metadata).toBe(JSON.stringify(JSON.parse(text)))
  })
})

describe('reading buildx and BuildKit output', () => {
  it('takes per-platform digests from an index, without attestations', () => {
    const index = {
      manifests: [
        { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        {
          digest: 'sha256:c',
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        }
      ]
    }
    expect(platformDigests(JSON.stringify(index))).toEqual({
      'linux/amd64': 'sha256:a',
      'linux/arm/v7': 'sha256:b'
    })
  })
})

describe('the platforms of a merged index', () => {
  it('reads images from index JSON as imagetools prints it, leaving attestations out and keeping duplicates', () => {
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { digest: A, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: B, platform: { os: 'linux', architecture: 'amd64' } },
        {
          digest: B,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        }
      ]
    })
    expect(indexImages(index)).toEqual([
      { platform: 'linux/amd64', digest: A },
      { platform: 'linux/amd64', digest: B }
    ])
    expect(platformDigests(index)).toEqual({ 'linux/amd64': B })
    expect(indexImages('not json')).toEqual([])
  })
})
