import TOML from '@iarna/toml'
import {
  imageRepository,
  mirrorCandidates,
  splitImage,
  isImageReference,
  parseDigestSource
} from '../../../src/model/image-ref'
import { registryModelFromToml, withoutMirrors } from '../../../src/model/buildkitd-toml'
import { buildRegistryModel, parseMirrorEntry } from '../../../src/model/registries'
import { DIGEST_A as A } from '../../support/digests'

describe('splitImage', () => {
  it.each([
    ['busybox', { registry: 'docker.io', path: 'library/busybox', suffix: ':latest' }],
    [
      'moby/buildkit:buildx-stable-1',
      { registry: 'docker.io', path: 'moby/buildkit', suffix: ':buildx-stable-1' }
    ],
    ['docker.io/tonistiigi/binfmt', { registry: 'docker.io', path: 'tonistiigi/binfmt', suffix: ':latest' }],
    [
      'ghcr.io/o/r/app:1@sha256:' + 'a'.repeat(64),
      { registry: 'ghcr.io', path: 'o/r/app', suffix: '@sha256:' + 'a'.repeat(64) }
    ],
    ['localhost:5000/app:2', { registry: 'localhost:5000', path: 'app', suffix: ':2' }],
    ['localhost/app', { registry: 'localhost', path: 'app', suffix: ':latest' }]
  ])('%s', (image, expected) => {
    expect(splitImage(image)).toEqual(expected)
  })
})

describe('splitImage keeps the digest', () => {
  const digest = '@sha256:' + 'b'.repeat(64)
  it.each([
    [`app:1${digest}`, { registry: 'docker.io', path: 'library/app', suffix: digest }],
    [`localhost:5000/app${digest}`, { registry: 'localhost:5000', path: 'app', suffix: digest }]
  ])('%s', (image, expected) => {
    expect(splitImage(image)).toEqual(expected)
  })
  it('mirrors a pinned image by its digest', () => {
    expect(
      mirrorCandidates(`app:1${digest}`, buildRegistryModel([parseMirrorEntry('mirror.example')], []))
    ).toEqual([`mirror.example/library/app${digest}`])
  })
})

describe('imageRepository', () => {
  const digest = '@sha256:' + 'c'.repeat(64)
  it.each([
    ['busybox', 'busybox'],
    ['app:1', 'app'],
    [`app:1${digest}`, 'app'],
    [`app${digest}`, 'app'],
    ['ghcr.io/o/r/app:v1.2', 'ghcr.io/o/r/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
    [`localhost:5000/app:2${digest}`, 'localhost:5000/app'],
    ['[::1]:5000/team/app:edge', '[::1]:5000/team/app']
  ])('%s → %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository)
  })
})

describe('mirrorCandidates', () => {
  const mirrors = buildRegistryModel(
    ['http://127.0.0.1:5001', 'harbor.example/proxy.docker.io', 'ghcr.io=ghcr.m.example'].map(
      parseMirrorEntry
    ),
    []
  )
  it('rewrites a Docker Hub image for each Docker Hub mirror in order', () => {
    expect(mirrorCandidates('moby/buildkit:buildx-stable-1', mirrors)).toEqual([
      '127.0.0.1:5001/moby/buildkit:buildx-stable-1',
      'harbor.example/proxy.docker.io/moby/buildkit:buildx-stable-1'
    ])
    expect(mirrorCandidates('busybox', mirrors)[0]).toBe('127.0.0.1:5001/library/busybox:latest')
  })
  it('uses the mirrors of the image own registry only', () => {
    expect(mirrorCandidates('ghcr.io/o/img:1', mirrors)).toEqual(['ghcr.m.example/o/img:1'])
    expect(mirrorCandidates('quay.io/o/img:1', mirrors)).toEqual([])
  })
  it('takes the mirrors of the final config: the buildkitd config of the user in, mirrors the preflight dropped out', () => {
    const table = withoutMirrors(
      TOML.parse('[registry."docker.io"]\nmirrors = ["dead.example", "toml-only.example/hub"]'),
      ['dead.example']
    )
    expect(mirrorCandidates('moby/buildkit:buildx-stable-1', registryModelFromToml(table))).toEqual([
      'toml-only.example/hub/moby/buildkit:buildx-stable-1'
    ])
  })
})

describe('references', () => {
  it('refuses registry ports and IPv6 registries that cannot exist', () => {
    expect(isImageReference('r.example:5000/app')).toBe(true)
    expect(isImageReference('[::1]:5000/app')).toBe(true)
    expect(isImageReference('r.example:0/app')).toBe(false)
    expect(isImageReference('r.example:65536/app')).toBe(false)
    expect(isImageReference('[:]:5000/app')).toBe(false)
  })
})

describe('digest sources', () => {
  it('parses a bare digest and one pinned to a repository with a port', () => {
    expect(parseDigestSource(A)).toEqual({ digest: A })
    expect(parseDigestSource(`127.0.0.1:5000/e2e/app@${A}`)).toEqual({
      repository: '127.0.0.1:5000/e2e/app',
      digest: A
    })
    expect(parseDigestSource(`@${A}`)).toBeUndefined()
  })
})
