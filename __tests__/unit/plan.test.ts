import TOML from '@iarna/toml'
import { parseInputs } from '../../src/inputs/parse'
import { makePlan } from '../../src/plan/plan'
import { inputSource, inputsOf } from '../support/inputs'
import { PLAN_CONTEXT as context } from '../support/plan'

describe('makePlan for the README example', () => {
  const plan = makePlan(
    inputsOf({
      tags: 'ghcr.io/owner/app:1.0',
      platforms: 'linux/amd64,linux/arm64',
      'registry-mirrors': 'https://mirror.example.cn\nghcr.io=ghcr.example.cn',
      'https-proxy': 'http://proxy.corp:3128',
      'http-proxy': 'http://proxy.corp:3128',
      'no-proxy': 'localhost,.corp'
    }),
    context
  )
  it('creates a docker-container builder with the config, image and CSV-quoted proxy env', () => {
    expect(plan.commands.create).toEqual([
      'buildx',
      'create',
      '--name',
      'b1',
      '--driver',
      'docker-container',
      '--buildkitd-config',
      '/tmp/run/buildkitd.toml',
      '--driver-opt',
      'image=moby/buildkit:buildx-stable-1',
      '--driver-opt',
      'env.HTTP_PROXY=http://proxy.corp:3128',
      '--driver-opt',
      'env.http_proxy=http://proxy.corp:3128',
      '--driver-opt',
      'env.HTTPS_PROXY=http://proxy.corp:3128',
      '--driver-opt',
      'env.https_proxy=http://proxy.corp:3128',
      '--driver-opt',
      '"env.NO_PROXY=localhost,.corp"',
      '--driver-opt',
      '"env.no_proxy=localhost,.corp"',
      '--bootstrap'
    ])
  })
  it('runs one build for all platforms with proxy build args by name only', () => {
    expect(plan.commands.build).toEqual([
      'buildx',
      'build',
      '--builder',
      'b1',
      '--platform',
      'linux/amd64,linux/arm64',
      '--tag',
      'ghcr.io/owner/app:1.0',
      '--build-arg',
      'HTTP_PROXY',
      '--build-arg',
      'http_proxy',
      '--build-arg',
      'HTTPS_PROXY',
      '--build-arg',
      'https_proxy',
      '--build-arg',
      'NO_PROXY',
      '--build-arg',
      'no_proxy',
      '--push',
      '--metadata-file',
      '/tmp/run/metadata.json',
      '--',
      '.'
    ])
    expect(plan.proxyEnv.HTTPS_PROXY).toBe('http://proxy.corp:3128')
  })
  it('writes the mirrors under their registries', () => {
    expect(TOML.parse(plan.configToml)).toEqual({
      registry: {
        'docker.io': { mirrors: ['mirror.example.cn'] },
        'ghcr.io': { mirrors: ['ghcr.example.cn'] }
      }
    })
  })
  it('needs no host network for remote hosts', () => {
    expect(plan.hostNetworkReasons).toEqual([])
    expect(plan.commands.create).not.toContain('network=host')
  })
  it('boots and removes the same builder', () => {
    expect(plan.commands.remove).toEqual(['buildx', 'rm', '--', 'b1'])
    expect(plan.commands.bootstrap).toEqual(['buildx', 'inspect', '--bootstrap', '--', 'b1'])
  })
})

describe('host networking', () => {
  it('is used for a loopback proxy', () => {
    const plan = makePlan(
      inputsOf({
        tags: 'r.example/a',
        'http-proxy': 'http://127.0.0.1:3128',
        'https-proxy': 'localhost:3128'
      }),
      context
    )
    expect(plan.commands.create).toContain('network=host')
    expect(plan.hostNetworkReasons).toEqual([
      'proxy http://127.0.0.1:3128 is on loopback',
      'proxy http://localhost:3128 is on loopback'
    ])
  })
  it('is used for a loopback mirror or insecure registry, and for names that resolve to loopback', () => {
    expect(
      makePlan(inputsOf({ tags: 'r.example/a', 'registry-mirrors': 'http://[::1]:5001' }), context).commands
        .create
    ).toContain('network=host')
    expect(
      makePlan(inputsOf({ tags: 'r.example/a', 'insecure-registries': '127.0.0.2:5000' }), context).commands
        .create
    ).toContain('network=host')
    const named = inputsOf({ tags: 'r.example/a', 'insecure-registries': 'registry.test:5000' })
    expect(makePlan(named, context).commands.create).not.toContain('network=host')
    expect(makePlan(named, { ...context, hostsFile: '10.1.2.3 registry.test' }).hostNetworkReasons).toEqual(
      []
    )
    const mapped = makePlan(named, { ...context, hostsFile: '127.0.0.1 localhost\n127.0.0.1 registry.test' })
    expect(mapped.commands.create).toContain('network=host')
    expect(mapped.hostNetworkReasons).toEqual(['registry registry.test:5000 is on loopback'])
  })
  // The loopback decision comes from the final config: a registry or mirror only the user's TOML names, mapped
  // to 127.0.0.1 in /etc/hosts, needs the host network as much as one named in insecure-registries.
  it.each(['buildkitd-config-inline', 'buildkitd-config'])(
    'is used for a registry only %s names that the hosts file maps to loopback',
    input => {
      const toml = '[registry."reg.internal:5000"]\nhttp = true\n'
      const value = input === 'buildkitd-config' ? 'buildkitd.toml' : toml
      const inputs = parseInputs(
        inputSource({ tags: 'r.example/a', [input]: value }, {}, { 'buildkitd.toml': toml })
      )
      const hostsFile = '127.0.0.1 localhost\n127.0.0.1 reg.internal # CI registry\n'
      expect(makePlan(inputs, context).hostNetworkReasons).toEqual([])
      const plan = makePlan(inputs, { ...context, hostsFile })
      expect(plan.hostNetworkReasons).toEqual(['registry reg.internal:5000 is on loopback'])
      expect(plan.commands.create).toEqual(expect.arrayContaining(['--driver-opt', 'network=host']))
    }
  )
  it("is used for a mirror only the user's TOML names that the hosts file maps to loopback", () => {
    const inputs = inputsOf({
      tags: 'r.example/a',
      'buildkitd-config-inline': '[registry."docker.io"]\nmirrors = ["mirror.internal:5001"]\n'
    })
    const plan = makePlan(inputs, { ...context, hostsFile: '::1 mirror.internal' })
    expect(plan.hostNetworkReasons).toEqual(['registry mirror.internal:5001 is on loopback'])
    expect(plan.commands.create).toContain('network=host')
  })
  it('keeps a network the user chose, with a warning', () => {
    const plan = makePlan(
      inputsOf({
        tags: 'r.example/a',
        'http-proxy': '127.0.0.1:3128',
        'https-proxy': '127.0.0.1:3128',
        'driver-opts': 'network=bridge'
      }),
      context
    )
    expect(plan.commands.create.filter(arg => arg.startsWith('network='))).toEqual(['network=bridge'])
    expect(plan.warnings.join('\n')).toMatch(/network=bridge, but proxy/)
  })
})

describe('user driver-opts and build args win', () => {
  it('does not add keys the user set', () => {
    const plan = makePlan(
      inputsOf({
        tags: 'r.example/a',
        'driver-opts': 'image=mirror.example/buildkit:v1\nenv.HTTP_PROXY=http://other:1',
        'http-proxy': 'http://p:1',
        'https-proxy': 'http://p:1',
        'build-args': 'HTTP_PROXY=http://custom:1'
      }),
      context
    )
    expect(plan.commands.create.filter(arg => arg.startsWith('image='))).toEqual([
      'image=mirror.example/buildkit:v1'
    ])
    expect(plan.commands.create.filter(arg => arg.startsWith('env.HTTP_PROXY'))).toEqual([
      'env.HTTP_PROXY=http://other:1'
    ])
    expect(plan.commands.build.filter(arg => arg.startsWith('HTTP_PROXY'))).toEqual([
      'HTTP_PROXY=http://custom:1'
    ])
  })
  it('warns when only http-proxy is set', () => {
    expect(
      makePlan(inputsOf({ tags: 'r.example/a', 'http-proxy': 'http://p:1' }), context).warnings.join()
    ).toMatch(/https-proxy is not/)
  })
})

describe('build options', () => {
  it('passes every build input as its own argument', () => {
    const plan = makePlan(
      inputsOf({
        tags: 'r.example/a:1',
        file: 'docker/Dockerfile',
        context: 'app',
        'build-args': 'A=1 2',
        labels: 'org.opencontainers.image.title=My App',
        target: 'prod',
        'cache-from': 'type=registry,ref=r.example/a:cache',
        'cache-to': 'type=registry,ref=r.example/a:cache,mode=max',
        'no-cache': 'true',
        pull: 'true',
        push: 'false',
        load: 'true'
      }),
      context
    )
    expect(plan.commands.build).toEqual([
      'buildx',
      'build',
      '--builder',
      'b1',
      '--file',
      'docker/Dockerfile',
      '--tag',
      'r.example/a:1',
      '--build-arg',
      'A=1 2',
      '--label',
      'org.opencontainers.image.title=My App',
      '--target',
      'prod',
      '--cache-from',
      'type=registry,ref=r.example/a:cache',
      '--cache-to',
      'type=registry,ref=r.example/a:cache,mode=max',
      '--no-cache',
      '--pull',
      '--load',
      '--metadata-file',
      '/tmp/run/metadata.json',
      '--',
      'app'
    ])
  })
  it('merges the user TOML with the generated registries', () => {
    const plan = makePlan(
      inputsOf({
        tags: 'r.example/a',
        'buildkitd-config-inline':
          '[registry."docker.io"]\nmirrors = ["first.example"]\n[worker.oci]\nmax-parallelism = 2',
        'registry-mirrors': 'second.example'
      }),
      context
    )
    expect(TOML.parse(plan.configToml)).toEqual({
      registry: { 'docker.io': { mirrors: ['first.example', 'second.example'] } },
      worker: { oci: { 'max-parallelism': 2 } }
    })
  })
})
