import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, Server } from 'node:http'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import TOML from '@iarna/toml'
import {
  buildWith,
  commandLine,
  expectClean,
  expectNoBuilderCreated,
  expectServedByMirror,
  failure,
  mirrorInputs,
  stack
} from '../support/e2e'
import { logOffset, Registry } from '../support/stack'

// Issue 4 on the real stack: the BuildKit image through the mirror, a dead mirror, QEMU registered by the
// action, buildx downloaded through buildx-download-url, and failures explained.

jest.setTimeout(600_000)

const IMAGE = stack.STACK_BUILDKIT_IMAGE
const imageId = (): string | undefined => {
  try {
    return execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGE], {
      encoding: 'utf8'
    }).trim()
  } catch {
    return undefined
  }
}

/**
 * Takes the BuildKit image's name out of the daemon; one already gone (another run on this stack took it) is fine
 * too. Forced: a builder still running from it (any other on this machine) would make a plain rmi refuse; forced,
 * the name goes and that builder runs on.
 */
function removeImage(): void {
  spawnSync('docker', ['rmi', '--force', IMAGE], { stdio: 'ignore', timeout: 60_000 })
  expect(imageId()).toBeUndefined()
}

describe('BuildKit image missing from the daemon', () => {
  afterAll(() => {
    // Leave the stack as stack/up made it, whatever happened above.
    if (!imageId()) execFileSync('bash', ['stack/up'], { stdio: 'ignore', timeout: 300_000 })
  })

  it('is pulled through the Docker Hub mirror, tagged, and reported', async () => {
    removeImage()
    const before = logOffset(stack.STACK_MIRROR_LOG)
    const { builder, result } = await buildWith('image', { push: 'false', platforms: 'linux/amd64' })
    expect(failure(result)).toBe('')
    expect(result.main.stdout).toContain(`${IMAGE}: pulled from ${stack.STACK_MIRROR}/${IMAGE}`)
    expect(result.summary).toContain(`pulled from ${stack.STACK_MIRROR}/${IMAGE}`)
    const served = expectServedByMirror(before, 'moby/buildkit', { blobs: false })
    expect(served.map(line => line.path)).toContainEqual(
      expect.stringMatching(/^\/v2\/moby\/buildkit\/manifests\/buildx-stable-1/)
    )
    expect(imageId()).toBeDefined()
    expectClean(builder)
  })
})

describe('a first mirror that accepts connections and never answers', () => {
  const sockets = new Set<Socket>()
  const silent = createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  let deadMirror = ''
  beforeAll(async () => {
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    deadMirror = `127.0.0.1:${(silent.address() as { port: number }).port}`
  })
  afterAll(async () => {
    sockets.forEach(socket => socket.destroy())
    await new Promise(resolve => silent.close(resolve))
  })

  it('is dropped by mirror-check warn, so the build goes straight to the live mirror', async () => {
    const started = Date.now()
    const mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
    const { builder, result } = await buildWith('deadmirror', {
      push: 'false',
      platforms: 'linux/amd64,linux/arm64',
      'no-cache': 'true',
      'registry-mirrors': `http://${deadMirror}\n${mirrorInputs['registry-mirrors']}`
    })
    expect(failure(result)).toBe('')
    expect(result.main.stdout).toMatch(
      new RegExp(
        `::warning::Registry mirror ${deadMirror} .*unreachable \\(timeout after 3000 ms\\); dropped it`
      )
    )
    // The builder booted during the preflight with the dead mirror in it, so it was replaced before the build.
    expect(result.main.stdout).toContain(`::group::Builder ${builder} (replaced: a mirror is down)`)
    expect(result.outputs['buildkitd-config']).not.toContain(`mirrors = [ "${deadMirror}"`)
    expect(result.outputs['buildkitd-config']).toContain(`"${stack.STACK_MIRROR}"`)
    // The config BuildKit got, parsed: Docker Hub's mirrors are the live one alone, and no section lists the
    // dead one (its own section may stay, with http = true and no mirrors: nothing routes to it).
    const registry = TOML.parse(result.outputs['buildkitd-config']).registry as Record<
      string,
      { mirrors?: string[]; http?: boolean }
    >
    expect(registry['docker.io']).toEqual({ mirrors: [stack.STACK_MIRROR] })
    expect(registry[stack.STACK_MIRROR]).toEqual({ http: true })
    expect(Object.values(registry).flatMap(options => options.mirrors ?? [])).toEqual([stack.STACK_MIRROR])
    expectServedByMirror(mirrorLog, 'library/busybox')
    expect(result.summary).toContain('Network preflight')
    // Without the check BuildKit waits on the silent mirror for as long as it keeps the connection open.
    expect(Date.now() - started).toBeLessThan(120_000)
    expectClean(builder)
  })

  it('never pulls a missing BuildKit image through the mirror the preflight dropped', async () => {
    removeImage()
    try {
      const started = Date.now()
      const { builder, result } = await buildWith('deadpull', {
        push: 'false',
        platforms: 'linux/amd64',
        'registry-mirrors': `http://${deadMirror}\n${mirrorInputs['registry-mirrors']}`
      })
      const seconds = (Date.now() - started) / 1000
      expect(failure(result)).toBe('')
      expect(result.main.stdout).toMatch(new RegExp(`::warning::Registry mirror ${deadMirror} .*dropped it`))
      expect(result.main.stdout).toContain(`${IMAGE}: pulled from ${stack.STACK_MIRROR}/${IMAGE}`)
      // Not one attempt through the dead mirror: each would wait on it, three times, with backoff between.
      expect(result.main.stdout).not.toContain(`pull of ${deadMirror}/`)
      console.info(`dead first mirror, BuildKit image absent: ${seconds.toFixed(1)} s from start to post`)
      expectClean(builder)
    } finally {
      if (!imageId()) execFileSync('bash', ['stack/up'], { stdio: 'ignore', timeout: 300_000 })
    }
  })

  it('fails the step with mirror-check strict, before any builder exists', async () => {
    const { builder, result } = await buildWith(
      'strictmirror',
      {
        push: 'false',
        'mirror-check': 'strict',
        'registry-mirrors': `http://${deadMirror}\n${mirrorInputs['registry-mirrors']}`
      },
      { skipPost: true }
    )
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain(deadMirror)
    expect(failure(result)).toContain('mirror-check')
    expectNoBuilderCreated(result, builder)
    await result.runPost()
    expectClean(builder)
  })
})

describe('QEMU', () => {
  const entry = '/proc/sys/fs/binfmt_misc/qemu-aarch64'
  const registration = readFileSync('/usr/lib/binfmt.d/qemu-aarch64.conf', 'utf8').trim()
  const unregister = () => existsSync(entry) && writeFileSync(entry, '-1')
  const registered = () => existsSync(entry) && readFileSync(entry, 'utf8').startsWith('enabled')
  afterEach(() => {
    if (!registered()) writeFileSync('/proc/sys/fs/binfmt_misc/register', registration)
  })

  it('is registered by the action before the builder boots when arm64 is requested', async () => {
    unregister()
    expect(registered()).toBe(false)
    const repository = `e2e/qemu-${Date.now().toString(36)}`
    const { builder, result } = await buildWith('qemu', {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64'
    })
    expect(failure(result)).toBe('')
    expect(registered()).toBe(true)
    expect(result.summary).toContain('registered aarch64 with host qemu-user-static')
    // Before the builder boots: main logged the registration ahead of creating and bootstrapping the builder.
    const lines = result.main.stdout.split('\n')
    const registeredAt = lines.findIndex(line =>
      line.includes('registered aarch64 with host qemu-user-static')
    )
    expect(registeredAt).toBeGreaterThanOrEqual(0)
    // The builder boots in the create command itself (--bootstrap).
    expect(commandLine(result, 'buildx create')).toBeGreaterThan(registeredAt)
    expect(lines[commandLine(result, 'buildx create')]).toContain('--bootstrap')
    const registry = new Registry(stack.STACK_PUSH_REGISTRY)
    const { platforms } = await registry.platformManifests(repository, '1')
    expect(await registry.readFile(repository, platforms['linux/arm64'].digest, 'arch')).toBe('aarch64\n')
    expectClean(builder)
  })

  it('is registered with the binfmt installer image, pulled through the mirror, when the runner has no qemu-user-static', async () => {
    const conf = '/usr/lib/binfmt.d/qemu-aarch64.conf'
    const hiddenConf = `${conf}.hidden-by-e2e`
    unregister()
    renameSync(conf, hiddenConf)
    const mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
    try {
      const { builder, result } = await buildWith('qemuimage', {
        push: 'false',
        platforms: 'linux/arm64',
        'no-cache': 'true',
        'qemu-image': stack.STACK_BINFMT_IMAGE
      })
      expect(failure(result)).toBe('')
      expect(result.summary).toContain('registered aarch64 with binfmt image')
      expect(result.main.stdout).toContain(
        `${stack.STACK_BINFMT_IMAGE}: pulled from ${stack.STACK_MIRROR}/${stack.STACK_BINFMT_IMAGE}`
      )
      expect(readFileSync(entry, 'utf8')).toMatch(/interpreter \/usr\/bin\/qemu-aarch64-static/)
      expectServedByMirror(mirrorLog, stack.STACK_BINFMT_IMAGE.replace(/:[^/]*$/, ''), { blobs: false })
      expectClean(builder)
    } finally {
      renameSync(hiddenConf, conf)
      // Back to the host's own registration, as stack/up left it.
      unregister()
      execFileSync('docker', ['rmi', stack.STACK_BINFMT_IMAGE], { stdio: 'ignore' })
    }
  })

  it('is left alone with qemu: false, and the exec format error is explained', async () => {
    unregister()
    const { builder, result } = await buildWith('noqemu', {
      push: 'false',
      platforms: 'linux/arm64',
      qemu: 'false',
      'no-cache': 'true'
    })
    expect(result.main.code).toBe(1)
    expect(registered()).toBe(false)
    expect(result.main.stdout).toContain('::error title=Platform cannot run on this runner::')
    expectClean(builder)
  })
})

describe('buildx missing on the runner', () => {
  const plugin = '/usr/local/lib/docker/cli-plugins/docker-buildx'
  const hidden = `${plugin}.hidden-by-e2e`
  const dir = mkdtempSync(join(tmpdir(), 'buildx-e2e-'))
  const requests: string[] = []
  let server: Server
  let template = ''
  beforeAll(async () => {
    const binary = join(dir, 'buildx')
    copyFileSync(plugin, binary)
    const digest = createHash('sha256').update(readFileSync(binary)).digest('hex')
    const name = `buildx-v${stack.BUILDX_VERSION.replace(/^v/, '')}.linux-amd64`
    server = createHttpServer((request, response) => {
      requests.push(request.url ?? '')
      if (request.url?.endsWith(`/${name}`)) return response.end(readFileSync(binary))
      if (request.url?.endsWith('/checksums.txt')) return response.end(`${digest} *${name}\n`)
      response.statusCode = 404
      response.end()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    template = `http://127.0.0.1:${(server.address() as { port: number }).port}/{version}/buildx-{version}.{os}-{arch}{ext}`
    renameSync(plugin, hidden)
  })
  afterAll(async () => {
    if (existsSync(hidden)) renameSync(hidden, plugin)
    await new Promise(resolve => server.close(resolve))
  })

  it('is downloaded through buildx-download-url, verified, cached, and found in the tool cache and verified again the second time', async () => {
    const env = { DOCKER_CONFIG: join(dir, 'docker-config'), RUNNER_TOOL_CACHE: join(dir, 'tool-cache') }
    const inputs = {
      push: 'false',
      platforms: 'linux/amd64',
      'buildx-version': stack.BUILDX_VERSION,
      'buildx-download-url': template
    }
    const first = await buildWith('buildx1', inputs, { env })
    expect(failure(first.result)).toBe('')
    expect(requests.map(url => url.split('/').at(-1))).toEqual([
      expect.stringMatching(/^buildx-v/),
      'checksums.txt'
    ])
    expect(first.result.summary).toContain('(downloaded)')
    expect(existsSync(join(env.DOCKER_CONFIG, 'cli-plugins/docker-buildx'))).toBe(false)

    const second = await buildWith('buildx2', inputs, { env })
    expect(failure(second.result)).toBe('')
    // The cached copy is checked against checksums.txt again before it runs: that one request, no binary.
    expect(requests.slice(2).map(url => url.split('/').at(-1))).toEqual(['checksums.txt'])
    expect(second.result.main.stdout).toMatch(/sha256 [0-9a-f]{64} of .*docker-buildx matches /)
    expect(second.result.summary).toContain('(tool cache)')
  })
})

describe('explained failures, triggered for real (config)', () => {
  it('a CA file that does not exist', async () => {
    const { builder, result } = await buildWith('noca', {
      push: 'false',
      'buildkitd-config-inline': `[registry."${stack.STACK_TLS_REGISTRY}"]\nca = ["/nonexistent/ca.pem"]`
    })
    expect(result.main.code).toBe(1)
    expect(result.main.stdout).toContain('::error title=Invalid BuildKit configuration::')
    expectClean(builder)
  })

  it('a proxy on loopback seen from a builder that does not share the host network', async () => {
    const { builder, result } = await buildWith('isolated', {
      push: 'false',
      'driver-opts': 'network=none',
      'registry-mirrors': '',
      'http-proxy': stack.STACK_PROXY,
      'https-proxy': stack.STACK_PROXY,
      'mirror-check': 'off'
    })
    expect(result.main.code).toBe(1)
    expect(result.main.stdout).toMatch(
      /::warning::driver-opts sets network=none, but proxy .* is on loopback/
    )
    expect(result.main.stdout).toContain('::error title=Proxy unreachable::')
    expectClean(builder)
  })
})
