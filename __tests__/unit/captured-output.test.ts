import { createHash } from 'node:crypto'
import { platformDigests, readMetadata } from '../../src/model/metadata-output'
import { builderPlatforms, parseInspectDriver, parseInspectNodes } from '../../src/model/inspect-output'
import { fixture } from '../support/fixtures'

// Parsers against what buildx printed on the real stack: buildx-inspect-*.txt (build-checks/capture.sh and
// registry-push/capture.sh) and the pushes of registry-push/capture.sh, kept byte for byte.
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`

describe('parseInspectNodes on captured `docker buildx inspect` output', () => {
  it('reads the one node of a docker-container builder, every platform, none pinned', () => {
    expect(parseInspectNodes(fixture('buildx-inspect-docker-container.txt'))).toEqual([
      {
        name: 'probe-build-checks-97960',
        endpoint: 'unix:///var/run/docker.sock',
        status: 'running',
        platforms: [
          'linux/amd64',
          'linux/amd64/v2',
          'linux/amd64/v3',
          'linux/amd64/v4',
          'linux/arm64',
          'linux/386'
        ],
        pinned: []
      }
    ])
  })

  it('reads the default builder of the docker driver', () => {
    const output = fixture('buildx-inspect-docker.txt')
    expect(parseInspectDriver(output)).toBe('docker')
    expect(parseInspectNodes(output)).toEqual([
      {
        name: 'default',
        endpoint: 'default',
        status: 'running',
        platforms: ['linux/amd64', 'linux/386', 'linux/arm64'],
        pinned: []
      }
    ])
  })

  it('reads both nodes of an appended builder with the platforms each was created for (marked *)', () => {
    const output = fixture('buildx-inspect-two-nodes.txt')
    const nodes = parseInspectNodes(output)
    expect(parseInspectDriver(output)).toBe('docker-container')
    // The builder's own "Name:" line comes before "Nodes:" and is no node; GC policy and config lines are skipped.
    expect(nodes.map(({ name, endpoint, status, pinned }) => ({ name, endpoint, status, pinned }))).toEqual([
      {
        name: expect.stringMatching(/^capture-runner-\d+0$/),
        endpoint: 'unix:///var/run/docker.sock',
        status: 'running',
        pinned: ['linux/amd64']
      },
      {
        name: expect.stringMatching(/^capture-runner-\d+-arm$/),
        endpoint: 'unix:///run/docker.sock',
        status: 'running',
        pinned: ['linux/arm64']
      }
    ])
    for (const node of nodes) {
      expect(node.platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64', 'linux/arm/v7']))
      expect(node.platforms.some(platform => platform.endsWith('*'))).toBe(false)
    }
    expect(builderPlatforms(nodes)[0]).toBe('linux/amd64')
    expect(new Set(builderPlatforms(nodes)).size).toBe(builderPlatforms(nodes).length)
  })
})

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
