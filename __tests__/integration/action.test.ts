import TOML from '@iarna/toml'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeDocker, guaranteedOrder } from '../support/fake-docker'
import { leakedLines, node24, runAction, runPostOnly } from '../support/run-action'
import { parseRunnerOutput } from '../support/runner-commands'

// Each test starts the bundle (main and post) with a fake docker: seconds on a busy machine.
jest.setTimeout(60_000)

const PASSWORD = 'pr0xy-S3cret'
const README_EXAMPLE = {
  tags: 'registry.example.com/owner/app:1.0,registry.example.com/owner/app:latest',
  platforms: 'linux/amd64,linux/arm64',
  'registry-mirrors': 'https://mirror.example.cn\nghcr.io=ghcr.example.cn',
  'http-proxy': `http://ci:${PASSWORD}@proxy.corp.example:3128`,
  'https-proxy': `http://ci:${PASSWORD}@proxy.corp.example:3128`,
  'no-proxy': 'localhost,.corp.example',
  'builder-name': 'ci-builder',
  // These names are made up: no probe may look them up or dial them.
  'mirror-check': 'off'
}
/** The same with a proxy that takes no password: the builder is created and booted in one call. */
const WITHOUT_PROXY_PASSWORD = {
  ...README_EXAMPLE,
  'http-proxy': 'http://proxy.corp.example:3128',
  'https-proxy': 'http://proxy.corp.example:3128'
}

describe.each([
  ['node 20', () => process.execPath],
  ['node 24', node24]
])('the bundle under %s', (_name, nodeBinary) => {
  let node: string
  beforeAll(() => {
    node = nodeBinary()
  }, 300_000)

  it('runs create --bootstrap, one build (the nodes read alongside), then rm in post, for a proxy without a password', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: WITHOUT_PROXY_PASSWORD, env: docker.env(), node })
    expect(run.main.code).toBe(0)
    expect(run.post.code).toBe(0)
    const calls = docker.calls()
    expect(guaranteedOrder(calls, call => call.argv.slice(0, 3).join(' '))).toEqual([
      'image inspect --format',
      'buildx create --name',
      'buildx build --builder',
      'buildx imagetools inspect',
      'buildx rm --'
    ])
    expect(calls[1].argv).toContain('--bootstrap')
    expect(calls[1].argv).toContain('env.HTTPS_PROXY=http://proxy.corp.example:3128')
    expect(docker.bootedWith('ci-builder')?.['env.HTTPS_PROXY']).toBe('http://proxy.corp.example:3128')
  })

  it('boots the builder with the proxy password written into buildx store, never on a command line, then builds and removes it, with the config, env and outputs expected', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: README_EXAMPLE, env: docker.env(), node, skipPost: true })
    expect(run.main.code).toBe(0)
    // Mode 0600, as buildx writes it, with the value the container gets.
    expect(statSync(docker.instanceFile('ci-builder')).mode & 0o777).toBe(0o600)
    expect(docker.bootedWith('ci-builder')).toMatchObject({
      'env.HTTPS_PROXY': `http://ci:${PASSWORD}@proxy.corp.example:3128`,
      'env.HTTP_PROXY': `http://ci:${PASSWORD}@proxy.corp.example:3128`,
      'env.NO_PROXY': 'localhost,.corp.example'
    })
    run.post = await run.runPost()
    expect(run.post.code).toBe(0)

    const calls = docker.calls()
    // Every process's arguments are readable by any local user (/proc/PID/cmdline): the password is in none.
    expect(calls.filter(call => call.argv.join(' ').includes(PASSWORD)).map(call => call.argv[1])).toEqual([])
    expect(guaranteedOrder(calls, call => call.argv.slice(0, 3).join(' '))).toEqual([
      'image inspect --format',
      'buildx create --name',
      'buildx inspect --bootstrap',
      'buildx build --builder',
      'buildx imagetools inspect',
      'buildx rm --'
    ])
    expect(calls[1].argv).not.toContain('--bootstrap')
    expect(calls.at(-1)?.argv).toEqual(['buildx', 'rm', '--', 'ci-builder'])
    const create = calls[1].argv
    const configPath = create[create.indexOf('--buildkitd-config') + 1]
    expect(configPath.startsWith(run.runnerTemp)).toBe(true)
    expect(create).toEqual(expect.arrayContaining(['--name', 'ci-builder', '--driver', 'docker-container']))
    expect(create).toContain('"env.NO_PROXY=localhost,.corp.example"')
    expect(create).toContain('env.HTTPS_PROXY=mpb-sealed-env.HTTPS_PROXY')
    expect(create).not.toContain('network=host')

    const build = calls.find(call => call.argv[1] === 'build') as (typeof calls)[number]
    expect(build.argv.filter(arg => arg === '--platform')).toHaveLength(1)
    expect(build.argv).toEqual(expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64', '--push']))
    expect(build.argv.join(' ')).not.toContain(PASSWORD)
    expect(build.env).toMatchObject({
      HTTPS_PROXY: `http://ci:${PASSWORD}@proxy.corp.example:3128`,
      https_proxy: `http://ci:${PASSWORD}@proxy.corp.example:3128`,
      NO_PROXY: 'localhost,.corp.example'
    })

    const expectedToml = {
      registry: {
        'docker.io': { mirrors: ['mirror.example.cn'] },
        'ghcr.io': { mirrors: ['ghcr.example.cn'] }
      }
    }
    expect(TOML.parse(calls[1].config ?? '')).toEqual(expectedToml)
    expect(docker.builders()).toEqual([])

    expect(run.outputs.builder).toBe('ci-builder')
    expect(run.outputs.platforms).toBe('linux/amd64,linux/amd64/v2,linux/arm64,linux/386')
    expect(run.outputs.digest).toBe('sha256:' + 'a'.repeat(64))
    expect(run.outputs.imageid).toBe('sha256:' + 'b'.repeat(64))
    expect(JSON.parse(run.outputs.metadata)['containerimage.digest']).toBe(run.outputs.digest)
    expect(TOML.parse(run.outputs['buildkitd-config'])).toEqual(expectedToml)
    expect(run.summary).toContain(run.outputs.digest)
    expect(run.summary).toContain('http://***@proxy.corp.example:3128')
    expect(run.main.stdout).toContain('::group::buildkitd.toml')

    expect(leakedLines(run, [PASSWORD])).toEqual([])
    expect(run.main.stdout).toContain(`::add-mask::${PASSWORD}`)
    expect(readdirSync(run.runnerTemp)).toEqual([])
  })

  it('fails on a bad input before running docker, naming the input, without a stack trace', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...README_EXAMPLE, platforms: 'linux/amd64,arm64' },
      env: docker.env(),
      node
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(
      '::error::Input "platforms": not a platform of the form os/arch[/variant] (got "arm64"). Did you mean "linux/arm64"?'
    )
    expect(run.main.stdout + run.main.stderr).not.toMatch(/\n\s+at /)
    expect(docker.calls()).toEqual([])
    expect(run.post.code).toBe(0)
    expect(run.post.stdout).toContain('nothing to clean up')
  })
})

describe('failures and re-runs (node 20)', () => {
  it('surfaces the failing step and still removes the builder in post', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: README_EXAMPLE, env: docker.env({ FAKE_DOCKER_FAIL: 'build' }) })
    expect(run.main.code).toBe(1)
    const error = run.main.stdout.split('\n').find(line => line.startsWith('::error::')) ?? ''
    expect(error).toContain('docker buildx build failed (exit code 1)')
    expect(error).toContain('> [2/2] RUN false:')
    expect(error).toContain('Dockerfile:2')
    expect(error).toContain('ERROR: failed to build')
    expect(run.post.code).toBe(0)
    expect(docker.calls().at(-1)?.argv).toEqual(['buildx', 'rm', '--', 'ci-builder'])
    expect(docker.builders()).toEqual([])
    expect(readdirSync(run.runnerTemp)).toEqual([])
  })

  it('reports a failed create and lets post clean up', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: WITHOUT_PROXY_PASSWORD,
      env: docker.env({ FAKE_DOCKER_FAIL: 'create' })
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toContain(
      '::error::Creating the builder failed:%0AERROR: fake failure of buildx create'
    )
    // The failed create is asked whether it left a builder behind (a create --bootstrap can fail after recording it).
    expect(docker.calls().map(call => call.argv[1])).toEqual(['inspect', 'create', 'inspect', 'rm'])
    expect(run.post.stdout).toContain('was never created')
  })

  it('replaces a builder left by an earlier run with the same name', async () => {
    const docker = fakeDocker()
    writeFileSync(join(docker.dir, 'builders/builder-ci-builder'), 'stale = true\n')
    const run = await runAction({ inputs: WITHOUT_PROXY_PASSWORD, env: docker.env() })
    expect(run.main.code).toBe(0)
    expect(run.main.stdout).toContain('Removed an existing builder named ci-builder.')
    expect(guaranteedOrder(docker.calls(), call => call.argv[1])).toEqual([
      'inspect',
      'create',
      'rm',
      'create',
      'build',
      'imagetools',
      'rm'
    ])
  })

  it('keeps the builder with cleanup: false but removes its files', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...WITHOUT_PROXY_PASSWORD, cleanup: 'false' },
      env: docker.env()
    })
    expect(run.post.code).toBe(0)
    expect(guaranteedOrder(docker.calls(), call => call.argv[1])).toEqual([
      'inspect',
      'create',
      'build',
      'imagetools'
    ])
    expect(docker.builders()).toEqual(['builder-ci-builder'])
    expect(readdirSync(run.runnerTemp)).toEqual([])
  })

  it('takes the proxy from the step environment, masks it, and uses host networking for a loopback proxy', async () => {
    const docker = fakeDocker()
    const proxy = `http://u:${PASSWORD}@127.0.0.1:3128`
    const run = await runAction({
      inputs: { tags: 'registry.example.com/app:1', platforms: 'linux/arm64' },
      env: docker.env({ HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: 'a,b' })
    })
    expect(run.main.code).toBe(0)
    const create = docker.calls().find(call => call.argv[1] === 'create')?.argv ?? []
    expect(create).toContain('network=host')
    expect(run.main.stdout).toContain(
      'Builder uses the host network: proxy http://***@127.0.0.1:3128 is on loopback'
    )
    // Announced where annotations show, read the way the runner reads the log.
    const notices = parseRunnerOutput(run.main.stdout).commands.filter(command => command.name === 'notice')
    expect(notices).toHaveLength(1)
    expect(notices[0].data).toContain("share the runner's host network")
    expect(notices[0].data).toContain('HTTPS_PROXY=http://***@127.0.0.1:3128')
    expect(notices[0].data).toContain('HTTP_PROXY: "", http_proxy: ""')
    expect(leakedLines(run, [PASSWORD])).toEqual([])
  })

  it('merges a config file and inline TOML with the inputs and warns on a conflict', async () => {
    const docker = fakeDocker()
    const configDir = mkdtempSync(join(tmpdir(), 'cfg-'))
    writeFileSync(
      join(configDir, 'buildkitd.toml'),
      '[registry."docker.io"]\nmirrors = ["base.example"]\n[registry."r.local:5000"]\nhttp = false\n'
    )
    const run = await runAction({
      inputs: {
        tags: 'r.local:5000/app:1',
        // A path in the workspace, as a workflow gives it (files outside it are refused).
        'buildkitd-config': 'buildkitd.toml',
        'buildkitd-config-inline': '[worker.oci]\nmax-parallelism = 2',
        'registry-mirrors': 'extra.example',
        'insecure-registries': 'r.local:5000',
        'mirror-check': 'off'
      },
      env: docker.env({ GITHUB_WORKSPACE: configDir })
    })
    expect(run.main.code).toBe(0)
    expect(TOML.parse(run.outputs['buildkitd-config'])).toEqual({
      registry: {
        'docker.io': { mirrors: ['base.example', 'extra.example'] },
        'r.local:5000': { http: true, insecure: true }
      },
      worker: { oci: { 'max-parallelism': 2 } }
    })
    expect(run.main.stdout).toMatch(
      /::warning::buildkitd config: registry."r.local:5000".http = false from buildkitd-config is replaced by true/
    )
    expect(existsSync(join(configDir, 'buildkitd.toml'))).toBe(true)
  })
})

describe('what main found, and what post could not do (node 20)', () => {
  it('words the facts of the run in the summary', async () => {
    const docker = fakeDocker()
    const run = await runAction({ inputs: { ...README_EXAMPLE, qemu: 'false' }, env: docker.env() })
    expect(run.main.code).toBe(0)
    expect(run.summary).toContain('<td>buildx</td><td>runner</td>')
    expect(run.summary).toContain(
      '<td>BuildKit image</td><td>moby/buildkit:buildx-stable-1: already in the Docker daemon</td>'
    )
    expect(run.summary).toContain('<td>QEMU</td><td>left alone (qemu: false)</td>')
  })

  it('says why the manifest output is empty when the pushed index cannot be read back', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: README_EXAMPLE,
      env: docker.env({ FAKE_DOCKER_FAIL: 'imagetools' })
    })
    expect(run.main.code).toBe(0)
    expect(run.outputs.manifest).toBe('{}')
    expect(run.main.stdout).toMatch(
      /::warning::Reading back the pushed index registry\.example\.com\/owner\/app@sha256:\w+ failed \(exit code 1: ERROR: fake failure of buildx imagetools\), so the manifest output is empty\./
    )
  })

  it('turns a cleanup step that throws into a warning, runs the others and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-post-'))
    const workDir = join(dir, 'runner-temp', 'multi-platform-build-0123456789ab')
    mkdirSync(workDir, { recursive: true })
    const state = { builder: 'b1', workDir, cleanup: true, keepState: false }
    // No docker on PATH: running it throws instead of exiting non-zero.
    const run = await runPostOnly({
      dir,
      state: { isPost: 'true', saved: JSON.stringify(state) },
      env: { PATH: join(dir, 'no-bin') }
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::warning::Could not remove builder b1: .*docker/)
    expect(existsSync(workDir)).toBe(false)
  })

  it('records the buildx link it made before a later step fails, so post removes it', async () => {
    const docker = fakeDocker()
    const binary = '#!/bin/sh\necho "github.com/docker/buildx v9.9.9 fake"\n'
    const checksum = createHash('sha256').update(binary).digest('hex')
    const server = createServer((request, response) => {
      if (request.url === '/v9.9.9/buildx') return void response.end(binary)
      if (request.url === '/v9.9.9/checksums.txt') return void response.end(`${checksum} *buildx\n`)
      response.statusCode = 404
      response.end('not found')
    })
    await new Promise<void>(resolvePromise => server.listen(0, '127.0.0.1', resolvePromise))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'))
    const plugin = join(dockerConfig, 'cli-plugins', 'docker-buildx')
    try {
      const run = await runAction({
        inputs: {
          tags: 'registry.example.com/app:1',
          'mirror-check': 'off',
          'buildx-version': '9.9.9',
          'buildx-download-url': `${base}/{version}/buildx`
        },
        env: docker.env({
          DOCKER_CONFIG: dockerConfig,
          RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'tools-')),
          // The runner's buildx is too old to create the builder; the installed one fails to create it too.
          FAKE_DOCKER_FAIL: 'create',
          FAKE_DOCKER_PRINT: JSON.stringify({
            create: { stderr: "docker: 'buildx' is not a docker command.\n" }
          })
        })
      })
      expect(run.main.code).toBe(1)
      expect(run.main.stdout).toContain('::error::Creating the builder failed')
      expect(JSON.parse(run.state.saved).buildxPlugin?.path).toBe(plugin)
      expect(run.post.code).toBe(0)
      expect(run.post.stdout).toContain(`Removed ${plugin}.`)
      expect(existsSync(plugin)).toBe(false)
    } finally {
      server.closeAllConnections()
      await new Promise(resolvePromise => server.close(resolvePromise))
    }
  })
})

describe('BuildKit image through the mirrors (node 20)', () => {
  it('pulls the missing image from the first mirror that has it, tags it, and says so in the summary', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...README_EXAMPLE, 'registry-mirrors': 'dead.example\nhttp://127.0.0.1:5001' },
      env: docker.env({
        FAKE_DOCKER_MISSING: 'moby/buildkit:buildx-stable-1',
        FAKE_DOCKER_PULLABLE: '127.0.0.1:5001/moby/buildkit:buildx-stable-1'
      })
    })
    expect(run.main.code).toBe(0)
    const pulls = docker.calls().filter(call => ['pull', 'tag', 'rmi'].includes(call.argv[0]))
    expect(pulls.map(call => call.argv.join(' '))).toEqual([
      'pull -- dead.example/moby/buildkit:buildx-stable-1',
      'pull -- dead.example/moby/buildkit:buildx-stable-1',
      'pull -- dead.example/moby/buildkit:buildx-stable-1',
      'pull -- 127.0.0.1:5001/moby/buildkit:buildx-stable-1',
      'tag -- 127.0.0.1:5001/moby/buildkit:buildx-stable-1 moby/buildkit:buildx-stable-1',
      'rmi -- 127.0.0.1:5001/moby/buildkit:buildx-stable-1'
    ])
    expect(run.main.stdout).toContain(
      'pull of dead.example/moby/buildkit:buildx-stable-1 failed (attempt 3/3)'
    )
    expect(run.summary).toContain('pulled from 127.0.0.1:5001/moby/buildkit:buildx-stable-1')
  }, 60_000)

  it('pulls only through mirrors the preflight found alive, and through mirrors only the buildkitd config names', async () => {
    // A live mirror answers /v2/; the dead one is a closed port. Both on loopback.
    const live = createServer((_request, response) => void response.writeHead(200).end('{}'))
    await new Promise<void>(resolvePromise => live.listen(0, '127.0.0.1', resolvePromise))
    const liveMirror = `127.0.0.1:${(live.address() as AddressInfo).port}`
    const closed = createServer()
    await new Promise<void>(resolvePromise => closed.listen(0, '127.0.0.1', resolvePromise))
    const deadMirror = `127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise(resolvePromise => closed.close(resolvePromise))
    const image = 'moby/buildkit:buildx-stable-1'
    const pullsOf = (calls: ReturnType<ReturnType<typeof fakeDocker>['calls']>) =>
      calls.filter(call => call.argv[0] === 'pull').map(call => call.argv.at(-1))
    try {
      const afterPreflight = fakeDocker()
      const dropped = await runAction({
        inputs: {
          tags: 'registry.example.com/app:1',
          platforms: 'linux/amd64',
          'mirror-check': 'warn',
          'registry-mirrors': `http://${deadMirror}\nhttp://${liveMirror}`
        },
        env: afterPreflight.env({
          FAKE_DOCKER_MISSING: image,
          FAKE_DOCKER_PULLABLE: `${liveMirror}/${image}`
        })
      })
      expect(dropped.main.code).toBe(0)
      expect(dropped.main.stdout).toMatch(new RegExp(`::warning::Registry mirror ${deadMirror} .*dropped it`))
      expect(pullsOf(afterPreflight.calls())).toEqual([`${liveMirror}/${image}`])

      const tomlOnly = fakeDocker()
      const fromConfig = await runAction({
        inputs: {
          tags: 'registry.example.com/app:1',
          platforms: 'linux/amd64',
          'mirror-check': 'off',
          'buildkitd-config-inline': `[registry."docker.io"]\nmirrors = ["${liveMirror}"]\n[registry."${liveMirror}"]\nhttp = true`
        },
        env: tomlOnly.env({ FAKE_DOCKER_MISSING: image, FAKE_DOCKER_PULLABLE: `${liveMirror}/${image}` })
      })
      expect(fromConfig.main.code).toBe(0)
      expect(pullsOf(tomlOnly.calls())).toEqual([`${liveMirror}/${image}`])
      expect(fromConfig.summary).toContain(`pulled from ${liveMirror}/${image}`)
    } finally {
      live.closeAllConnections()
      await new Promise(resolvePromise => live.close(resolvePromise))
    }
  }, 60_000)

  it('fails before creating a builder when no source has the image, listing every attempt', async () => {
    const docker = fakeDocker()
    const run = await runAction({
      inputs: { ...README_EXAMPLE, 'registry-mirrors': 'http://127.0.0.1:5001' },
      env: docker.env({ FAKE_DOCKER_MISSING: 'moby/buildkit:buildx-stable-1' })
    })
    expect(run.main.code).toBe(1)
    expect(run.main.stdout).toMatch(
      /::error::Getting moby\/buildkit:buildx-stable-1 failed:%0AThe Docker daemon has no moby\/buildkit:buildx-stable-1 and could not pull it/
    )
    expect(run.main.stdout).toContain('::error title=BuildKit image could not be pulled::')
    expect(docker.calls().some(call => call.argv[1] === 'create')).toBe(false)
  }, 60_000)
})
