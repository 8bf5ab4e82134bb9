import { parseInputs } from '../../src/inputs/parse'
import type { Plan } from '../../src/plan/plan'
import {
  describeBuildx,
  describeImageSource,
  describeQemu,
  RunFacts,
  summaryRows
} from '../../src/report/summary'
import { platformDigests, readMetadata } from '../../src/model/metadata-output'
import { inputSource } from '../support/inputs'
import type { BuildxFact, ImageFact, QemuFact } from '../../src/model/facts'

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

describe('summary rows put the facts of a run in words', () => {
  const inputs = parseInputs({ ...inputSource({ tags: 'r.example/app:1' }), defaultBuilderName: 'b1' })
  // Only what the rows read of a plan: they report it, they do not make it.
  const plan = {
    builder: 'b1',
    ownBuilder: true,
    buildkitImage: 'moby/buildkit:buildx-stable-1',
    registryModel: new Map(),
    hostNetworkReasons: []
  } as unknown as Plan
  const result = { digest: 'sha256:1', imageId: 'sha256:1', metadata: '{}' }
  const facts: RunFacts = {
    nodes: [],
    qemu: { kind: 'not-needed' },
    buildx: { source: 'runner' },
    buildkitImage: { source: 'daemon' },
    droppedMirrors: ['https://dead.example'],
    durationMs: 1500,
    steps: { steps: 2, cached: 1, executed: 1 },
    manifest: {}
  }
  const row = (label: string, overrides: Partial<RunFacts> = {}) =>
    summaryRows(inputs, plan, result, { ...facts, ...overrides }).find(r => r.label === label)?.value

  it('renders the QEMU, buildx, BuildKit image and dropped mirror rows from the facts', () => {
    expect(row('QEMU')).toBe('not needed (all platforms native)')
    expect(row('buildx')).toBe('runner')
    expect(row('BuildKit image')).toBe(`${plan.buildkitImage}: already in the Docker daemon`)
    expect(row('Mirrors dropped (unreachable)')).toBe('https://dead.example')
    expect(row('QEMU', { qemu: { kind: 'registered', arches: ['aarch64'], method: 'binfmt image' } })).toBe(
      'registered aarch64 with binfmt image'
    )
    expect(row('buildx', { buildx: { source: 'downloaded', version: '0.19.3' } })).toBe('0.19.3 (downloaded)')
  })

  it.each<[QemuFact, string]>([
    [{ kind: 'left-alone' }, 'left alone (qemu: false)'],
    [{ kind: 'not-needed' }, 'not needed (all platforms native)'],
    [
      { kind: 'registered', arches: ['aarch64', 'riscv64'], method: 'host qemu-user-static' },
      'registered aarch64, riscv64 with host qemu-user-static'
    ],
    [
      { kind: 'registered', arches: ['aarch64'], method: 'binfmt image' },
      'registered aarch64 with binfmt image'
    ],
    [{ kind: 'already-registered', arches: ['aarch64', 'arm'] }, 'already registered: aarch64, arm'],
    [{ kind: 'not-registered', arches: ['s390x'] }, 'not registered: s390x']
  ])('QEMU %j reads "%s"', (fact, sentence) => {
    expect(describeQemu(fact)).toBe(sentence)
  })

  it.each<[ImageFact, string]>([
    [{ source: 'daemon' }, 'already in the Docker daemon'],
    [
      { source: 'pulled', reference: 'mirror.example/moby/buildkit:buildx-stable-1' },
      'pulled from mirror.example/moby/buildkit:buildx-stable-1'
    ],
    [{ source: 'left-to-daemon' }, 'the Docker daemon’s (no mirror for its registry)'],
    [{ source: 'existing-builder' }, 'the existing builder’s own']
  ])('BuildKit image %j reads "%s"', (fact, sentence) => {
    expect(describeImageSource(fact)).toBe(sentence)
  })

  it.each<[BuildxFact, string]>([
    [{ source: 'runner' }, 'runner'],
    [{ source: 'tool-cache', version: '0.19.3' }, '0.19.3 (tool cache)'],
    [{ source: 'downloaded', version: '0.19.3' }, '0.19.3 (downloaded)']
  ])('buildx %j reads "%s"', (fact, sentence) => {
    expect(describeBuildx(fact)).toBe(sentence)
  })
})
