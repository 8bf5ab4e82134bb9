import { InputError } from '../../src/model/input-error'
import { defaultBuilderName, parseBoolean, parseInputs } from '../../src/inputs/parse'
import { inputSource as source, PUSHABLE as pushable } from '../support/inputs'

describe('parseInputs defaults', () => {
  it('gives every input its documented default', () => {
    const inputs = parseInputs(source(pushable))
    expect(inputs).toMatchObject({
      context: '.',
      file: '',
      tags: ['registry.example.com/app:1'],
      platforms: [],
      push: true,
      load: false,
      noCache: false,
      pull: false,
      mirrors: [],
      insecureRegistries: [],
      proxy: { noProxy: [] },
      builderName: 'builder-test',
      buildkitImage: 'moby/buildkit:buildx-stable-1',
      cleanup: true,
      configSources: []
    })
  })
  it('reads lists with the separators their values allow', () => {
    const inputs = parseInputs(
      source({
        tags: 'r.example/app:1, r.example/app:latest',
        platforms: 'linux/amd64\nlinux/arm64,linux/arm/v7',
        'build-args': 'A=1,2\nB=x',
        'cache-from': 'type=registry,ref=r.example/app:cache',
        'driver-opts': 'memory=2g\n"env.X=a,b"'
      })
    )
    expect(inputs.tags).toEqual(['r.example/app:1', 'r.example/app:latest'])
    expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
    expect(inputs.buildArgs).toEqual(['A=1,2', 'B=x'])
    expect(inputs.cacheFrom).toEqual(['type=registry,ref=r.example/app:cache'])
    expect(inputs.driverOpts).toEqual(['memory=2g', '"env.X=a,b"'])
  })
  it('reads the lists build-push-action has the way it reads them', () => {
    const inputs = parseInputs(
      source(
        {
          tags: 'r.example/app:1,"r.example/app:2"\n"r.example/app:3,r.example/app:4"',
          platforms: '"linux/amd64,linux/arm64"',
          'build-args': '"LIST=a,b",X=1\nPLAIN=c,d\n"NOTE=two\nlines"',
          labels: 'org.example.note=x,y',
          'cache-from': 'type=gha,scope=main',
          'cache-to': '"type=registry,ref=r.example/app:cache",mode=max',
          'builder-platforms': 'linux/amd64,"linux/arm64"'
        },
        // The Actions cache service is there, so type=gha is kept.
        { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'https://cache.example/' }
      )
    )
    expect(inputs.tags).toEqual(['r.example/app:1', 'r.example/app:2', 'r.example/app:3', 'r.example/app:4'])
    expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(inputs.buildArgs).toEqual(['LIST=a,b,X=1', 'PLAIN=c,d', 'NOTE=two\nlines'])
    expect(inputs.labels).toEqual(['org.example.note=x,y'])
    expect(inputs.cacheFrom).toEqual(['type=gha,scope=main'])
    expect(inputs.cacheTo).toEqual(['type=registry,ref=r.example/app:cache,mode=max'])
    expect(inputs.builderOptions.nodePlatforms).toEqual(['linux/amd64', 'linux/arm64'])
  })
  it('names the input and the entry when a stray quote makes an entry invalid', () => {
    expect(() => parseInputs(source({ tags: 'r.example/app:1,"r.example/app:2' }))).toThrow(
      'Input "tags": not a valid image reference (got "\\"r.example/app:2")'
    )
  })
})

describe('proxy inputs', () => {
  it('default to the step environment, upper case first', () => {
    const inputs = parseInputs(
      source(pushable, {
        HTTP_PROXY: 'http://up:1',
        http_proxy: 'http://low:1',
        https_proxy: 'low:2',
        no_proxy: 'a,b'
      })
    )
    expect(inputs.proxy.http?.url).toBe('http://up:1')
    expect(inputs.proxy.https?.url).toBe('http://low:2')
    expect(inputs.proxy.noProxy).toEqual(['a', 'b'])
  })
  it('prefer the explicit input', () => {
    const inputs = parseInputs(
      source({ ...pushable, 'http-proxy': 'http://in:1' }, { HTTP_PROXY: 'http://env:1' })
    )
    expect(inputs.proxy.http?.url).toBe('http://in:1')
  })
})

describe('buildkitd config inputs', () => {
  it('reads the file, then the inline text', () => {
    const inputs = parseInputs(
      source(
        { ...pushable, 'buildkitd-config': 'ci/buildkitd.toml', 'buildkitd-config-inline': 'debug = true' },
        {},
        { 'ci/buildkitd.toml': '[log]\nformat = "json"' }
      )
    )
    expect(inputs.configSources).toEqual([
      { input: 'buildkitd-config', text: '[log]\nformat = "json"' },
      { input: 'buildkitd-config-inline', text: 'debug = true' }
    ])
  })
  it('names a missing file', () => {
    expect(() => parseInputs(source({ ...pushable, 'buildkitd-config': 'nope.toml' }))).toThrow(
      /Input "buildkitd-config": cannot read the file \(ENOENT\)/
    )
  })
})

describe('validation', () => {
  it.each([
    [{ platforms: 'amd64' }, 'platforms', /Did you mean "linux\/amd64"/],
    [{ platforms: 'linux/x86_64' }, 'platforms', /Did you mean "linux\/amd64"/],
    [{ platforms: 'linux' }, 'platforms', /os\/arch\[\/variant\]/],
    [{ platforms: 'Linux/AMD64' }, 'platforms', /Did you mean "linux\/amd64"/],
    [
      { load: 'true', push: 'false', platforms: 'linux/amd64,linux/arm64' },
      'load',
      /cannot load 2 platforms/
    ],
    [{ tags: '' }, 'tags', /is empty while "push" is true/],
    [{ tags: 'Registry.example.com/App:1' }, 'tags', /not a valid image reference/],
    [{ tags: 'app:bad tag' }, 'tags', /not a valid image reference/],
    [{ push: 'yes' }, 'push', /not a boolean/],
    [{ 'no-cache': '1' }, 'no-cache', /not a boolean/],
    [{ 'registry-mirrors': 'ftp://m.example' }, 'registry-mirrors', /unsupported scheme/],
    [{ 'insecure-registries': 'bad host:5000' }, 'insecure-registries', /not a valid registry/],
    [{ 'http-proxy': 'http://u:pw@:1' }, 'http-proxy', /not a valid proxy URL|scheme, host and port/],
    [{ 'https-proxy': 'socks4://p:1' }, 'https-proxy', /unsupported proxy scheme/],
    [{ 'no-proxy': 'a b;c' }, 'no-proxy', /not a host/],
    [{ 'builder-name': '-bad' }, 'builder-name', /not a valid builder name/],
    [{ 'buildkit-image': 'Moby/BuildKit' }, 'buildkit-image', /not a valid image reference/],
    [{ 'build-args': 'JUSTNAME' }, 'build-args', /KEY=VALUE/],
    [{ labels: '=x' }, 'labels', /KEY=VALUE/]
  ])('%j fails naming %s', (values, input, reason) => {
    let error: unknown
    try {
      parseInputs(source({ ...pushable, ...values }))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as Error).message).toMatch(new RegExp(`^Input "${input}": `))
    expect((error as Error).message).toMatch(reason)
  })
  it('allows no tags when nothing is pushed', () => {
    expect(parseInputs(source({ push: 'false' })).tags).toEqual([])
  })
  it('masks proxy credentials in the message', () => {
    expect(() => parseInputs(source({ ...pushable, 'http-proxy': 'gopher://u:topsecret@p:1' }))).toThrow(
      /gopher:\/\/\*\*\*@p:1/
    )
  })
})

describe('parseBoolean', () => {
  it('reads the YAML 1.2 core spellings', () => {
    expect(['true', 'True', 'TRUE'].map(v => parseBoolean('x', v, false))).toEqual([true, true, true])
    expect(['false', 'False', 'FALSE'].map(v => parseBoolean('x', v, true))).toEqual([false, false, false])
    expect(parseBoolean('x', '', true)).toBe(true)
  })
})

describe('defaultBuilderName', () => {
  it('joins job, run id, attempt and randomness into a valid name', () => {
    expect(
      defaultBuilderName(
        { GITHUB_JOB: 'Build Image', GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '2' },
        'abcd1234'
      )
    ).toBe('builder-build-image-123-2-abcd1234')
    expect(defaultBuilderName({}, 'abcd1234')).toBe('builder-abcd1234')
  })
})
