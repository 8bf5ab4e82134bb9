import { parseInputs } from '../../../src/inputs/parse'
import type { Plan } from '../../../src/plan/plan'
import {
  describeBuildx,
  describeImageSource,
  describeQemu,
  RunFacts,
  summaryRows
} from '../../../src/report/summary'
import type { BuildxFact, ImageFact, QemuFact } from '../../../src/model/facts'
import { inputSource } from '../../support/inputs'

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
