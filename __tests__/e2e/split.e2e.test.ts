import { existsSync, readdirSync } from 'node:fs'
import { buildWith, commandLine, expectClean, failure, run, stack } from '../support/e2e'
import { ActionRun, leakedLines } from '../support/run-action'
import { Registry, TokenRegistry } from '../support/stack'

// Split builds with the action alone (the reusable workflow's jobs do the same through act): each platform
// pushed by digest with no tag, then one merge step makes the index under every tag.

jest.setTimeout(900_000)

const registry = new Registry(stack.STACK_PUSH_REGISTRY)
const DIGEST = /^sha256:[0-9a-f]{64}$/

function expectDoneAndClean(result: ActionRun, builder: string) {
  expect(result.post.code).toBe(0)
  expectClean(builder)
  expect(existsSync(result.runnerTemp) ? readdirSync(result.runnerTemp) : []).toEqual([])
}

async function tags(repository: string): Promise<string[]> {
  const response = await fetch(`http://${stack.STACK_PUSH_REGISTRY}/v2/${repository}/tags/list`)
  if (response.status === 404) return []
  return ((await response.json()) as { tags: string[] | null }).tags ?? []
}

describe('split build on the stack registry', () => {
  const repository = `e2e/split-${run}`
  const image = `${stack.STACK_PUSH_REGISTRY}/${repository}`
  const parts: Record<string, string> = {}

  it.each(['linux/amd64', 'linux/arm64'])('pushes %s by digest only, writing no tag', async platform => {
    const name = `split-${platform.split('/')[1]}`
    const { builder, result } = await buildWith(name, {
      tags: `${image}:ignored`,
      platforms: platform,
      'push-by-digest': 'true'
    })
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    const digest = result.outputs.digest
    expect(digest).toMatch(DIGEST)
    // The digest is in the registry (an index: the image and its provenance), and no tag points at it.
    const { platforms, digest: stored } = await registry.platformManifests(repository, digest)
    expect(stored).toBe(digest)
    expect(Object.keys(platforms)).toEqual([platform])
    expect(JSON.parse(result.outputs.manifest)).toEqual({ [platform]: platforms[platform].digest })
    expect(await tags(repository)).toEqual([])
    expect(commandLine(result, 'buildx build')).toBeGreaterThan(-1)
    expect(result.main.stdout).toContain('push-by-digest=true')
    parts[platform] = digest
    expectDoneAndClean(result, builder)
  })

  it('merges the digests into one index under every tag, with each platform once and its own content', async () => {
    const { builder, result } = await buildWith('split-merge', {
      tags: `${image}:1,${image}:latest`,
      platforms: 'linux/amd64,linux/arm64',
      annotations: `index:org.opencontainers.image.description=split ${run}`,
      'merge-digests': `${parts['linux/amd64']}\n\n${image}@${parts['linux/arm64']}\n`
    })
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    // No build and no container: only imagetools.
    expect(commandLine(result, 'buildx build')).toBe(-1)
    expect(commandLine(result, 'buildx inspect --bootstrap')).toBe(-1)
    expect(commandLine(result, 'buildx imagetools create --builder')).toBeGreaterThan(-1)
    const one = await registry.platformManifests(repository, '1')
    const latest = await registry.platformManifests(repository, 'latest')
    expect(latest.digest).toBe(one.digest)
    expect(result.outputs.digest).toBe(one.digest)
    expect(Object.keys(one.platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(
      (one.index.manifests ?? []).filter(m => m.platform?.architecture === 'arm64').map(m => m.digest)
    ).toEqual([one.platforms['linux/arm64'].digest])
    expect(JSON.parse(result.outputs.manifest)).toEqual({
      'linux/amd64': one.platforms['linux/amd64'].digest,
      'linux/arm64': one.platforms['linux/arm64'].digest
    })
    expect(result.outputs['platforms-built']).toBe('linux/amd64,linux/arm64')
    expect((one.index as { annotations?: Record<string, string> }).annotations).toMatchObject({
      'org.opencontainers.image.description': `split ${run}`
    })
    const arch = async (platform: string) =>
      (await registry.readFile(repository, one.platforms[platform].digest, '/arch'))?.trim()
    expect(await arch('linux/amd64')).toBe('x86_64')
    expect(await arch('linux/arm64')).toBe('aarch64')
    expect(result.summary).toContain('Merged digests')
    expectDoneAndClean(result, builder)
  })

  it('does nothing on a re-run with the same digests, and succeeds', async () => {
    const before = (await registry.platformManifests(repository, '1')).digest
    const { builder, result } = await buildWith('split-rerun', {
      tags: `${image}:1,${image}:latest`,
      platforms: 'linux/amd64,linux/arm64',
      annotations: `index:org.opencontainers.image.description=split ${run}`,
      'merge-digests': `${parts['linux/amd64']},${parts['linux/arm64']}`
    })
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    expect(result.outputs.digest).toBe(before)
    expect(result.main.stdout).toContain(`Every tag already holds index ${before}: nothing to push.`)
    // The push (echoed like every command that changes something) never ran; the dry run is silent.
    const creates = result.main.stdout
      .split('\n')
      .filter(line => /^\[command\].*imagetools create/.test(line))
    expect(creates).toEqual([])
    expect(result.summary).toContain('no: every tag already held this index')
    expectDoneAndClean(result, builder)
  })

  it('fails naming the missing platform, and writes no tag', async () => {
    const { builder, result } = await buildWith('split-missing', {
      tags: `${image}:missing`,
      platforms: 'linux/amd64,linux/arm64',
      'merge-digests': parts['linux/amd64']
    })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain('no image for linux/arm64 among the digests')
    expect(failure(result)).toContain('No tag was written.')
    expect(await registry.hasTag(repository, 'missing')).toBe(false)
    expectDoneAndClean(result, builder)
  })

  it('fails on a platform given twice, and writes no tag', async () => {
    const other = await buildWith('split-other', {
      tags: image,
      platforms: 'linux/amd64',
      labels: `variant=${run}`,
      'push-by-digest': 'true'
    })
    expect(other.result.outputs.digest).toMatch(DIGEST)
    expect(other.result.outputs.digest).not.toBe(parts['linux/amd64'])
    const { builder, result } = await buildWith('split-twice', {
      tags: `${image}:twice`,
      'merge-digests': `${parts['linux/amd64']}\n${other.result.outputs.digest}`
    })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain('more than one image for linux/amd64')
    expect(await registry.hasTag(repository, 'twice')).toBe(false)
    expectDoneAndClean(result, builder)
  })
})

describe('split build through the proxy-only token registry', () => {
  const tokens = new TokenRegistry(stack)
  const repository = `e2e/split-token-${run}`
  const image = `${stack.STACK_TOKEN_REGISTRY}/${repository}`
  const ENV = {
    ...Object.fromEntries(
      ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap(name => [
        [name, ''],
        [name.toLowerCase(), '']
      ])
    ),
    SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR,
    REGISTRY_TOKEN: stack.STACK_TOKEN_PASSWORD
  }
  const network = {
    retries: '0',
    'buildkitd-config-inline': `[registry."${stack.STACK_TOKEN_REGISTRY}"]\nca = ["${stack.STACK_TLS_CA}"]`,
    'registry-auth': `- registry: ${stack.STACK_TOKEN_REGISTRY}\n  username: ${stack.STACK_TOKEN_USER}\n  password-env: REGISTRY_TOKEN\n`
  }
  const proxy = { 'http-proxy': stack.STACK_NAMED_PROXY, 'https-proxy': stack.STACK_NAMED_PROXY }
  let part = ''

  it('pushes both platforms of one runner by digest through the proxy', async () => {
    const { builder, result } = await buildWith(
      'split-token-part',
      { ...network, ...proxy, tags: image, platforms: 'linux/amd64,linux/arm64', 'push-by-digest': 'true' },
      { env: ENV }
    )
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    part = result.outputs.digest
    expect(part).toMatch(DIGEST)
    expect(await tokens.hasTag(repository, '1')).toBe(false)
    expectDoneAndClean(result, builder)
  })

  it('needs the proxy for the merge: without it the merge fails and writes no tag', async () => {
    const { builder, result } = await buildWith(
      'split-token-noproxy',
      { ...network, tags: `${image}:1`, platforms: 'linux/amd64,linux/arm64', 'merge-digests': part },
      { env: ENV }
    )
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain('Reading the images to merge failed')
    expect(failure(result)).toContain('registry.proxy-only.onion: no suitable address found')
    expect(await tokens.hasTag(repository, '1')).toBe(false)
    expectDoneAndClean(result, builder)
  })

  it("merges through the proxy with the step login, and the index digest is the registry's", async () => {
    const { builder, result } = await buildWith(
      'split-token-merge',
      {
        ...network,
        ...proxy,
        tags: `${image}:1`,
        platforms: 'linux/amd64,linux/arm64',
        'merge-digests': part
      },
      { env: ENV }
    )
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    const { digest, platforms } = await tokens.platformManifests(repository, '1')
    expect(result.outputs.digest).toBe(digest)
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(leakedLines(result, [stack.STACK_TOKEN_PASSWORD])).toEqual([])
    expectDoneAndClean(result, builder)
  })
})
