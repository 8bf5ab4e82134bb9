import { buildWith, expectClean, failure, stack } from '../support/e2e'
import { startFront } from '../support/fault-front'
import { Registry } from '../support/stack'

// Issue 6, faults injected for real: each outcome asserted, and a tag is either a complete index or absent.

jest.setTimeout(600_000)

const run = Date.now().toString(36)

/** The tag either resolves to an index whose every manifest and blob can be fetched, or does not exist. */
async function completeOrAbsent(
  registry: Registry,
  repository: string,
  tag: string
): Promise<'complete' | 'absent'> {
  if (!(await registry.hasTag(repository, tag))) return 'absent'
  const { manifest: index } = await registry.manifest(repository, tag)
  for (const entry of index.manifests ?? []) {
    const { manifest } = await registry.manifest(repository, entry.digest)
    for (const blob of [manifest.config, ...(manifest.layers ?? [])].filter(b => b !== undefined))
      await registry.blob(repository, blob.digest)
  }
  return 'complete'
}

it('Docker daemon unreachable: fails at once, explained, nothing created', async () => {
  const started = Date.now()
  const { builder, result } = await buildWith(
    'nodaemon',
    { push: 'false' },
    { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }
  )
  expect(result.main.code).toBe(1)
  expect(result.main.stdout).toContain('::error title=Docker daemon not reachable::')
  expect(Date.now() - started).toBeLessThan(60_000)
  expectClean(builder)
})

it('registry answering 503 to the first uploads, then recovering: the push succeeds and the index is complete', async () => {
  let failed = 0
  const front = await startFront(
    (_count, method) => (method !== 'GET' && method !== 'HEAD' && failed++ < 4 ? '503' : 'pass'),
    stack.STACK_PUSH_REGISTRY
  )
  try {
    const repository = `e2e/flaky-${run}`
    const { builder, result } = await buildWith('flaky', {
      tags: `${front.address}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64'
    })
    expect(failure(result)).toBe('')
    expect(front.seen.filter(line => line.startsWith('503')).length).toBe(4)
    expect(await completeOrAbsent(new Registry(stack.STACK_PUSH_REGISTRY), repository, '1')).toBe('complete')
    expectClean(builder)
  } finally {
    await front.close()
  }
})

it('registry failing every upload: bounded retries, then a clear failure and no tag', async () => {
  const front = await startFront(
    (_count, method) => (method === 'PUT' || method === 'POST' ? '503' : 'pass'),
    stack.STACK_PUSH_REGISTRY
  )
  try {
    const repository = `e2e/down-${run}`
    const started = Date.now()
    const { builder, result } = await buildWith('down', {
      tags: `${front.address}/${repository}:1`,
      platforms: 'linux/amd64',
      retries: '2'
    })
    expect(result.main.code).toBe(1)
    expect(result.main.stdout).toContain('retry 2 of 2')
    expect(result.main.stdout).not.toContain('retry 3 of')
    expect(Date.now() - started).toBeLessThan(240_000)
    expect(await completeOrAbsent(new Registry(stack.STACK_PUSH_REGISTRY), repository, '1')).toBe('absent')
    expectClean(builder)
  } finally {
    await front.close()
  }
})

it('proxy killed in the middle of a push: the step fails, and the tag is complete or absent, never partial', async () => {
  let front = await startFront(count => (count > 6 ? 'reset' : 'pass'))
  const proxy = `http://${front.address}`
  const repository = `e2e/proxykill-${run}`
  try {
    const killer = setTimeout(() => void front.close(), 60_000)
    const { builder, result } = await buildWith('proxykill', {
      tags: `${stack.STACK_PROXIED_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'insecure-registries': stack.STACK_PROXIED_REGISTRY,
      'http-proxy': proxy,
      'https-proxy': proxy,
      'mirror-check': 'off',
      retries: '1'
    })
    clearTimeout(killer)
    expect(result.main.code).toBe(1)
    expect(front.seen.some(line => line.startsWith('reset'))).toBe(true)
    expect(await completeOrAbsent(new Registry(stack.STACK_PUSH_REGISTRY), repository, '1')).toBe('absent')
    expectClean(builder)
  } finally {
    await front.close()
    front = undefined as never
  }
})

it('mirror dying in the middle of a pull: the build fails with the cause, and nothing is pushed', async () => {
  const front = await startFront(count => (count > 3 ? 'reset' : 'pass'), stack.STACK_MIRROR)
  try {
    const repository = `e2e/mirrordies-${run}`
    const { builder, result } = await buildWith('mirrordies', {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'no-cache': 'true',
      pull: 'true',
      'registry-mirrors': `http://${front.address}`,
      retries: '1'
    })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toMatch(/docker buildx build failed/)
    expect(front.seen.some(line => line.startsWith('reset'))).toBe(true)
    expect(await completeOrAbsent(new Registry(stack.STACK_PUSH_REGISTRY), repository, '1')).toBe('absent')
    expectClean(builder)
  } finally {
    await front.close()
  }
})
