import fc from 'fast-check'
import { diagnose, explainFailure } from '../../../src/model/diagnosis'

// Failure texts as buildx, BuildKit and dockerd print them (see shared/docs/buildkit-network-reference.md).
describe('diagnose', () => {
  it.each([
    [
      'ERROR: docker exporter does not currently support exporting manifest lists',
      'Multi-platform image cannot be loaded',
      '"load'
    ],
    ['ERROR: invalid value "b", expecting k=v', 'Unquoted comma in a driver option', '"driver-opts"'],
    [
      'ERROR: failed to parse config: toml: line 1: expected',
      'Invalid BuildKit configuration',
      '"buildkitd-config"'
    ],
    [
      'ERROR: buildkit configuration file not found: /x.toml',
      'Invalid BuildKit configuration',
      '"buildkitd-config"'
    ],
    [
      'ERROR: existing instance for "b" but no append mode, specify the node name',
      'Builder name already in use',
      '"builder-name"'
    ],
    [
      '#1 [internal] booting buildkit\n#1 pulling image moby/buildkit:buildx-stable-1\n#1 ERROR: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host',
      'BuildKit image could not be pulled',
      '"buildkit-image"'
    ],
    [
      'ERROR: failed to solve: busybox: failed to resolve source metadata for docker.io/library/busybox:latest: failed to do request: Head "https://registry-1.docker.io/v2/library/busybox/manifests/latest": proxyconnect tcp: dial tcp 127.0.0.1:8887: connect: connection refused',
      'Proxy unreachable',
      '"https-proxy"'
    ],
    [
      'ERROR: failed to solve: failed to push r.example/a:1: failed to authorize: failed to fetch oauth token: Post "https://auth.docker.io/token": read tcp 10.0.0.1:1->1.2.3.4:443: read: connection reset by peer',
      'Registry token request failed',
      '"https-proxy"'
    ],
    [
      'ERROR: failed to push registry.stack.test:5003/a:1: failed to do request: Head "https://registry.stack.test:5003/v2/a/blobs/sha256:1": http: server gave HTTP response to HTTPS client',
      'Registry speaks plain HTTP',
      '"insecure-registries"'
    ],
    [
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'Registry certificate not trusted',
      '"insecure-registries"'
    ],
    [
      'ERROR: failed to push 127.0.0.1:5002/a:1: unexpected status from HEAD request to http://127.0.0.1:5002/v2/a/blobs/sha256:1: 401 Unauthorized',
      'Registry refused the credentials',
      'docker/login-action'
    ],
    [
      'server message: insufficient_scope: authorization failed',
      'Registry refused the credentials',
      '"tags"'
    ],
    ['#6 0.102 exec /bin/sh: exec format error', 'Platform cannot run on this runner', '"platforms"'],
    [
      'failed to do request: Head "http://127.0.0.1:5001/v2/library/busybox/manifests/latest?ns=docker.io": dial tcp 127.0.0.1:5001: connect: connection refused',
      'Nothing answers on loopback',
      '"driver-opts"'
    ]
  ])('recognises %s', (text, title, fix) => {
    const [first] = diagnose(text)
    expect(first?.title).toBe(title)
    expect(first?.fix).toContain(fix)
  })

  it('says nothing about a plain RUN failure', () => {
    expect(
      diagnose(
        'ERROR: failed to build: process "/bin/sh -c false" did not complete successfully: exit code: 1'
      )
    ).toEqual([])
  })
})

it('blames the token path, not the credentials, for a reset token request', () => {
  const text =
    'failed to authorize: failed to fetch oauth token: Post "https://auth.docker.io/token": connection reset by peer'
  expect(diagnose(text).map(d => d.title)).toEqual(['Registry token request failed'])
})

describe('host names that do not resolve', () => {
  const titles = (text: string) => diagnose(text).map(d => d.title)

  it.each([
    [
      'ERROR: failed to solve: failed to do request: Head "https://registry.example.com/v2/a/manifests/1": dial tcp: lookup registry.example.com on 127.0.0.53:53: no such host',
      'registry.example.com'
    ],
    [
      'failed to do request: Head "https://m.example/v2/": dial tcp: lookup m.example: no such host',
      'm.example'
    ],
    ['dial tcp: lookup Mirror.Corp.Example on 10.0.0.2:53: server misbehaving', 'mirror.corp.example'],
    ['dial tcp: lookup r.internal: Temporary failure in name resolution', 'r.internal']
  ])('explains %s and quotes the host', (text, host) => {
    const found = diagnose(text)
    expect(found.map(d => d.title)).toEqual(['Host name does not resolve'])
    expect(found[0].cause).toContain(`"${host}"`)
    for (const input of ['"https-proxy"', '"http-proxy"', '"no-proxy"']) expect(found[0].fix).toContain(input)
  })

  it('names each host once, at most three', () => {
    const text = ['a', 'b', 'a', 'c', 'd'].map(h => `dial tcp: lookup ${h}.example: no such host`).join('\n')
    const [found] = diagnose(text)
    expect(found.cause).toContain('"a.example", "b.example", "c.example" did not resolve')
    expect(found.cause).not.toContain('d.example')
  })

  it('still explains a failure without a "lookup" host, without naming one', () => {
    const [found] = diagnose('E: Temporary failure in name resolution')
    expect(found.title).toBe('Host name does not resolve')
    expect(found.cause).toContain('a registry, token service or mirror host did not resolve')
  })

  it('leaves a failed token lookup to the token rule alone', () => {
    const text =
      'ERROR: failed to push r.example/a:1: failed to authorize: failed to fetch anonymous token: Get "https://auth.example/token": dial tcp: lookup auth.example on 127.0.0.53:53: no such host'
    expect(titles(text)).toEqual(['Registry token request failed'])
  })

  it('names only the other host when a token lookup and a mirror lookup fail together', () => {
    const text = [
      'failed to fetch oauth token: Post "https://auth.example/token": dial tcp: lookup auth.example: no such host',
      'failed to do request: Head "https://m.example/v2/": dial tcp: lookup m.example: no such host'
    ].join('\n')
    const found = diagnose(text)
    expect(found.map(d => d.title)).toEqual(['Registry token request failed', 'Host name does not resolve'])
    expect(found[1].cause).toContain('"m.example"')
    expect(found[1].cause).not.toContain('auth.example')
  })

  it('blames the proxy address when the proxy name is what does not resolve', () => {
    const text =
      'failed to do request: Head "https://r.example/v2/": proxyconnect tcp: dial tcp: lookup proxy.corp on 127.0.0.11:53: no such host'
    const found = diagnose(text)
    expect(found.map(d => d.title)).toEqual(['Proxy host name does not resolve'])
    expect(found[0].fix).toContain('"https-proxy"')
  })

  it('does not tell to set a proxy when the daemon could not pull (the daemon does not use the inputs)', () => {
    const text =
      '#1 pulling image moby/buildkit:buildx-stable-1\n#1 ERROR: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host'
    expect(titles(text)).toEqual(['BuildKit image could not be pulled'])
  })
})

describe('rules read one line at a time, linearly', () => {
  it('needs the parts of a rule on one line and in order, as the regexes did', () => {
    expect(diagnose('#1 pulling image moby/x\nbuildkit')).toEqual([])
    expect(diagnose('buildkit: pulling image moby/x')).toEqual([])
    expect(diagnose('pulling image moby/BuildKit:latest')[0]?.title).toBe(
      'BuildKit image could not be pulled'
    )
    expect(diagnose('daemon has no moby/buildkit:v1')[0]?.title).toBe('BuildKit image could not be pulled')
    expect(diagnose('daemon has no moby/x buildkit')).toEqual([])
  })

  it('finds a rule after hostile text on the same line and on many lines before it', () => {
    const hostile = 'pulling image '.repeat(2000)
    expect(diagnose(hostile)).toEqual([])
    expect(diagnose(`${hostile}buildkit`)[0]?.title).toBe('BuildKit image could not be pulled')
    const many = `${'x\n'.repeat(50_000)}#6 0.1 exec /bin/sh: exec format error`
    expect(diagnose(many).map(d => d.title)).toEqual(['Platform cannot run on this runner'])
  })

  it('reads the head and the tail of a line longer than it keeps', () => {
    const long = 'y'.repeat(200_000)
    expect(diagnose(`exec format error ${long}`)[0]?.title).toBe('Platform cannot run on this runner')
    expect(diagnose(`${long} x509: certificate is not valid`)[0]?.title).toBe(
      'Registry certificate not trusted'
    )
  })
})

/**
 * The rules as they were, one regex each, run on the whole text: for short texts (no line is cut, no line
 * is dropped), the step sequences must find exactly what these found, or more for the three rules whose
 * wildcard became "later on the line" (a value with a quote in it, a host with a colon, a URL).
 */
const OLD_RULES: [string, RegExp, 'same' | 'superset'][] = [
  ['Docker daemon not reachable', /Cannot connect to the Docker daemon|error during connect/, 'same'],
  [
    'Multi-platform image cannot be loaded',
    /docker exporter does not currently support exporting manifest lists/,
    'same'
  ],
  ['Unquoted comma in a driver option', /invalid value "[^"]*", expecting k=v/, 'superset'],
  [
    'Invalid BuildKit configuration',
    /failed to parse config: toml|buildkit configuration file not found|failed to read CA file/,
    'same'
  ],
  [
    'Builder name already in use',
    /existing instance for ".*" but no append mode|instance name ".*" already exists/,
    'same'
  ],
  [
    'BuildKit image could not be pulled',
    /pulling image .*buildkit|No such image: .*buildkit|(Error response from daemon|failed to pull).*buildkit|daemon has no \S*buildkit/i,
    'same'
  ],
  ['Proxy unreachable', /proxyconnect tcp: dial tcp [^:]+:\d+: connect: connection refused/, 'superset'],
  [
    'Nothing answers on loopback',
    /dial tcp (127\.\d+\.\d+\.\d+|\[::1\]):\d+: connect: connection refused/,
    'same'
  ],
  [
    'Registry token request failed',
    /failed to fetch (oauth|anonymous) token: .*(connection reset|i\/o timeout|no such host|connection refused|TLS handshake timeout)/,
    'same'
  ],
  ['Registry speaks plain HTTP', /server gave HTTP response to HTTPS client/, 'same'],
  [
    'Registry certificate not trusted',
    /x509: certificate signed by unknown authority|tls: failed to verify certificate|x509: certificate is not valid/,
    'same'
  ],
  [
    'Registry refused the credentials',
    /push access denied|insufficient_scope|unexpected status( from \w+ request to [^:]+)?: 40[13]|401 Unauthorized|403 Forbidden/,
    'superset'
  ],
  ['Platform cannot run on this runner', /exec format error/, 'same']
]

const FRAGMENTS = [
  ...['\n', ' ', '"', ':', 'x', '1', 'b', ': ', '/', '\r\n'],
  ...[
    'pulling image ',
    'buildkit',
    'BuildKit',
    'No such image: ',
    'no such image: ',
    'Error response from daemon'
  ],
  ...['failed to pull', 'daemon has no ', 'moby/buildkit', 'invalid value "', '", expecting k=v'],
  ...['existing instance for "', '" but no append mode', 'instance name "', '" already exists'],
  ...[
    'proxyconnect tcp: dial tcp ',
    'dial tcp ',
    '127.0.0.1',
    '127.0.0',
    '[::1]',
    ':5000',
    ': connect: connection refused'
  ],
  ...[
    'failed to fetch oauth token: ',
    'failed to fetch anonymous token: ',
    'connection reset',
    'no such host'
  ],
  ...[
    'i/o timeout',
    'TLS handshake timeout',
    'unexpected status',
    ' from HEAD request to ',
    'http://r:5000/v2',
    ': 401'
  ],
  ...[
    ': 403',
    '401 Unauthorized',
    'push access denied',
    'exec format error',
    'x509: certificate is not valid'
  ],
  ...['error during connect', 'failed to read CA file']
]

it('finds what the regexes found, on any short mix of their fragments', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 14 }), parts => {
      const text = parts.join('')
      const titles = new Set(diagnose(text).map(d => d.title))
      for (const [title, regex, relation] of OLD_RULES) {
        if (relation === 'same') expect([title, titles.has(title)]).toEqual([title, regex.test(text)])
        else if (regex.test(text)) expect([title, titles.has(title)]).toEqual([title, true])
      }
    }),
    { numRuns: 3000, seed: 20261201 }
  )
})

describe('explainFailure on long lines', () => {
  it('cuts a line it shows, saying how much is left out', () => {
    const [line] = explainFailure(`ERROR: ${'z'.repeat(5000)}`)
    expect(line).toBe(`ERROR: ${'z'.repeat(993)} … (4007 more characters)`)
  })
})
