import { InputError, quoteValue } from '../../../src/model/input-error'
import { defaultBuilderName, parseInputs } from '../../../src/inputs/parse'
import { makePlan } from '../../../src/plan/plan'
import { inputSource as source, PUSHABLE as pushable, inputSource, PUSHABLE } from '../../support/inputs'
import { PLAN_CONTEXT as context } from '../../support/plan'
import { InputSource } from '../../../src/inputs/input-source'

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

/**
 * Issue 6, item 1: every malformed value fails with one InputError that names the input and the value
 * (masked when it holds a proxy password), on one line, before any container exists: parseInputs and
 * makePlan are pure, and main runs them before it creates anything.
 */
interface Row {
  /** The input the error must name. */
  input: string
  /** The text the runner gives for that input (or for the step variable in `env`). */
  raw: string
  /** A fragment of error.reason. */
  reason: string
  /** A fragment of error.hint, where the hint is the point (a suggestion). */
  hint?: string
  /** The value the message must quote; default: the raw text trimmed. */
  shown?: string
  /** Text that must never appear in the message (a proxy password). */
  secret?: string
  /** Only makePlan can refuse it (TOML, merged config); parseInputs must accept it. */
  plan?: boolean
  /** Other inputs the case needs. */
  with?: Record<string, string>
  /** The raw text comes from this step variable, the input itself being empty. */
  env?: string
  files?: Record<string, string>
  /** readFile fails with this error code. */
  readError?: string
}

type Case = [raw: string, reason: string, extra?: Partial<Row>]

const group = (input: string, cases: Case[]): Row[] =>
  cases.map(([raw, reason, extra]) => ({ input, raw, reason, ...extra }))

const PLATFORM = 'not a platform of the form os/arch[/variant]'
const IMAGE = 'not a valid image reference'
const BOOLEAN = 'not a boolean'
const KEY_VALUE = 'not of the form KEY=VALUE'
const HOST = 'is not a valid host[:port]'
const REGISTRY = 'is not a valid registry host[:port]'
const PREFIX = 'is not a valid path prefix'
const PROXY_HOST = 'not a valid proxy URL: the host or port is malformed'
const PROXY_USER = 'must be percent-encoded'
const PROXY_PATH = 'a proxy URL is a scheme, host and port only'
const PROXY_SCHEME = 'unsupported proxy scheme'
const NO_PROXY = 'not a host, domain, IP address or CIDR'
const TOML_SYNTAX = 'not valid TOML'
const BUILT_IN = 'the name of a JavaScript built-in'

const big = (size: number, char = 'a'): string => char.repeat(size)
/** A host of 255 characters made of valid 63-character labels: only the total length is wrong. */
const LONG_HOST = [big(63), big(63), big(63), big(63)].join('.')
const INJECT = '"]\n[grpc]\naddress = ["tcp://0.0.0.0:1"]'

const rows: Row[] = [
  ...group('platforms', [
    ['amd64', PLATFORM, { hint: 'Did you mean "linux/amd64"?' }],
    ['linux/x86_64', PLATFORM, { hint: 'Did you mean "linux/amd64"?' }],
    ['linux/aarch64', PLATFORM, { hint: 'Did you mean "linux/arm64"?' }],
    ['linux/i386', PLATFORM, { hint: 'Did you mean "linux/386"?' }],
    ['linux/armhf', PLATFORM, { hint: 'Did you mean "linux/arm/v7"?' }],
    ['LINUX/arm64', PLATFORM, { hint: 'Did you mean "linux/arm64"?' }],
    // A name Object.prototype has must not come back as a suggestion like "linux/function Object() {...}".
    ['constructor', PLATFORM, { hint: 'Use e.g. "linux/amd64,linux/arm64"' }],
    ['linux', PLATFORM],
    ['linux/amd64/', PLATFORM],
    ['/amd64', PLATFORM],
    ['linux//amd64', PLATFORM],
    ['linux/arm/v7/extra', PLATFORM],
    ['linux/amd64\r\nlinux/arm 64', PLATFORM, { shown: 'linux/arm 64' }],
    ['linux/amd64\tlinux/arm64', PLATFORM],
    ['linux/arm64 linux/amd64', PLATFORM],
    ['linux/amd64;linux/arm64', PLATFORM],
    ['linux/arm64\u200b', PLATFORM],
    ['linux/ａｍｄ64', PLATFORM],
    ['linux/amd64\u00a0linux/arm64', PLATFORM],
    ['linux/amd64\u2028linux/arm64', PLATFORM],
    ['linux/amd64"', PLATFORM],
    ['"linux/amd64', PLATFORM],
    ['linux/amd64,"linux/arm64', PLATFORM, { shown: '"linux/arm64' }],
    ['"linux/amd64,linux/arm 64"', PLATFORM, { shown: 'linux/arm 64' }],
    ['linux\\amd64', PLATFORM],
    ['linux/amd-64', PLATFORM],
    ['linux/amd64;rm -rf /', PLATFORM],
    ['$(echo linux/amd64)', PLATFORM],
    [`linux/${big(100_000)}`, PLATFORM],
    [`linux/arm64${INJECT}`, PLATFORM, { shown: 'linux/arm64"]' }]
  ]),
  ...group('tags', [
    [`registry.example.com/app:${big(100_000)}`, IMAGE],
    [`registry.example.com/app:${big(129)}`, IMAGE],
    ['registry.example.com/App:1', IMAGE],
    ['registry.example.com/app:1 2', IMAGE],
    ['registry.example.com/app:1\tlatest', IMAGE],
    ['registry.example.com/app\u00a0:1', IMAGE],
    ['registry.example.com/app:1\u200b', IMAGE],
    ['registry.example.com/app:1\u2028x', IMAGE],
    ['registry.example.com/app:1\u202ex', IMAGE],
    ['ｒegistry.example.com/app', IMAGE],
    ['\u0440egistry.example.com/app', IMAGE],
    ['registry.example.com/app:-bad', IMAGE],
    ['registry.example.com/app:.bad', IMAGE],
    ['registry.example.com/app:1:2', IMAGE],
    ['registry.example.com/app@sha256:abc', IMAGE],
    ['registry.example.com//app', IMAGE],
    ['registry.example.com/app/', IMAGE],
    ['registry.example.com/app..x', IMAGE],
    ['-registry.example.com/app', IMAGE],
    ['registry.example.com.:5000/app', IMAGE],
    ['registry.example.com:0/app', IMAGE],
    ['registry.example.com:65536/app', IMAGE],
    ['registry.example.com:99999999999999/app', IMAGE],
    ['[:]:5000/app', IMAGE],
    ['[::1]:65536/app', IMAGE],
    ['[127.0.0.1]:5000/app', IMAGE],
    ['https://registry.example.com/app:1', IMAGE],
    ['registry.example.com/app;ls', IMAGE],
    ['registry.example.com/app:$(id)', IMAGE],
    ['registry.example.com/app:`id`', IMAGE],
    ['registry.example.com/app:a"b', IMAGE],
    ['"registry.example.com/app:1', IMAGE],
    ['"registry.example.com/a,B"', IMAGE, { shown: 'B' }],
    [
      'registry.example.com/app:1\r\nregistry.example.com/App:2',
      IMAGE,
      { shown: 'registry.example.com/App:2' }
    ],
    [`registry.example.com/app:1${INJECT}`, IMAGE, { shown: 'registry.example.com/app:1"]' }],
    ['', 'is empty while "push" is true'],
    [' \r\n\r\n\t , ,\n', 'is empty while "push" is true', { shown: '' }]
  ]),
  ...group('push', [
    ['yes', BOOLEAN],
    ['1', BOOLEAN],
    ['on', BOOLEAN],
    ['tRue', BOOLEAN],
    ['true\u200b', BOOLEAN],
    ['true false', BOOLEAN],
    ['"true"', BOOLEAN],
    ['TRUE\r\nFALSE', BOOLEAN]
  ]),
  ...group('load', [
    ['y', BOOLEAN],
    ['0', BOOLEAN],
    ['null', BOOLEAN],
    [
      'true',
      'cannot load 2 platforms',
      { with: { push: 'false', platforms: 'linux/amd64,linux/arm64', tags: '' } }
    ]
  ]),
  ...group('no-cache', [
    ['off', BOOLEAN],
    ['no', BOOLEAN],
    ['ｔrue', BOOLEAN]
  ]),
  ...group('pull', [
    ['t', BOOLEAN],
    ['truE', BOOLEAN],
    ['fal\u00adse', BOOLEAN]
  ]),
  ...group('cleanup', [
    ['never', BOOLEAN],
    ['false\tx', BOOLEAN],
    ['True\u2060', BOOLEAN]
  ]),
  ...group('build-args', [
    ['=value', KEY_VALUE],
    ['KEY', KEY_VALUE],
    [' =x', KEY_VALUE, { shown: '=x' }],
    ['KEY WITH SPACE=x', KEY_VALUE],
    ['KEY\t=x', KEY_VALUE],
    ['K\u00a0=v', KEY_VALUE],
    ['KE\u2028Y=x', KEY_VALUE],
    ['A=1\r\nJUSTNAME', KEY_VALUE, { shown: 'JUSTNAME' }],
    ['A=1\n=2', KEY_VALUE, { shown: '=2' }],
    ['A=1\r\n\r\n\t\r\nB', KEY_VALUE, { shown: 'B' }],
    [`A=${INJECT}`, KEY_VALUE, { shown: '[grpc]' }]
  ]),
  ...group('labels', [
    ['=x', KEY_VALUE],
    ['label', KEY_VALUE],
    ['org.opencontainers.image.title', KEY_VALUE],
    ['a b=c', KEY_VALUE],
    ['x\r\n\r\nnoval', KEY_VALUE, { shown: 'x' }],
    ['==x', KEY_VALUE],
    [' = ', KEY_VALUE, { shown: '=' }],
    ['k\u00a0=v', KEY_VALUE]
  ]),
  ...group('registry-mirrors', [
    ['m.example:0', HOST],
    ['m.example:65536', HOST],
    ['m.example:+80', HOST],
    ['m.example:-1', HOST],
    ['m.example:８０', HOST],
    ['m.example:', HOST],
    ['m.example:80:81', HOST],
    ['HTTP://M.EXAMPLE:0', HOST],
    ['::1', HOST],
    ['fe80::1:5000', HOST],
    ['[127.0.0.1]:5000', HOST],
    ['[::1', HOST],
    ['[::g]', HOST],
    ['[:]', HOST],
    ['[]', HOST],
    ['m..example', HOST],
    ['.m.example', HOST],
    ['m.example.', HOST],
    ['-m.example', HOST],
    ['m-.example', HOST],
    [`${big(64)}.example`, HOST],
    [LONG_HOST, HOST],
    ['m_x.example', HOST],
    ['mіrror.example', HOST],
    ['ｍirror.example', HOST],
    ['m.example\u200b', HOST],
    ['m.ex\u200bample', HOST],
    ['m.example\u00a0x', HOST],
    ['m.example\tn.example', HOST],
    ["m.example'", HOST],
    ['m.example\\n[grpc]', HOST],
    ['m.example?x', HOST],
    ['m.example#frag', HOST],
    ['https:/m.example', HOST],
    ['//m.example', HOST],
    ['http://', HOST],
    ['https://:5000', HOST],
    ['ftp://m.example', 'unsupported scheme "ftp"'],
    ['file:///etc/passwd', 'unsupported scheme "file"'],
    ['http://m.example:5000\r\nftp://x', 'unsupported scheme "ftp"', { shown: 'ftp://x' }],
    [
      'user:pw@m.example',
      'credentials in a mirror address are not supported',
      { shown: '***@m.example', secret: 'user:pw' }
    ],
    [
      'https://token@m.example',
      'credentials in a mirror address are not supported',
      { shown: 'https://***@m.example', secret: 'token@' }
    ],
    ['m.example/p#frag', PREFIX],
    ['m.example/../etc', PREFIX],
    ['m.example/a/../../b', PREFIX],
    ['m.example/./a', PREFIX],
    ['m.example//a', PREFIX],
    ['m.example/a%2fb', PREFIX],
    ['m.example/%2e%2e', PREFIX],
    ['m.example/p q', PREFIX],
    ['m.example/A', PREFIX],
    ['m.example/-a', PREFIX],
    ['m.example/a\\b', PREFIX],
    [`m.example/${big(100_000)}`, 'the path prefix has 100001 characters'],
    ['m.example/?x=1', REGISTRY],
    ['=m.example', REGISTRY],
    ['https://ghcr.io=m.example', REGISTRY],
    ['ghcr.io/x=m.example', REGISTRY],
    ['ghcr.io:0=m.example', REGISTRY],
    ['ghcr.io=', HOST],
    ['ghcr.io==m.example', HOST],
    ['ghcr.io=m.example=x', HOST],
    ['"m.example', HOST],
    ['m.example,"n.example', HOST, { shown: '"n.example' }],
    ['"m.example,n.example"', HOST, { shown: 'm.example,n.example' }],
    [`m.example${INJECT}`, HOST, { shown: 'm.example"]' }],
    ['m.example"] [grpc] address=["tcp://0.0.0.0:1"', REGISTRY],
    ['ghcr.io=m.example"]', HOST],
    [`ghcr.io${INJECT}=m.example`, HOST, { shown: 'ghcr.io"]' }]
  ]),
  ...group('insecure-registries', [
    ['r.example/v2', REGISTRY],
    ['ftp://r.example', REGISTRY],
    ['HTTPS://', REGISTRY],
    ['r.example:0', REGISTRY],
    ['r.example:65536', REGISTRY],
    ['r.example:+5000', REGISTRY],
    ['r.example:５000', REGISTRY],
    ['r.example:5000:1', REGISTRY],
    ['::1', REGISTRY],
    ['[10.0.0.1]:5000', REGISTRY],
    ['[:]:5000', REGISTRY],
    ['user@r.example', REGISTRY, { shown: '***@r.example' }],
    ['r.example?x', REGISTRY],
    ['r.example#x', REGISTRY],
    ['r_x.example', REGISTRY],
    ['r.example.', REGISTRY],
    ['r.example\u200b', REGISTRY],
    ['r.еxample', REGISTRY],
    ['r.example\tx', REGISTRY],
    ['*.example', REGISTRY],
    ['10.0.0.0/8', REGISTRY],
    ['256.1.1.1', REGISTRY],
    ['1.2.3', REGISTRY],
    ['01.2.3.4', REGISTRY],
    [big(300), REGISTRY],
    ['"r.example', REGISTRY],
    [`r.example${INJECT}`, REGISTRY, { shown: 'r.example"]' }]
  ]),
  ...group('http-proxy', [
    ['ftp://p:21', PROXY_SCHEME],
    ['socks4://p:1080', PROXY_SCHEME],
    ['ftp://u:s3cr3tpw@p:21', PROXY_SCHEME, { shown: 'ftp://***@p:21', secret: 's3cr3tpw' }],
    ['http://', PROXY_HOST],
    ['http://p:0', PROXY_HOST],
    ['http://p:65536', PROXY_HOST],
    ['http://p:99999', PROXY_HOST],
    ['http://p:+80', PROXY_HOST],
    ['http://p:８０', PROXY_HOST],
    ['http://p:%33128', PROXY_HOST],
    ['http://::1:3128', PROXY_HOST],
    ['http://[::1:3128', PROXY_HOST],
    ['http://[127.0.0.1]:3128', PROXY_HOST],
    ['http://[:]:3128', PROXY_HOST],
    ['http://p\u200b:3128', PROXY_HOST],
    ['http://pгoxy:3128', PROXY_HOST],
    ['http://ｐroxy:3128', PROXY_HOST],
    ['http://%70:3128', PROXY_HOST],
    ['http://p:3128\tx', PROXY_HOST],
    ['http://p q:3128', PROXY_HOST],
    ['http://p_x:3128', PROXY_HOST],
    ['http://p..x:3128', PROXY_HOST],
    ['http://p.:3128', PROXY_HOST],
    ['http://-p:3128', PROXY_HOST],
    [`http://${big(64)}.example:3128`, PROXY_HOST],
    [`http://${big(100_000)}`, PROXY_HOST],
    ['http://2130706433:3128', PROXY_HOST],
    ['http://999.1.1.1:3128', PROXY_HOST],
    ['http:p:3128', PROXY_HOST],
    ['p:3128:1', PROXY_HOST],
    [`http://p:3128${INJECT}`, PROXY_PATH],
    ['http://u:s3cr3tpw@', PROXY_HOST, { shown: 'http://***@', secret: 's3cr3tpw' }],
    ['http://p:3128/path', PROXY_PATH],
    ['http://p:3128?x=1', PROXY_PATH],
    ['http://p:3128#x', PROXY_PATH],
    ['http://p:3128/%2e%2e', PROXY_PATH],
    ['http:/p:3128', PROXY_PATH],
    ['http://p:3128\r\nhttp://q:1', PROXY_PATH],
    ['http://u:s3cr3tpw@p:3128/x', PROXY_PATH, { shown: 'http://***@p:3128/x', secret: 's3cr3tpw' }],
    ['http://u:s3cr3t%40pw@p:3128/path', PROXY_PATH, { shown: 'http://***@p:3128/path', secret: 's3cr3t' }],
    // The password holds "@": all of it is masked, not only what comes before its first "@".
    ['http://u:s3cr3t@pa55@p:3128/x', PROXY_PATH, { shown: 'http://***@p:3128/x', secret: 'pa55' }],
    ['http://u:s3cr3t%ZZ@p:3128', PROXY_USER, { shown: 'http://***@p:3128', secret: 's3cr3t' }],
    ['http://u:s3cr3t pw@p:3128', PROXY_USER, { shown: 'http://***@p:3128', secret: 's3cr3t' }],
    ['http://u:pa/ssw0rd@p:1', PROXY_USER, { shown: 'http://***@p:1', secret: 'ssw0rd' }],
    ['http://u:pa"ssw0rd@p:1', PROXY_USER, { shown: 'http://***@p:1', secret: 'ssw0rd' }],
    ['http://u:pa\tssw0rd@p:1', PROXY_USER, { shown: 'http://***@p:1', secret: 'ssw0rd' }],
    [
      'http://u:envs3cret@p:0',
      PROXY_HOST,
      { env: 'HTTP_PROXY', shown: 'http://***@p:0', secret: 'envs3cret' }
    ],
    ['gopher://p:70', PROXY_SCHEME, { env: 'http_proxy' }]
  ]),
  ...group('https-proxy', [
    ['socks4://p:1', PROXY_SCHEME],
    ['https://user:hunter2pw@p:443/x', PROXY_PATH, { shown: 'https://***@p:443/x', secret: 'hunter2pw' }],
    ['https://user:hunter2pw@:443', PROXY_HOST, { shown: 'https://***@:443', secret: 'hunter2pw' }],
    ['user:hunter2pw@p:443/x', PROXY_PATH, { shown: '***@p:443/x', secret: 'hunter2pw' }],
    ['HTTPS://U:Hunter2PW@P:0', PROXY_HOST, { shown: 'HTTPS://***@P:0', secret: 'Hunter2PW' }],
    ['https://p:443?q', PROXY_PATH],
    ['https://[::1]:443/x', PROXY_PATH],
    ['https://p:443\nhttps://q:443', PROXY_PATH],
    ['https://p..q', PROXY_HOST],
    [
      'https://u:hunter2pw@p:443/x',
      PROXY_PATH,
      { env: 'HTTPS_PROXY', shown: 'https://***@p:443/x', secret: 'hunter2pw' }
    ],
    ['http://p:3128/%2e%2e', PROXY_PATH, { env: 'https_proxy' }]
  ]),
  ...group('no-proxy', [
    ['a b;c', NO_PROXY, { shown: 'b;c' }],
    ['bad;host', NO_PROXY],
    ['a\tb|c', NO_PROXY, { shown: 'b|c' }],
    ['.corp\u200b', NO_PROXY],
    ['ｃorp.example', NO_PROXY],
    ['"corp.example"', NO_PROXY],
    ['$(id)', NO_PROXY],
    ['http://corp.example', NO_PROXY],
    ['10.0.0.0/33', NO_PROXY],
    ['fd00::/129', NO_PROXY],
    ['10.0.0.0/8/8', NO_PROXY],
    ['1.2.3.4/', NO_PROXY],
    ['/', NO_PROXY],
    ['[::1', NO_PROXY],
    [':::', NO_PROXY],
    ['***', NO_PROXY],
    ['..', NO_PROXY],
    ['-', NO_PROXY],
    ['corp.example:0', NO_PROXY],
    ['corp.example:99999', NO_PROXY],
    [big(100_000), NO_PROXY],
    [`host${INJECT}`, NO_PROXY, { shown: 'host"]' }],
    ['localhost,bad;host', NO_PROXY, { env: 'NO_PROXY', shown: 'bad;host' }],
    ['*.corp,*..x', NO_PROXY, { env: 'no_proxy', shown: '*..x' }]
  ]),
  ...group('builder-name', [
    ['-bad', 'not a valid builder name'],
    ['.b', 'not a valid builder name'],
    ['bad name', 'not a valid builder name'],
    [big(64), 'not a valid builder name'],
    ['b\u200b', 'not a valid builder name'],
    ['b\u00a0c', 'not a valid builder name'],
    ['büilder', 'not a valid builder name'],
    ['ｂuilder', 'not a valid builder name'],
    ['b/x', 'not a valid builder name'],
    ['b;rm', 'not a valid builder name'],
    ['b\nc', 'not a valid builder name'],
    ['$(id)', 'not a valid builder name'],
    [`b${INJECT}`, 'not a valid builder name']
  ]),
  ...group('buildkit-image', [
    ['Moby/BuildKit', IMAGE],
    ['moby/buildkit:', IMAGE],
    ['moby/buildkit:latest latest', IMAGE],
    ['moby/buildkit\u200b', IMAGE],
    ['moby/buildkit;id', IMAGE],
    ['https://moby/buildkit', IMAGE],
    ['moby/buildkit\nx', IMAGE],
    ['r.example:70000/moby/buildkit', IMAGE],
    ['r.example:0/moby/buildkit', IMAGE],
    ['[:]/moby/buildkit', IMAGE],
    [`moby/buildkit:${big(200)}`, IMAGE],
    [big(100_000, 'm'), IMAGE]
  ]),
  ...group('qemu-image', [
    ['tonistiigi/binfmt:', IMAGE],
    ['tonistiigi/binfmt@sha256:1', IMAGE],
    ['binfmt:$(id)', IMAGE],
    ['tonistiigi/binfmt:latest,x', IMAGE],
    ['tonistiigi//binfmt', IMAGE],
    ['tonistiigi/binfmt\u2028x', IMAGE]
  ]),
  ...group('qemu', [
    ['yes', 'not one of auto, true, false'],
    ['on', 'not one of auto, true, false'],
    ['truee', 'not one of auto, true, false'],
    ['"auto"', 'not one of auto, true, false'],
    ['auto\u200b', 'not one of auto, true, false'],
    ['ａｕｔｏ', 'not one of auto, true, false'],
    ['auto\nfalse', 'not one of auto, true, false']
  ]),
  ...group('mirror-check', [
    ['fail', 'not one of warn, strict, off'],
    ['0ff', 'not one of warn, strict, off'],
    ['strict,warn', 'not one of warn, strict, off'],
    ['warn\nstrict', 'not one of warn, strict, off'],
    ['warn\u00a0strict', 'not one of warn, strict, off'],
    ['ｗarn', 'not one of warn, strict, off']
  ]),
  ...group('buildx-version', [
    ['latest', 'not a version'],
    ['0.37', 'not a version'],
    ['v0.37.2.1', 'not a version'],
    ['V0.37.2', 'not a version'],
    ['vv0.37.2', 'not a version'],
    ['v0.37.2-', 'not a version'],
    ['0.37.2+meta', 'not a version'],
    ['v0.37.2\u200b', 'not a version'],
    ['v０.37.2', 'not a version'],
    ['v0.37.2;id', 'not a version'],
    ['v0.37.2/../x', 'not a version'],
    ['v0.37.2\nv0.38.0', 'not a version']
  ]),
  ...group('buildx-download-url', [
    ['ftp://x/{version}', 'not an http(s) URL once expanded'],
    ['file:///tmp/buildx', 'not an http(s) URL once expanded'],
    ['not a url', 'not an http(s) URL once expanded'],
    ['https:///{version}', 'not an http(s) URL once expanded'],
    ['//x/{version}', 'not an http(s) URL once expanded'],
    ['https://x y/{version}', 'not an http(s) URL once expanded'],
    ['javascript:alert(1)//{version}', 'not an http(s) URL once expanded'],
    ['https://x/{Version}', 'unknown placeholder {Version}'],
    ['https://x/{sha}', 'unknown placeholder {sha}'],
    [
      'https://u:topsecretpw@x/{bad}',
      'unknown placeholder {bad}',
      { shown: 'https://***@x/{bad}', secret: 'topsecretpw' }
    ]
  ]),
  ...group('buildkitd-config', [
    ['nope.toml', 'cannot read the file (ENOENT)'],
    ['../../etc/passwd', 'cannot read the file (ENOENT)'],
    ['ci', 'cannot read the file (EISDIR)', { readError: 'EISDIR' }],
    ['ci/secret.toml', 'cannot read the file (EACCES)', { readError: 'EACCES' }],
    [
      'ci/b.toml',
      'unquoted registry host',
      {
        plan: true,
        files: { 'ci/b.toml': '[registry.docker.io]\nmirrors = ["m"]' },
        shown: '[registry.docker.io]'
      }
    ],
    [
      'ci/c.toml',
      '"mirrors" must be a list of strings',
      {
        plan: true,
        files: { 'ci/c.toml': '\ufeff[registry."docker.io"]\r\nmirrors = "m.example"\r\n' },
        // A file's values are never quoted back: it may be anything the workspace holds.
        shown: 'registry."docker.io".mirrors = <a string>'
      }
    ],
    [
      'ci/d.toml',
      `${TOML_SYNTAX} at line 2`,
      { plan: true, files: { 'ci/d.toml': 'debug = true\ndebug = false' }, shown: '<line 2, not shown>' }
    ]
  ]),
  ...group('buildkitd-config-inline', [
    ['debug = ', `${TOML_SYNTAX} at line 1`, { shown: 'debug = ' }],
    ['[registry."docker.io"\nmirrors = []', `${TOML_SYNTAX} at line 1`, { shown: '[registry."docker.io"' }],
    ['debug = true\ndebug = false', `${TOML_SYNTAX} at line 2`, { shown: 'debug = false' }],
    ['a = 1\r\nb = ', `${TOML_SYNTAX} at line 2`, { shown: 'b = ' }],
    ['x = """\n', 'Unterminated multi-line string', { shown: '' }],
    ['\u200b = 1', `${TOML_SYNTAX} at line 1`],
    ['debug = "x"\n[grpc', `${TOML_SYNTAX} at line 2`, { shown: '[grpc' }],
    [
      '[grpc]\naddress = ["tcp://0.0.0.0:1"]\n[grpc]\naddress = []',
      `${TOML_SYNTAX} at line 3`,
      { shown: '[grpc]' }
    ],
    ['[registry.docker.io]\nmirrors = ["m"]', 'unquoted registry host', { shown: '[registry.docker.io]' }],
    [
      '[registry.docker."io\\n[grpc]"]\nhttp = true',
      'unquoted registry host',
      { shown: '[registry.docker."io\\n[grpc]"]' }
    ],
    ['registry = "x"', '"registry" must be a table', { shown: 'registry = "x"' }],
    ['[[registry]]\nx = 1', '"registry" must be a table', { shown: 'registry = [{"x":1}]' }],
    [
      '[registry]\n"docker.io" = 1',
      'a registry entry must be a table',
      { shown: 'registry."docker.io" = 1' }
    ],
    [
      '[registry."docker.io"]\nmirrors = "m.example"',
      '"mirrors" must be a list of strings',
      { shown: 'registry."docker.io".mirrors = "m.example"' }
    ],
    [
      '[registry."docker.io"]\nmirrors = [1, 2]',
      '"mirrors" must be a list of strings',
      { shown: 'registry."docker.io".mirrors = [1,2]' }
    ],
    [
      '[registry."docker.io"]\nhttp = "yes"',
      '"http" must be true or false',
      { shown: 'registry."docker.io".http = "yes"' }
    ],
    [
      '[registry."r:5000"]\ninsecure = 1',
      '"insecure" must be true or false',
      { shown: 'registry."r:5000".insecure = 1' }
    ],
    [
      '[registry."docker.io"]\nca = "/etc/ca.pem"',
      '"ca" must be a list of strings',
      { shown: 'registry."docker.io".ca = "/etc/ca.pem"' }
    ],
    [
      '[registry."docker.io"]\nkeypair = ["k"]',
      '"keypair" must be a list of tables',
      { shown: 'registry."docker.io".keypair = ["k"]' }
    ],
    ['[registry."constructor"]\nmirrors = ["m.example"]', BUILT_IN, { shown: '[registry.constructor]' }],
    ['[worker.oci]\nvalueOf.x = 1', BUILT_IN, { shown: '[worker.oci.valueOf]' }],
    // The TOML writer escapes only the first control character of a string: the output would not parse.
    ['debug = "\\u0000\\u0000"', 'control character U+0000', { shown: '[debug]' }],
    [
      '[registry."a\\u0001\\u0001"]\nhttp = true',
      'control character U+0001',
      { shown: '[registry."a\\u0001\\u0001"]' }
    ],
    [
      '[registry."docker.io"]\nmirrors = ["m\\u007f.example"]',
      'control character U+007F',
      { shown: '[registry."docker.io".mirrors]' }
    ],
    [
      '[worker.oci]\ngc = true',
      '"worker.oci" is a table in buildkitd-config-inline but a value in buildkitd-config',
      {
        with: { 'buildkitd-config': 'w.toml' },
        files: { 'w.toml': '[worker]\noci = 1' },
        shown: 'worker.oci'
      }
    ]
  ]).map(row => ({ ...row, plan: true }))
]

function sourceOf(row: Row): InputSource {
  const values: Record<string, string> = { ...PUSHABLE, ...row.with }
  const env: Record<string, string> = {}
  if (row.env) env[row.env] = row.raw
  else values[row.input] = row.raw
  const source = inputSource(values, env, row.files)
  if (!row.readError) return source
  return {
    ...source,
    readFile: path => {
      throw Object.assign(new Error(`cannot read ${path}`), { code: row.readError })
    }
  }
}

/** The one error the row's inputs give, from the stage that should give it. */
function failure(row: Row): unknown {
  const source = sourceOf(row)
  try {
    if (!row.plan) {
      parseInputs(source)
      return undefined
    }
    const inputs = parseInputs(source)
    try {
      makePlan(inputs, context)
    } catch (error) {
      return error
    }
    return undefined
  } catch (error) {
    return row.plan ? new Error(`parseInputs refused what only the plan should: ${error}`) : error
  }
}

const label = (row: Row): string => {
  const raw = JSON.stringify(row.raw)
  const shown = raw.length > 70 ? `${raw.slice(0, 60)}…" (${row.raw.length} characters)` : raw
  return `${row.input}${row.env ? ` (from ${row.env})` : ''} ${shown}`
}

describe('every malformed input fails with one message naming the input and the value', () => {
  it('has at least 150 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150)
    expect(new Set(rows.map(label)).size).toBe(rows.length)
  })

  it.each(rows.map(row => [label(row), row] as const))('%s', (_name, row) => {
    const error = failure(row)
    expect(error).toBeInstanceOf(InputError)
    const { input, value, reason, hint, message } = error as InputError
    const shown = row.shown ?? row.raw.trim()
    expect({ input, value }).toEqual({ input: row.input, value: shown })
    expect(message.startsWith(`Input "${row.input}": `)).toBe(true)
    expect(reason).toContain(row.reason)
    if (row.hint) expect(hint).toContain(row.hint)
    expect(message).toContain(`(got ${quoteValue(shown)})`)
    // One line, nothing a reader could take for a stack trace, no invisible characters.
    expect(message).not.toMatch(/[\r\n\u2028\u2029\u0085]/)
    expect(message).not.toMatch(/\bat \S+ \(|\.[cm]?[jt]s:\d+:\d+|\bError:/)
    expect(message).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2060\ufeff\u00ad]/)
    if (row.secret) {
      expect(message).not.toContain(row.secret)
      expect(message).not.toContain(decodeURIComponent(row.secret))
    }
  })
})

describe('gaps found by this suite, fixed in inputs.ts, buildx-version.ts and registries.ts', () => {
  const fails = (values: Record<string, string>, input: string) => {
    let error: unknown
    try {
      parseInputs(inputSource({ ...PUSHABLE, ...values }))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as Error).message.includes('\n')).toBe(false)
    return (error as Error).message
  }
  it.each([
    ['build-args', '\u200b=x'],
    ['build-args', '"=x'],
    ['labels', '\u200b=x']
  ])('%s %j (invisible or quote-only key)', (input, raw) => {
    fails({ [input]: raw }, input)
  })
  it.each(['https://x/{version', 'https://x/{version}}', 'ftp://x/\n{version}'])(
    'buildx-download-url %j',
    raw => {
      fails({ 'buildx-download-url': raw }, 'buildx-download-url')
    }
  )
  it('registry-mirrors with credentials, masked', () => {
    expect(fails({ 'registry-mirrors': 'https://user:s3cr3t@m.example' }, 'registry-mirrors')).not.toContain(
      's3cr3t'
    )
  })
})

describe('environment switches of build-push-action', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['false', false],
    ['0', false],
    ['True', true],
    ['1', true]
  ])('DOCKER_BUILD_SUMMARY=%j gives summary %s (and summary: false always wins)', (value, expected) => {
    const env: Record<string, string> = value === undefined ? {} : { DOCKER_BUILD_SUMMARY: value }
    expect(parseInputs(inputSource({ tags: 'r.example/a' }, env)).summary).toBe(expected)
    expect(parseInputs(inputSource({ tags: 'r.example/a', summary: 'false' }, env)).summary).toBe(false)
  })
  it('turns annotations off with DOCKER_BUILD_CHECKS_ANNOTATIONS=false and accepts DOCKER_BUILD_RECORD_UPLOAD', () => {
    const inputs = (env: Record<string, string>) => parseInputs(inputSource({ tags: 'r.example/a' }, env))
    expect(inputs({}).checksAnnotations).toBe(true)
    expect(inputs({ DOCKER_BUILD_CHECKS_ANNOTATIONS: 'false' }).checksAnnotations).toBe(false)
    expect(() => inputs({ DOCKER_BUILD_RECORD_UPLOAD: 'whatever' })).not.toThrow()
  })
})
