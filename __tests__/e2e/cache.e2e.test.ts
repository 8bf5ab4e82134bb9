import { createServer, Server } from 'node:net'
import { buildWith, expectClean, failure, run, stack } from '../support/e2e'
import { Registry } from '../support/stack'

// The `cache` shorthand on the real stack: a registry cache next to the image that a fresh builder reads
// back, and a cache registry that is down costs a warning, never the build.

jest.setTimeout(600_000)

const registry = new Registry(stack.STACK_PUSH_REGISTRY)
const STEPS = /<td>Steps<\/td><td>(\d+) executed, (\d+) cached \(of (\d+)\)<\/td>/

describe('cache: registry', () => {
  const repository = `e2e/cache-shorthand-${run}`
  const inputs = {
    tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
    platforms: 'linux/amd64,linux/arm64',
    cache: 'registry'
  }

  it('keeps the cache next to the first tag, and a fresh builder takes every step from it', async () => {
    const cold = await buildWith('cache-cold', inputs)
    expect(failure(cold.result)).toBe('')
    expect(STEPS.exec(cold.result.summary)?.slice(1, 3)).toEqual(['2', '0'])
    expect(await registry.hasTag(repository, 'buildcache')).toBe(true)
    expectClean(cold.builder)
    const warm = await buildWith('cache-warm', inputs)
    expect(failure(warm.result)).toBe('')
    expect(STEPS.exec(warm.result.summary)?.slice(1, 3)).toEqual(['0', '2'])
    expectClean(warm.builder)
  })
})

describe('a cache registry that is down', () => {
  let dead: Server
  let port = 0
  beforeAll(async () => {
    // Accepts and closes at once: a registry that is there but broken.
    dead = createServer(socket => socket.destroy())
    await new Promise<void>(resolve => dead.listen(0, '127.0.0.1', resolve))
    port = (dead.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>(resolve => dead.close(() => resolve())))

  it('warns and the build succeeds', async () => {
    const repository = `e2e/cache-dead-${run}`
    const cache = `127.0.0.1:${port}/team/app:buildcache`
    const { builder, result } = await buildWith('cache-dead', {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      cache
    })
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    const warnings = result.main.stdout.split('\n').filter(line => line.startsWith('::warning::Build cache:'))
    expect(warnings).toEqual([
      expect.stringContaining(`importing cache manifest from ${cache} failed`),
      expect.stringContaining('exporting cache to registry failed')
    ])
    const { platforms } = await registry.platformManifests(repository, '1')
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expectClean(builder)
  })

  it('fails the build when the export is written out by hand without ignore-error (what the shorthand prevents)', async () => {
    const repository = `e2e/cache-dead-plain-${run}`
    const cache = `127.0.0.1:${port}/team/app:buildcache`
    const { builder, result } = await buildWith('cache-dead-plain', {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'cache-to': `type=registry,ref=${cache},mode=max`,
      retries: '0'
    })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toMatch(/docker buildx build failed/)
    expectClean(builder)
  })
})
