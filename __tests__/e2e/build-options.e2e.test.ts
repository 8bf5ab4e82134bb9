import { buildWith, expectClean, failure, fixture, run, stack } from '../support/e2e'
import { leakedLines } from '../support/run-action'
import { dockerText, Registry } from '../support/stack'

// Issue 5 on the real stack: secrets, a two-node builder, a registry cache round trip and the summary.

jest.setTimeout(600_000)

const registry = new Registry(stack.STACK_PUSH_REGISTRY)

describe('secrets', () => {
  const secret = `tok-${run}-S3CRET-value`
  const repository = `e2e/secret-${run}`
  let result: Awaited<ReturnType<typeof buildWith>>['result']

  beforeAll(async () => {
    ;({ result } = await buildWith('secret', {
      context: fixture('secret'),
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      secrets: `token=${secret}`,
      provenance: 'mode=max'
    }))
  })

  it('reach RUN --mount=type=secret on every platform', async () => {
    expect(failure(result)).toBe('')
    const { platforms } = await registry.platformManifests(repository, '1')
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      expect((await registry.readFile(repository, platforms[platform].digest, 'secret-length'))?.trim()).toBe(
        String(secret.length)
      )
    }
  })

  it('are in no pushed layer, image config, history or attestation', async () => {
    const blobs = await registry.everyBlobText(repository, '1')
    expect(blobs.length).toBeGreaterThanOrEqual(9)
    expect(blobs.some(text => text.includes('https://slsa.dev/provenance'))).toBe(true)
    expect(blobs.filter(text => text.includes(secret))).toEqual([])
  })

  it('are in no log line, output or summary', () => {
    expect(leakedLines(result, [secret])).toEqual([])
  })
})

describe('a builder spanning two nodes', () => {
  it('sends each platform to the node pinned to it', async () => {
    const repository = `e2e/twonode-${run}`
    const { builder, result } = await buildWith(
      'twonode',
      {
        tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
        platforms: 'linux/amd64,linux/arm64',
        'builder-platforms': 'linux/amd64',
        // A second node on the same daemon, reached by another path to its socket (buildx refuses duplicate endpoints).
        append: '- name: armnode\n  endpoint: unix:///run/docker.sock\n  platforms: linux/arm64'
      },
      { skipPost: true }
    )
    expect(failure(result)).toBe('')
    const nodes = JSON.parse(result.outputs.nodes) as { name: string; pinned: string[] }[]
    expect(nodes.map(n => [n.name, n.pinned])).toEqual([
      [`${builder}0`, ['linux/amd64']],
      ['armnode', ['linux/arm64']]
    ])
    // Each node's own snapshots hold only the /arch its platform wrote.
    const archOf = (node: string) =>
      dockerText([
        'exec',
        `buildx_buildkit_${node}`,
        'sh',
        '-c',
        'cat /var/lib/buildkit/runc-overlayfs/snapshots/snapshots/*/fs/arch'
      ]).trim()
    expect(archOf(`${builder}0`)).toBe('x86_64')
    expect(archOf('armnode')).toBe('aarch64')
    expect(await registry.hasTag(repository, '1')).toBe(true)
    expect((await result.runPost()).code).toBe(0)
    expectClean(builder)
    expect(
      dockerText(['ps', '-a', '--filter', 'name=buildx_buildkit_armnode', '--format', '{{.Names}}']).trim()
    ).toBe('')
  })
})

describe('registry cache', () => {
  it('makes the second build of an unchanged context report its steps as cached', async () => {
    const ref = `${stack.STACK_PUSH_REGISTRY}/e2e/cache-${run}:buildcache`
    const inputs = {
      tags: `${stack.STACK_PUSH_REGISTRY}/e2e/cached-${run}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'cache-from': `type=registry,ref=${ref}`,
      'cache-to': `type=registry,ref=${ref},mode=max`
    }
    const cold = await buildWith('cache1', inputs)
    expect(failure(cold.result)).toBe('')
    expect(cold.result.summary).toMatch(/<td>Steps<\/td><td>2 executed, 0 cached \(of 2\)<\/td>/)
    const warm = await buildWith('cache2', inputs)
    expect(failure(warm.result)).toBe('')
    expect(warm.result.summary).toMatch(/<td>Steps<\/td><td>0 executed, 2 cached \(of 2\)<\/td>/)
  })
})

describe('job summary', () => {
  it('matches the pushed index', async () => {
    const repository = `e2e/summary-${run}`
    const { result } = await buildWith('summary', {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64'
    })
    expect(failure(result)).toBe('')
    const { digest, platforms } = await registry.platformManifests(repository, '1')
    expect(result.summary).toContain(`<td>Index digest</td><td>${digest}</td>`)
    const perPlatform = Object.entries(platforms)
      .map(([platform, d]) => `${platform}: ${d.digest}`)
      .join(', ')
    expect(result.summary).toContain(`<td>Per-platform digests</td><td>${perPlatform}</td>`)
    expect(JSON.parse(result.outputs.manifest)).toEqual(
      Object.fromEntries(Object.entries(platforms).map(([p, d]) => [p, d.digest]))
    )
    expect(result.outputs['platforms-built']).toBe('linux/amd64,linux/arm64')
    expect(result.summary).toContain(`<td>Images</td><td>${stack.STACK_PUSH_REGISTRY}/${repository}</td>`)
    expect(result.summary).toMatch(/<td>Build duration<\/td><td>\d+\.\d s<\/td>/)
  })
})
