import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cosignMirror, keyPair, requireCosign, secretsOf, verify } from '../support/cosign'
import { buildWith, failure, run as testRun } from '../support/e2e'
import { ExampleRun, newRun, printed, runExample, stack } from '../support/examples'
import { ROOT } from '../support/run-action'
import { Registry } from '../support/stack'

// Tags from the Git ref, offline, under act on the stack: examples/workflows/release.yml for a tag push, a branch
// push and a pull request, and the reusable workflow with the same meta-* inputs for a tag push. Each run gets a
// repository of its own, so what a run did not push is absent, not just unchecked.

jest.setTimeout(900_000)

const PLATFORMS = ['linux/amd64', 'linux/arm64']
const authRegistry = new Registry(stack.STACK_AUTH_REGISTRY, {
  user: stack.STACK_AUTH_USER,
  password: stack.STACK_AUTH_PASSWORD
})
const pushRegistry = new Registry(stack.STACK_PUSH_REGISTRY)

/** The event payload a server sends, with the repository object the labels come from. */
function payload(repository: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    ...extra,
    repository: {
      name: repository.split('/')[1],
      full_name: repository,
      html_url: `https://github.com/${repository}`,
      description: 'A release built offline',
      default_branch: 'main',
      license: { spdx_id: 'MIT' }
    }
  }
}

/** Runs examples/workflows/release.yml for one event; the repository name is known before the run. */
function release(event: string, extra: Record<string, unknown>): Promise<ExampleRun> {
  const run = newRun()
  return runExample('release.yml', {
    run,
    event,
    payload: payload(`examples-${run}/release`, extra),
    actor: stack.STACK_AUTH_USER,
    secrets: { GITHUB_TOKEN: stack.STACK_AUTH_PASSWORD },
    dockerHubReachable: true
  })
}

function expectSucceeded(result: ExampleRun): void {
  const errors = result.log.split('\n').filter(line => /::error\b/.test(line))
  expect({
    status: result.status,
    timedOut: result.timedOut,
    errors,
    tail: result.log.slice(-3000)
  }).toMatchObject({
    status: 0,
    timedOut: false,
    errors: []
  })
}

/** The tags point at one index holding both platforms; its digest. */
async function oneIndex(registry: Registry, repository: string, tags: string[]): Promise<string> {
  const indexes = await Promise.all(tags.map(tag => registry.platformManifests(repository, tag)))
  for (const index of indexes) expect(Object.keys(index.platforms).sort()).toEqual(PLATFORMS)
  expect(new Set(indexes.map(index => index.digest)).size).toBe(1)
  return indexes[0].digest
}

/** The labels of the linux/arm64 image under the tag, from its config blob. */
async function imageLabels(
  registry: Registry,
  repository: string,
  tag: string
): Promise<Record<string, string>> {
  const { platforms } = await registry.platformManifests(repository, tag)
  const { manifest } = await registry.manifest(repository, platforms['linux/arm64'].digest)
  const config = JSON.parse((await registry.blob(repository, manifest.config?.digest ?? '')).toString('utf8'))
  return config.config?.Labels ?? {}
}

describe('examples/workflows/release.yml', () => {
  it('a tag push v1.2.3 pushes 1.2.3, 1.2, 1 and latest as one index, labelled from the payload', async () => {
    const result = await release('push', { ref: 'refs/tags/v1.2.3' })
    expectSucceeded(result)
    const digest = await oneIndex(authRegistry, result.githubRepository, ['1.2.3', '1.2', '1', 'latest'])
    expect(printed(result.log, 'image', 'index')).toEqual([digest])
    expect(printed(result.log, 'image', 'version')).toEqual(['1.2.3'])
    expect(await authRegistry.hasTag(result.githubRepository, 'main')).toBe(false)
    expect(await imageLabels(authRegistry, result.githubRepository, '1.2.3')).toMatchObject({
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.revision': result.sha,
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.description': 'A release built offline'
    })
  })

  it('a branch push pushes the branch and sha-<short> tags, and no version tag', async () => {
    const result = await release('push', { ref: 'refs/heads/main' })
    expectSucceeded(result)
    await oneIndex(authRegistry, result.githubRepository, ['main', `sha-${result.sha.slice(0, 7)}`])
    expect(await authRegistry.hasTag(result.githubRepository, '1.2.3')).toBe(false)
  })

  it('a pull request builds pr-<number> and, with push: false as the example sets it, pushes nothing', async () => {
    const result = await release('pull_request', {
      number: 42,
      pull_request: { number: 42, head: { ref: 'feature', sha: 'f'.repeat(40) }, base: { ref: 'main' } }
    })
    expectSucceeded(result)
    expect(printed(result.log, 'image', 'tags')).toEqual([
      `${stack.STACK_AUTH_REGISTRY}/${result.githubRepository}:pr-42`
    ])
    expect(await authRegistry.hasTag(result.githubRepository, 'pr-42')).toBe(false)
  })
})

describe('the reusable workflow with meta-* inputs', () => {
  const work = mkdtempSync(join(tmpdir(), 'release-e2e-'))
  let mirror: Awaited<ReturnType<typeof cosignMirror>>
  beforeAll(async () => {
    requireCosign()
    mirror = await cosignMirror()
  })
  afterAll(async () => {
    await mirror.close()
    rmSync(work, { recursive: true, force: true })
  })

  it('a tag push builds each platform on its runner, merges them under 1.2.3, 1.2, 1 and latest, and signs the index once', async () => {
    const signer = keyPair(work, 'signer', testRun)
    const run = newRun()
    const repository = `examples-${run}/reusable-release`
    // The SBOM generator the caller names, pushed where the legs' BuildKit pulls it from.
    const scanner = await buildWith(`sbom-scanner-${run}`, {
      context: join(ROOT, '__tests__/e2e/fixtures/sbom-scanner'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}/sbom-scanner:1`,
      platforms: PLATFORMS.join(','),
      provenance: 'false'
    })
    expect({ code: scanner.result.main.code, error: failure(scanner.result) }).toEqual({ code: 0, error: '' })
    const result = await runExample(join(ROOT, '__tests__/e2e/workflows/reusable-release.yml'), {
      run,
      payload: payload(repository, { ref: 'refs/tags/v1.2.3' }),
      // The legs build the caller's commit from its Git server (the default context), as on a real server.
      serveRepository: true,
      labels: ['ubuntu-24.04-arm'],
      timeoutMs: 420_000,
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(work, 'tools-')) },
      secrets: { COSIGN_PRIVATE_KEY: signer.key.trim(), COSIGN_PASSWORD: signer.password },
      extraSubstitutions: [{ example: 'https://releases.internal.example/cosign', stack: mirror.url }]
    })
    expectSucceeded(result)
    const tags = ['1.2.3', '1.2', '1', 'latest']
    const digest = await oneIndex(pushRegistry, result.repository, tags)
    expect(printed(result.log, 'show', 'index')).toEqual([digest])
    expect(printed(result.log, 'show', 'version')).toEqual(['1.2.3'])
    expect(printed(result.log, 'show', 'signed')).toEqual(['true'])
    // Signed once, by the merge (the legs get no key): cosign fetched once from the mirror and checked.
    expect(mirror.served).toEqual([
      '/cosign/v3.1.3/cosign-linux-amd64',
      '/cosign/v3.1.3/cosign_checksums.txt'
    ])
    expect(result.log.match(/\[command\]cosign sign /g) ?? []).toHaveLength(1)
    // Every tag verifies with the key, and not with another one.
    const home = join(work, 'verify-home')
    const plainHttp = ['--allow-http-registry', '--allow-insecure-registry', '--insecure-ignore-tlog=true']
    for (const tag of tags) {
      const ref = `${stack.STACK_PUSH_REGISTRY}/${result.repository}:${tag}`
      const checked = verify(home, ['--key', signer.pub, ...plainHttp, ref])
      expect({ tag, code: checked.code, out: checked.out.slice(-500) }).toMatchObject({ tag, code: 0 })
      expect(checked.out).toContain(digest)
    }
    const other = keyPair(work, 'other', testRun)
    const ref = `${stack.STACK_PUSH_REGISTRY}/${result.repository}:1.2.3`
    expect(verify(home, ['--key', other.pub, ...plainHttp, ref]).code).not.toBe(0)
    for (const secret of secretsOf(signer)) expect(result.log).not.toContain(secret)
    expect(printed(result.log, 'show', 'tags')).toEqual([
      tags.map(tag => `${stack.STACK_PUSH_REGISTRY}/${result.repository}:${tag}`).join(',')
    ])

    // sbom and provenance reached both legs: the merged index holds, for each platform's image, an attestation
    // manifest with an SPDX SBOM and a provenance statement of mode=max (it records the build's steps).
    const { index, platforms } = await pushRegistry.platformManifests(result.repository, '1.2.3')
    const attestations = (index.manifests ?? []).filter(
      m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
    )
    expect(attestations.map(m => m.annotations?.['vnd.docker.reference.digest']).sort()).toEqual(
      PLATFORMS.map(p => platforms[p].digest).sort()
    )
    for (const attestation of attestations) {
      const { manifest } = await pushRegistry.manifest(result.repository, attestation.digest)
      const layers = manifest.layers ?? []
      expect(layers.map(layer => layer.annotations?.['in-toto.io/predicate-type']).sort()).toEqual([
        'https://slsa.dev/provenance/v1',
        'https://spdx.dev/Document'
      ])
      const provenance = layers.find(layer =>
        layer.annotations?.['in-toto.io/predicate-type']?.includes('slsa')
      )
      const statement = JSON.parse(
        (await pushRegistry.blob(result.repository, provenance?.digest ?? '')).toString()
      )
      // mode=max keeps the build's definition (its LLB steps); mode=min leaves it out.
      expect(JSON.stringify(statement.predicate)).toContain('"llbDefinition"')
      // The SBOM is the named generator's.
      const sbom = layers.find(layer => layer.annotations?.['in-toto.io/predicate-type']?.includes('spdx'))
      const document = JSON.parse((await pushRegistry.blob(result.repository, sbom?.digest ?? '')).toString())
      expect(document.predicate?.name).toMatch(/^e2e stand-in scanner: [1-9]\d* files$/)
    }
    // The annotations input reached the merge, which put the index one on the index it pushed and left the bare
    // one (a manifest annotation, which imagetools create refuses) to the legs: it is on each platform's image.
    const indexAnnotations = (index as { annotations?: Record<string, string> }).annotations
    expect(indexAnnotations).toMatchObject({ 'org.example.release': 'built offline' })
    expect(indexAnnotations).not.toHaveProperty('org.example.bare')
    for (const platform of PLATFORMS) {
      const { manifest } = await pushRegistry.manifest(result.repository, platforms[platform].digest)
      expect({
        platform,
        annotations: (manifest as { annotations?: Record<string, string> }).annotations
      }).toMatchObject({
        platform,
        annotations: { 'org.example.bare': 'on each image' }
      })
    }
  })
})
