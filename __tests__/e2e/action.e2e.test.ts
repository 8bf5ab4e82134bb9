import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import {
  buildWith,
  expectClean,
  expectNoBuilderCreated,
  expectServedByMirror,
  failure,
  fixture,
  run,
  stack
} from '../support/e2e'
import { ActionRun, leakedLines } from '../support/run-action'
import { parseRunnerOutput } from '../support/runner-commands'
import { Front, startFront } from '../support/fault-front'
import { dockerText, leftovers, logOffset, logSince, Registry } from '../support/stack'

// Everything here runs the committed dist/ against the real stack from stack/up: dockerd, buildx, a BuildKit
// image built from source, registries on 127.0.0.1, a Docker Hub mirror, tinyproxy and QEMU. Docker Hub itself
// is unreachable on this machine, so an image that builds FROM busybox proves the mirror served it.

jest.setTimeout(600_000)

describe('multi-platform push through the Docker Hub mirror', () => {
  let result: ActionRun
  let builder: string
  const repository = `e2e/mirror-${run}`
  const mirrorLogBefore = logOffset(stack.STACK_MIRROR_LOG)

  beforeAll(async () => {
    ;({ builder, result } = await buildWith('mirror', {
      tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      platforms: 'linux/amd64,linux/arm64'
    }))
  })

  it('succeeds and removes its builder', () => {
    expect(failure(result)).toBe('')
    expect(result.main.code).toBe(0)
    expect(result.post.code).toBe(0)
    expectClean(builder)
  })

  it('pushes ONE index with exactly linux/amd64 and linux/arm64, each built on its own architecture', async () => {
    const registry = new Registry(stack.STACK_PUSH_REGISTRY)
    const { digest, platforms } = await registry.platformManifests(repository, '1')
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(digest).toBe(result.outputs.digest)
    expect(await registry.readFile(repository, platforms['linux/amd64'].digest, 'arch')).toBe('x86_64\n')
    expect(await registry.readFile(repository, platforms['linux/arm64'].digest, 'arch')).toBe('aarch64\n')
  })

  it('pulled busybox through the mirror', () => {
    const log = logSince(stack.STACK_MIRROR_LOG, mirrorLogBefore)
    expect(log).toMatch(/\/v2\/library\/busybox\/manifests\//)
    expect(log).toMatch(/\/v2\/library\/busybox\/blobs\/sha256:/)
    // Docker Hub is blocked and the mirror answered every busybox request with a 200: it served them all.
    expectServedByMirror(mirrorLogBefore, 'library/busybox')
  })

  it('asked the daemon over its socket whether it has the BuildKit image, with no docker process', () => {
    const debug = parseRunnerOutput(result.main.stdout)
      .commands.filter(command => command.name === 'debug')
      .map(command => command.data)
    const path = `/images/${encodeURIComponent(stack.STACK_BUILDKIT_IMAGE)}/json`
    expect(debug).toContainEqual(expect.stringMatching(new RegExp(`^Docker API at \\S+: GET ${path} → 200$`)))
    expect(result.main.stdout).not.toMatch(/docker image inspect/)
  })

  it('reports outputs a later step can use', () => {
    expect(result.outputs.builder).toBe(builder)
    expect(result.outputs.platforms.split(',')).toEqual(
      expect.arrayContaining(['linux/amd64', 'linux/arm64'])
    )
    expect(JSON.parse(result.outputs.metadata)['containerimage.digest']).toBe(result.outputs.digest)
    expect(result.outputs.imageid).toBe(result.outputs.digest)
    expect(result.outputs['buildkitd-config']).toContain(`[registry."${stack.STACK_MIRROR}"]`)
    expect(result.summary).toContain(result.outputs.digest)
  })
})

describe('HTTP proxy', () => {
  const proxied = (name: string, proxy: string) =>
    buildWith(name, {
      tags: `${stack.STACK_PROXIED_REGISTRY}/e2e/${name}-${run}:1`,
      platforms: 'linux/amd64',
      'insecure-registries': stack.STACK_PROXIED_REGISTRY,
      'http-proxy': proxy,
      'https-proxy': proxy
    })

  it('carries the push to a registry addressed by name', async () => {
    const before = readFileSync(stack.STACK_PROXY_LOG, 'utf8').length
    const { builder, result } = await proxied('proxy', stack.STACK_PROXY)
    expect(failure(result)).toBe('')
    expect(result.main.code).toBe(0)
    const log = readFileSync(stack.STACK_PROXY_LOG, 'utf8').slice(before)
    expect(log).toContain(stack.STACK_PROXIED_REGISTRY.split(':')[0])
    expect(await new Registry(stack.STACK_PUSH_REGISTRY).hasTag(`e2e/proxy-${run}`, '1')).toBe(true)
    expectClean(builder)
  })

  it('takes a proxy that wants a password, which no process of the run ever has on its command line', async () => {
    const password = `pw-${run}-Zq9`
    // Forwards by itself (the registry is addressed by a name mapped to 127.0.0.1), and wants the login.
    const front = await startFront(() => 'pass', undefined, { proxyAuth: `ci:${password}` })
    // Any local user can read every process's arguments: sample them all while the action runs.
    const seenOnArgv = new Set<string>()
    let buildxSamples = 0
    const sampler = setInterval(() => {
      for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
        let cmdline = ''
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
        } catch {
          continue
        }
        if (cmdline.includes('buildx')) buildxSamples++
        if (cmdline.includes(password)) seenOnArgv.add(cmdline.replaceAll(password, '<password>'))
      }
    }, 10)
    try {
      const { builder, result } = await proxied('proxyauth', `http://ci:${password}@${front.address}`)
      expect(failure(result)).toBe('')
      expect(front.seen.filter(line => !line.startsWith('407'))).toContainEqual(
        expect.stringContaining(stack.STACK_PROXIED_REGISTRY)
      )
      expect(await new Registry(stack.STACK_PUSH_REGISTRY).hasTag(`e2e/proxyauth-${run}`, '1')).toBe(true)
      expect(buildxSamples).toBeGreaterThan(0)
      expect([...seenOnArgv]).toEqual([])
      expect(leakedLines(result, [password])).toEqual([])
      expectClean(builder)
    } finally {
      clearInterval(sampler)
      await front.close()
    }
  })

  it('fails with a clear message when the proxy is dead', async () => {
    const { builder, result } = await proxied('deadproxy', stack.STACK_DEAD_PROXY)
    expect(result.main.code).toBe(1)
    expect(failure(result)).toMatch(/docker buildx build failed[\s\S]*(proxyconnect|connection refused)/)
    expect(result.main.stdout).toMatch(/::error title=Proxy unreachable::.*"http-proxy"/)
    expectClean(builder)
  })
})

describe('tinyproxy and an HTTPS registry (CONNECT)', () => {
  const pushTo = (name: string, extra: Record<string, string>) =>
    buildWith(name, {
      tags: `${stack.STACK_TLS_REGISTRY}/e2e/${name}-${run}:1`,
      platforms: 'linux/amd64,linux/arm64',
      'http-proxy': stack.STACK_TINYPROXY,
      'https-proxy': stack.STACK_TINYPROXY,
      ...extra
    })

  it('pushes through the proxy with the registry CA from buildkitd-config-inline', async () => {
    const before = readFileSync(stack.STACK_TINYPROXY_LOG, 'utf8').length
    const { builder, result } = await pushTo('tls', {
      'buildkitd-config-inline': `[registry."${stack.STACK_TLS_REGISTRY}"]\nca = ["${stack.STACK_TLS_CA}"]`
    })
    expect(failure(result)).toBe('')
    expect(result.main.code).toBe(0)
    const log = readFileSync(stack.STACK_TINYPROXY_LOG, 'utf8').slice(before)
    expect(log).toContain(`CONNECT ${stack.STACK_TLS_REGISTRY}`)
    expect(readFileSync(stack.STACK_TLS_LOG, 'utf8')).toContain(`PUT /v2/e2e/tls-${run}/manifests/1`)
    expectClean(builder)
  })

  it('explains an untrusted certificate and names the inputs to change', async () => {
    const { builder, result } = await pushTo('untrusted', {})
    expect(result.main.code).toBe(1)
    expect(result.main.stdout).toMatch(
      /::error title=Registry certificate not trusted::.*"insecure-registries"/
    )
    expectClean(builder)
  })
})

describe('insecure registry by name', () => {
  const pushTo = (name: string, extra: Record<string, string> = {}) =>
    buildWith(name, {
      tags: `${stack.STACK_INSECURE_REGISTRY}/e2e/${name}-${run}:1`,
      platforms: 'linux/amd64',
      ...extra
    })

  it('cannot be pushed to without insecure-registries', async () => {
    const { builder, result } = await pushTo('refused')
    expect(result.main.code).toBe(1)
    expect(failure(result)).toMatch(/server gave HTTP response to HTTPS client/)
    expect(result.main.stdout).toMatch(/::error title=Registry speaks plain HTTP::.*"insecure-registries"/)
    expectClean(builder)
  })

  it('is pushed to with insecure-registries', async () => {
    const { builder, result } = await pushTo('accepted', {
      'insecure-registries': stack.STACK_INSECURE_REGISTRY
    })
    expect(failure(result)).toBe('')
    expect(result.main.code).toBe(0)
    const local = stack.STACK_INSECURE_REGISTRY.replace(/^[^:]+/, '127.0.0.1')
    expect(await new Registry(local).hasTag(`e2e/accepted-${run}`, '1')).toBe(true)
    expectClean(builder)
  })
})

describe('cleanup', () => {
  it('removes the builder after a failing build and shows the failing step', async () => {
    const { builder, result } = await buildWith('fail', {
      context: fixture('failing'),
      tags: `${stack.STACK_PUSH_REGISTRY}/e2e/failing-${run}:1`,
      platforms: 'linux/amd64,linux/arm64'
    })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toMatch(/RUN echo about to fail && false/)
    expect(failure(result)).toMatch(/did not complete successfully: exit code: 1/)
    expect(result.post.code).toBe(0)
    expectClean(builder)
    expect(await new Registry(stack.STACK_PUSH_REGISTRY).hasTag(`e2e/failing-${run}`, '1')).toBe(false)
  })

  it('replaces a stale builder of the same name, so the new config is in effect', async () => {
    const first = await buildWith('rerun', {
      push: 'false',
      cleanup: 'false',
      'buildkitd-config-inline': 'debug = false'
    })
    expect(failure(first.result)).toBe('')
    const builder = first.builder
    expect(leftovers(builder).containers).toEqual([`buildx_buildkit_${builder}0`])

    const second = await buildWith(
      'rerun',
      { push: 'false', 'buildkitd-config-inline': '[log]\nformat = "json"' },
      { skipPost: true }
    )
    expect(failure(second.result)).toBe('')
    expect(second.result.main.stdout).toContain(`Removed an existing builder named ${builder}.`)
    const config = dockerText(['exec', `buildx_buildkit_${builder}0`, 'cat', '/etc/buildkit/buildkitd.toml'])
    // buildx re-marshals the file at create, so quoting style changes.
    expect(config).toMatch(/format = ["']json["']/)
    expect(config).not.toMatch(/debug = false/)
    expect((await second.result.runPost()).code).toBe(0)
    expectClean(builder)
  })
})

describe('explained failures, triggered for real', () => {
  it.each([
    [
      'push without login',
      { tags: `${stack.STACK_AUTH_REGISTRY}/e2e/denied:1` },
      'Registry refused the credentials'
    ],
    [
      'BuildKit image nobody has',
      { push: 'false', 'buildkit-image': `${stack.STACK_PUSH_REGISTRY}/nobody/buildkit:missing` },
      'BuildKit image could not be pulled'
    ]
  ])('%s', async (name, inputs, title) => {
    const { builder, result } = await buildWith(name.replace(/\W+/g, '-'), {
      platforms: 'linux/amd64',
      ...inputs
    })
    expect(result.main.code).toBe(1)
    expect(result.main.stdout).toContain(`::error title=${title}::`)
    expectClean(builder)
  })

  // buildx would fail `create` with "invalid value "b", expecting k=v"; the input check says it first.
  it('an unquoted comma in a driver option is refused before any builder exists', async () => {
    const { builder, result } = await buildWith(
      'unquoted-comma',
      { platforms: 'linux/amd64', push: 'false', 'driver-opts': 'env.NO_PROXY=a,b' },
      { skipPost: true }
    )
    expect(result.main.code).toBe(1)
    expect(failure(result)).toContain('Input "driver-opts": not of the form KEY=VALUE')
    expect(failure(result)).toContain('quote a value holding commas')
    expectNoBuilderCreated(result, builder)
    await result.runPost()
    expectClean(builder)
  })
})

describe('a push registry on loopback that only the tags name', () => {
  // No mirror, proxy or insecure registry: the tag alone must put the builder on the host network.
  const build = (name: string, extra: Record<string, string>) =>
    buildWith(name, {
      context: fixture('scratch'),
      'registry-mirrors': '',
      tags: `${stack.STACK_PUSH_REGISTRY}/e2e/${name}-${run}:1`,
      platforms: 'linux/amd64,linux/arm64',
      retries: '0',
      ...extra
    })

  it('is pushed to from the host network', async () => {
    const { builder, result } = await build('tag-loopback', {})
    expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
    expect(result.main.stdout).toContain(`registry ${stack.STACK_PUSH_REGISTRY} is on loopback`)
    const { platforms } = await new Registry(stack.STACK_PUSH_REGISTRY).platformManifests(
      `e2e/tag-loopback-${run}`,
      '1'
    )
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expectClean(builder)
  })

  it('is out of reach from the bridge network (what the host network is for)', async () => {
    const { builder, result } = await build('tag-bridge', { 'driver-opts': 'network=bridge' })
    expect(result.main.code).toBe(1)
    expect(failure(result)).toMatch(/connection refused/)
    expectClean(builder)
  })
})

describe('a mirror slow to answer the preflight', () => {
  // The builder does not wait for the probes: it is created while the mirror holds its answer to /v2/. The front
  // holds that answer until the builder's container exists, or HOLD_MS at most (under the action's 3 s probe
  // timeout): an event to wait for, not a race between two clocks on a loaded machine.
  const HOLD_MS = 2500
  const builder = `e2e-slowprobe-${run}`
  let front: Front
  let held = false
  let containerBeforeAnswer: boolean | undefined
  beforeAll(async () => {
    front = await startFront((_count, method, path) => {
      if (method !== 'GET' || path !== '/v2/' || held) return 'pass'
      held = true
      const passWhen = containerAppears(`buildx_buildkit_${builder}0`, HOLD_MS).then(seen => {
        containerBeforeAnswer = seen
      })
      return { passWhen }
    }, stack.STACK_MIRROR)
  })
  afterAll(() => front.close())

  it('does not hold up the builder: its container exists before the probe is answered', async () => {
    const { result } = await buildWith(
      'slowprobe',
      { platforms: 'linux/amd64', push: 'false', 'registry-mirrors': `http://${front.address}` },
      { skipPost: true }
    )
    try {
      expect({ code: result.main.code, error: failure(result) }).toEqual({ code: 0, error: '' })
      expect(held).toBe(true)
      expect(containerBeforeAnswer).toBe(true)
      // Its log shows the probe first, then the builder, as if one came after the other.
      expect(result.main.stdout.indexOf('::group::Preflight')).toBeLessThan(
        result.main.stdout.indexOf(`::group::Builder ${builder}`)
      )
    } finally {
      await result.runPost()
    }
    expectClean(builder)
  })
})

/** Whether a container of that name exists within `limitMs`, asked every 100 ms without blocking the event loop. */
async function containerAppears(name: string, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  while (Date.now() < deadline) {
    const found = await new Promise<string>(resolve =>
      execFile('docker', ['ps', '-aq', '--filter', `name=^${name}$`], { timeout: 2_000 }, (_error, stdout) =>
        resolve(String(stdout ?? '').trim())
      )
    )
    if (found !== '') return true
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return false
}
