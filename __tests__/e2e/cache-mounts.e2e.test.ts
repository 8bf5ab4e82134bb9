import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { gunzipSync } from 'node:zlib'
import { artifactName } from '../../src/model/cache-mounts'
import { findCacheMounts } from '../../src/model/dockerfile-mounts'
import { join } from 'node:path'
import { buildWith, expectClean, fixture, mirrorInputs, NO_PROXY_ENV, run, stack } from '../support/e2e'
import { goToolchainImage, GREET, ModuleServer, startModuleServer } from '../support/go-modules'
import { ActionRun, runAction } from '../support/run-action'
import { accessLogLines, logOffset, logSince, Registry } from '../support/stack'

// cache-mounts on the real stack. Every build runs on a FRESH builder (its own name), so a cache mount holds
// only what the action restored. The Go fixture's dependency comes from a module server that only the named
// proxy reaches (web.proxy-only.onion), and every request it gets is logged. examples/workflows/cache-mounts.yml
// is the setting these runs prove: cache-mounts: registry through a mirror and a proxy, with a size bound.

jest.setTimeout(1_800_000)

const registry = new Registry(stack.STACK_PUSH_REGISTRY)
const NAMED_PROXY = stack.STACK_NAMED_PROXY
const proxyInputs = { 'http-proxy': NAMED_PROXY, 'https-proxy': NAMED_PROXY }
const output = (result: ActionRun) => `${result.main.stdout}\n${result.main.stderr}`
const warnings = (result: ActionRun) =>
  result.main.stdout
    .split('\n')
    .filter(line => line.startsWith('::warning'))
    .join('\n')

let server: ModuleServer
let goImage = ''
let source = ''

beforeAll(async () => {
  server = await startModuleServer(GREET.module, GREET.version, GREET.files)
  goImage = await goToolchainImage(stack.STACK_PUSH_REGISTRY)
  source = mkdtempSync(join(tmpdir(), 'cache-mounts-go-'))
  cpSync(fixture('cache-mounts-go'), source, { recursive: true })
})

afterAll(async () => {
  await server?.close()
  if (source) rmSync(source, { recursive: true, force: true })
})

/** A source change: the edition the program prints. */
function edit(edition: string): void {
  const main = join(source, 'main.go')
  writeFileSync(
    main,
    readFileSync(main, 'utf8').replace(/const edition = "[^"]*"/, `const edition = "${edition}"`)
  )
}

/** One build of the Go fixture on a fresh builder; the requests the module server got during it; /compiles. */
async function goBuild(name: string, repository: string, edition: string, inputs: Record<string, string>) {
  edit(edition)
  const before = server.requests.length
  const { builder, result } = await buildWith(
    name,
    {
      context: source,
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:${edition}`,
      platforms: 'linux/amd64',
      'build-args': `GO_IMAGE=${goImage}\nGOPROXY=http://${stack.STACK_PROXY_ONLY_WEB_NAME}:${server.port}`,
      retries: '0',
      ...proxyInputs,
      ...inputs
    },
    { env: NO_PROXY_ENV }
  )
  try {
    if (process.env.CACHE_MOUNTS_E2E_LOGS)
      writeFileSync(join(process.env.CACHE_MOUNTS_E2E_LOGS, `${name}.log`), output(result))
    expectClean(builder)
    const fetched = server.requests.slice(before)
    if (result.main.code !== 0) return { result, fetched, compiles: -1, greeting: '' }
    const { platforms } = await registry.platformManifests(repository, edition)
    const digest = platforms['linux/amd64'].digest
    const compiles = Number((await registry.readFile(repository, digest, 'compiles'))?.trim())
    const greeting = (await registry.readFile(repository, digest, 'greeting')) ?? ''
    return { result, fetched, compiles, greeting }
  } finally {
    rmSync(result.dir, { recursive: true, force: true })
  }
}

describe('cache-mounts: registry', () => {
  const repository = `e2e/cache-mounts-go-${run}`

  it('a fresh builder restores the module and compile caches: no fetch, only the changed package compiled; off fetches again', async () => {
    // 1. Cold: fetches the module through the named proxy, compiles the standard library, saves the mounts.
    const settings = { 'cache-mounts': 'registry', 'cache-mounts-max-size': '1GB' }
    const cold = await goBuild('cm-cold', repository, 'first', settings)
    expect(cold.result.main.code).toBe(0)
    expect(cold.greeting).toBe('hello, first OK\n')
    expect(cold.fetched).toEqual(expect.arrayContaining(['/example.test/greet/@v/v1.0.0.zip']))
    expect(cold.compiles).toBeGreaterThan(10)
    expect(warnings(cold.result)).toMatch(/Cache mounts: nothing restored/)
    const coldReport = JSON.parse(cold.result.outputs['cache-mounts'])
    expect(coldReport).toMatchObject({ restore: 'failed', save: 'saved' })
    expect(coldReport.saved.sort()).toEqual(['/root/.cache/go-build', '/root/go/pkg/mod'])
    expect(await registry.hasTag(repository, 'cache-mounts')).toBe(true)

    // 2. After a source change, on a new builder: nothing asked of the module server, one package compiled.
    const layersBefore = (await registry.manifest(repository, 'cache-mounts')).manifest.layers ?? []
    const warm = await goBuild('cm-restored', repository, 'second', settings)
    expect(warm.result.main.code).toBe(0)
    expect(warm.greeting).toBe('hello, second OK\n')
    expect(warm.fetched).toEqual([])
    expect(warm.compiles).toBeGreaterThanOrEqual(1)
    expect(warm.compiles).toBeLessThan(cold.compiles / 4)
    const warmReport = JSON.parse(warm.result.outputs['cache-mounts'])
    expect(warmReport.restore).toBe('restored')
    expect(warmReport.restored.map((mount: { id: string }) => mount.id).sort()).toEqual([
      '/root/.cache/go-build',
      '/root/go/pkg/mod'
    ])
    expect(warm.result.summary).toContain('Cache mounts restored')
    // The Go image's pull started beside the restore; the build joined it (its FROM is that pull's step, named
    // as the prefetch named it) or found it done.
    expect(output(warm.result)).toContain("Cache mounts: the build's 1 base image pulled beside the restore")
    expect(
      joinedPull(output(warm.result), goImage) || fromStep(output(warm.result), goImage) === 'CACHED'
    ).toBe(true)
    // Only the compile cache changed, a little: one set of changes is added on top of the artifact, whose layers
    // stay as they were, so neither the module cache nor the compile cache is sent again.
    expect(warmReport).toMatchObject({
      save: 'saved',
      saved: [],
      updated: ['/root/.cache/go-build'],
      kept: ['/root/go/pkg/mod']
    })
    const compileCache = warmReport.restored.find(
      (mount: { id: string }) => mount.id === '/root/.cache/go-build'
    )
    expect(warmReport.savedBytes).toBeLessThan(compileCache.bytes / 10)
    const layersAfter = (await registry.manifest(repository, 'cache-mounts')).manifest.layers ?? []
    const digests = (layers: { digest: string }[]) => layers.map(layer => layer.digest)
    expect(digests(layersAfter).slice(0, layersBefore.length)).toEqual(digests(layersBefore))
    // The changes, the names gone, the id of this save.
    expect(layersAfter.length).toBe(layersBefore.length + 3)
    expect(digests(layersAfter)).toContain(await layerNamed(repository, 'cache-mounts', '/root/go/pkg/mod'))

    // 2b. The same source again on a new builder: the compile of step 2 is only in its set of changes, so nothing
    // compiles only if the restore applied it. Go may touch a few small files of its cache: at most another set.
    const again = await goBuild('cm-changes', repository, 'second', settings)
    expect(again.result.main.code).toBe(0)
    expect(again.fetched).toEqual([])
    expect(again.compiles).toBe(0)
    const againReport = JSON.parse(again.result.outputs['cache-mounts'])
    expect(againReport.restore).toBe('restored')
    expect(againReport.saved).toEqual([])

    // 3. Necessity: the same change with cache-mounts off fetches the module and compiles everything again.
    const off = await goBuild('cm-off', repository, 'third', { 'cache-mounts': 'off' })
    expect(off.result.main.code).toBe(0)
    expect(off.fetched).toEqual(expect.arrayContaining(['/example.test/greet/@v/v1.0.0.zip']))
    expect(off.compiles).toBeGreaterThan(10)
    expect(off.result.outputs['cache-mounts']).toBeUndefined()
    expect(fromStep(output(off.result), goImage)).toBe('DONE')
    expect(output(off.result)).not.toContain('Cache mounts:')
  })
})

/** The arch fixture's build on a fresh builder: its secret set, cache-mounts as given. */
async function archBuild(name: string, inputs: Record<string, string>) {
  const { builder, result } = await buildWith(name, {
    context: fixture('cache-mounts-arch'),
    secrets: `token=${SECRET}`,
    retries: '0',
    ...inputs
  })
  if (process.env.CACHE_MOUNTS_E2E_LOGS)
    writeFileSync(join(process.env.CACHE_MOUNTS_E2E_LOGS, `${name}.log`), output(result))
  expectClean(builder)
  rmSync(result.dir, { recursive: true, force: true })
  return result
}

const SECRET = `cache-mounts-secret-${run}-never-saved`

/** The user's build ran its FROM of `image` as the step of the prefetch (`[base0 1/1]`), which it joined. */
function joinedPull(log: string, image: string): boolean {
  const build = log.slice(log.search(/\[command\]\S*docker buildx build .*--metadata-file/))
  return build.split('\n').some(line => / \[base0 1\/1\] FROM /.test(line) && line.includes(` FROM ${image}`))
}

/** How the user's build ended its FROM of `image` in BuildKit's plain progress: CACHED, DONE or ''. */
function fromStep(log: string, image: string): string {
  const lines = log.split('\n')
  const at = lines.findIndex(
    line => / \[stage-0 1\/\d+\] FROM /.test(line) && line.includes(` FROM ${image}`)
  )
  if (at < 0) return ''
  const step = lines[at].split(' ')[0]
  const end = lines
    .slice(at + 1)
    .find(line => line.startsWith(`${step} CACHED`) || line.startsWith(`${step} DONE`))
  return end?.split(' ')[1] ?? ''
}

/** The digest of the artifact's layer that holds the Go fixture's mount with this id (its first tar header). */
async function layerNamed(repository: string, tag: string, id: string): Promise<string> {
  const mount = findCacheMounts(readFileSync(join(source, 'Dockerfile'), 'utf8')).mounts.find(
    m => m.id === id
  )
  if (!mount) throw new Error(`the Go fixture declares no cache mount ${id}`)
  const { manifest } = await registry.manifest(repository, tag)
  for (const layer of manifest.layers ?? []) {
    const bytes = await registry.blob(repository, layer.digest)
    const head = execFileSync('sh', ['-c', 'zstd -dc 2>/dev/null | head -c 512'], { input: bytes })
    if (head.toString('latin1').includes(`${artifactName(mount)}.tar`)) return layer.digest
  }
  throw new Error(`no layer of ${repository}:${tag} holds ${id}`)
}

/** Every layer of a single-manifest image, uncompressed, as text (a tar within shows its files' bytes as they are). */
async function layerTexts(repository: string, tag: string): Promise<string[]> {
  const { manifest } = await registry.manifest(repository, tag)
  const texts: string[] = []
  for (const layer of manifest.layers ?? []) {
    const bytes = await registry.blob(repository, layer.digest)
    // The save compresses with zstd (Node 20 has no zstd: the zstd command), gzip elsewhere.
    const zstd = bytes.readUInt32LE(0) === 0xfd2fb528
    const plain = zstd
      ? execFileSync('zstd', ['-d', '-c'], { input: bytes })
      : bytes[0] === 0x1f
        ? gunzipSync(bytes)
        : bytes
    texts.push(plain.toString('latin1'))
  }
  return texts
}

describe('cache-mounts: split legs, secrets, a broken artifact', () => {
  const repository = `e2e/cache-mounts-arch-${run}`
  const tags = `${stack.STACK_PUSH_REGISTRY}/${repository}`

  it('each push-by-digest leg keeps its own mounts, keyed by its platform; no leg restores another', async () => {
    const leg = (platform: string, round: number) =>
      archBuild(`cm-leg-${platform.split('/')[1]}-${round}`, {
        tags,
        platforms: platform,
        'push-by-digest': 'true',
        'cache-mounts': 'registry'
      })
    for (const round of [1, 2]) {
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        const result = await leg(platform, round)
        expect(result.main.code).toBe(0)
        const { platforms } = await registry.platformManifests(repository, result.outputs.digest)
        const arch = await registry.readFile(repository, platforms[platform].digest, 'arch')
        const machine = platform === 'linux/amd64' ? 'x86_64' : 'aarch64'
        // Round 2 sees round 1's line of its own platform, and nothing of the other one.
        expect(arch).toBe(`${machine}\n`.repeat(round))
      }
    }
    expect(await registry.hasTag(repository, 'cache-mounts-linux-amd64')).toBe(true)
    expect(await registry.hasTag(repository, 'cache-mounts-linux-arm64')).toBe(true)
    expect(await registry.hasTag(repository, 'cache-mounts')).toBe(false)
  })

  it("never saves a secret mount's content, only the cache mount", async () => {
    const ref = `${stack.STACK_PUSH_REGISTRY}/${repository}:secret-check`
    const result = await archBuild('cm-secret', {
      tags: `${tags}:secret`,
      platforms: 'linux/amd64',
      'cache-mounts': ref
    })
    expect(result.main.code).toBe(0)
    expect(JSON.parse(result.outputs['cache-mounts'])).toMatchObject({ save: 'saved', saved: ['/seen'] })
    const texts = await layerTexts(repository, 'secret-check')
    // The mount's tar, and the id of the save.
    expect(texts.length).toBe(2)
    expect(texts[0]).toContain('x86_64')
    expect(texts.some(text => text.includes(SECRET))).toBe(false)
  })

  it('a corrupt artifact warns, the build runs with an empty mount and succeeds, and a good one is saved over it', async () => {
    const ref = `${stack.STACK_PUSH_REGISTRY}/${repository}:corrupt`
    const [mount] = findCacheMounts(
      readFileSync(join(fixture('cache-mounts-arch'), 'Dockerfile'), 'utf8')
    ).mounts
    const dir = mkdtempSync(join(tmpdir(), 'cache-mounts-corrupt-'))
    try {
      writeFileSync(join(dir, `${artifactName(mount)}.tar`), 'this is not a tar archive\n'.repeat(64))
      writeFileSync(join(dir, 'Dockerfile'), `FROM scratch\nCOPY ${artifactName(mount)}.tar /\n`)
      execFileSync('docker', ['build', '-t', ref, dir], { stdio: 'ignore' })
      execFileSync('docker', ['push', ref], { stdio: 'ignore' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const first = await archBuild('cm-corrupt', {
      tags: `${tags}:corrupt-1`,
      platforms: 'linux/amd64',
      'cache-mounts': ref
    })
    expect(first.main.code).toBe(0)
    expect(warnings(first)).toContain('/seen in ' + ref + ' would not unpack')
    const { platforms } = await registry.platformManifests(repository, 'corrupt-1')
    expect(await registry.readFile(repository, platforms['linux/amd64'].digest, 'arch')).toBe('x86_64\n')
    expect(JSON.parse(first.outputs['cache-mounts'])).toMatchObject({ restore: 'restored', save: 'saved' })

    const second = await archBuild('cm-corrupt-2', {
      tags: `${tags}:corrupt-2`,
      platforms: 'linux/amd64',
      'cache-mounts': ref
    })
    expect(second.main.code).toBe(0)
    expect(warnings(second)).toBe('')
    const again = await registry.platformManifests(repository, 'corrupt-2')
    expect(await registry.readFile(repository, again.platforms['linux/amd64'].digest, 'arch')).toBe(
      'x86_64\n'.repeat(2)
    )
  })
})

describe('cache-mounts on a warm builder', () => {
  // A buildx store of this test's own, so its warm builders are new and removed at the end.
  const store = mkdtempSync(join(tmpdir(), 'cache-mounts-warm-store-'))
  const repository = `e2e/cache-mounts-warm-${run}`
  afterAll(() => {
    const names = execFileSync('docker', ['buildx', 'ls', '--format', '{{.Name}}'], {
      encoding: 'utf8',
      env: { ...process.env, BUILDX_CONFIG: store }
    })
    for (const name of names.split('\n').filter(name => /^mpb-warm-[0-9a-f]{16}$/.test(name)))
      execFileSync('docker', ['buildx', 'rm', '--', name], { env: { ...process.env, BUILDX_CONFIG: store } })
    rmSync(store, { recursive: true, force: true })
  })

  it('pulls nothing when the builder holds the mounts already, and keeps using them', async () => {
    const warm = (tag: string, more: Record<string, string> = {}) =>
      runAction({
        inputs: {
          context: fixture('cache-mounts-arch'),
          ...mirrorInputs,
          secrets: `token=${SECRET}`,
          platforms: 'linux/amd64',
          tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:${tag}`,
          'warm-builder': 'true',
          'driver-opts': `env.MPB_E2E_RUN=cache-mounts-${run}`,
          'cache-mounts': 'registry',
          ...more
        },
        env: { BUILDX_CONFIG: store },
        timeoutMs: 480_000
      })
    const first = await warm('1')
    expect(first.main.code).toBe(0)
    expect(JSON.parse(first.outputs['cache-mounts'])).toMatchObject({ restore: 'failed', save: 'saved' })
    const pushLog = logOffset(stack.STACK_PUSH_LOG)
    // A new ROUND: the RUN step runs again (rather than coming from the warm builder's layer cache) and appends.
    const second = await warm('2', { 'build-args': 'ROUND=2' })
    expect(second.main.code).toBe(0)
    expect(second.outputs['builder-reused']).toBe('true')
    expect(JSON.parse(second.outputs['cache-mounts'])).toMatchObject({ restore: 'on-builder', save: 'saved' })
    // The artifact was not even looked at: its manifest was never asked for.
    const asked = accessLogLines(logSince(stack.STACK_PUSH_LOG, pushLog)).filter(
      line => line.path.startsWith(`/v2/${repository}/manifests/cache-mounts`) && line.method === 'GET'
    )
    expect(asked).toEqual([])
    const { platforms } = await registry.platformManifests(repository, '2')
    expect(await registry.readFile(repository, platforms['linux/amd64'].digest, 'arch')).toBe(
      'x86_64\n'.repeat(2)
    )
    // Unchanged (the RUN step comes from the layer cache): measured, and nothing pushed.
    const third = await warm('3')
    expect(third.main.code).toBe(0)
    expect(JSON.parse(third.outputs['cache-mounts'])).toMatchObject({
      restore: 'on-builder',
      save: 'unchanged'
    })
    for (const result of [first, second, third]) rmSync(result.dir, { recursive: true, force: true })
  })
})
