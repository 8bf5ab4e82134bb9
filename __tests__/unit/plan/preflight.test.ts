import { parseToml, registryModelFromToml } from '../../../src/model/buildkitd-toml'
import {
  decideMirrors,
  Endpoint,
  formatProbeTable,
  loginNotSent,
  PLAIN_REALM_FIX,
  preflightEndpoints,
  ProbeResult,
  probeSummaryRows,
  proxyFor,
  realmTarget,
  registryRoute,
  untrustedCertificateFix,
  loginVerdict,
  parseChallenge,
  tokenRequestUrl
} from '../../../src/plan/preflight'
import { parseNoProxy } from '../../../src/model/no-proxy'
import { parseProxyUrl, ProxySettings } from '../../../src/model/proxy'
import { buildRegistryModel, parseMirrorEntry } from '../../../src/model/registries'

const PROXY = 'http://ci:s3cret@proxy.corp.example:3128'

function proxySettings(overrides: Partial<Record<'http' | 'https' | 'noProxy', string>> = {}): ProxySettings {
  const values = { http: PROXY, https: PROXY, noProxy: '', ...overrides }
  return {
    http: values.http ? parseProxyUrl('http-proxy', values.http) : undefined,
    https: values.https ? parseProxyUrl('https-proxy', values.https) : undefined,
    noProxy: parseNoProxy(values.noProxy)
  }
}

describe('proxyFor', () => {
  it.each<[string, Partial<Record<'http' | 'https' | 'noProxy', string>>, string | undefined]>([
    ['https://mirror.example/v2/', {}, PROXY],
    ['http://mirror.example/v2/', {}, PROXY],
    ['https://mirror.example/v2/', { https: '' }, undefined],
    ['http://mirror.example/v2/', { http: '' }, undefined],
    ['https://mirror.example/v2/', { http: '' }, PROXY],
    ['https://mirror.example/v2/', { https: 'http://other:8080' }, 'http://other:8080'],
    ['http://mirror.example/v2/', { https: 'http://other:8080' }, PROXY],
    ['https://127.0.0.1:5000/v2/', {}, undefined],
    ['http://localhost:5000/v2/', {}, undefined],
    ['http://[::1]:5000/v2/', {}, undefined],
    ['https://mirror.example/v2/', { noProxy: '.example' }, undefined],
    ['https://mirror.example/v2/', { noProxy: 'mirror.example:443' }, undefined],
    ['https://mirror.example:8443/v2/', { noProxy: 'mirror.example:443' }, PROXY],
    ['http://mirror.example/v2/', { noProxy: 'mirror.example:80' }, undefined],
    ['http://10.1.2.3:5000/v2/', { noProxy: '10.0.0.0/8' }, undefined]
  ])('%s with %j → %s', (url, overrides, expected) => {
    expect(proxyFor(url, proxySettings(overrides))).toBe(expected)
  })
})

describe('preflightEndpoints', () => {
  const model = buildRegistryModel(
    [
      'https://mirror.example.cn',
      'http://10.0.0.5:5000',
      'ghcr.io=ghcr.example.cn/proxy.ghcr.io',
      'http://localhost:5001'
    ].map(parseMirrorEntry),
    ['registry.local:5000', 'registry.corp.example']
  )

  it('lists mirrors, insecure registries and each distinct proxy, with the proxy Go would use', () => {
    expect(preflightEndpoints(model, proxySettings({ noProxy: '.corp.example' }))).toEqual<Endpoint[]>([
      {
        kind: 'mirror',
        label: 'mirror.example.cn',
        url: 'https://mirror.example.cn/v2/',
        registry: 'docker.io',
        viaProxy: PROXY
      },
      {
        kind: 'mirror',
        label: '10.0.0.5:5000',
        url: 'http://10.0.0.5:5000/v2/',
        registry: 'docker.io',
        viaProxy: PROXY
      },
      { kind: 'mirror', label: 'localhost:5001', url: 'http://localhost:5001/v2/', registry: 'docker.io' },
      {
        kind: 'mirror',
        label: 'ghcr.example.cn/proxy.ghcr.io',
        url: 'https://ghcr.example.cn/v2/',
        registry: 'ghcr.io',
        viaProxy: PROXY
      },
      // Insecure: TLS without checks first, then plain HTTP when the server does not speak TLS, as BuildKit.
      {
        kind: 'registry',
        label: 'registry.local:5000',
        url: 'https://registry.local:5000/v2/',
        viaProxy: PROXY,
        fallback: { url: 'http://registry.local:5000/v2/', viaProxy: PROXY }
      },
      {
        kind: 'registry',
        label: 'registry.corp.example',
        url: 'https://registry.corp.example/v2/',
        fallback: { url: 'http://registry.corp.example/v2/' }
      },
      { kind: 'proxy', label: 'http://***@proxy.corp.example:3128', url: PROXY }
    ])
  })

  it('probes nothing but the proxies without mirrors or insecure registries', () => {
    const settings = proxySettings({ http: 'http://a:3128', https: 'http://b:3128' })
    expect(preflightEndpoints(new Map(), settings)).toEqual([
      { kind: 'proxy', label: 'http://a:3128', url: 'http://a:3128' },
      { kind: 'proxy', label: 'http://b:3128', url: 'http://b:3128' }
    ])
  })

  it('uses https-proxy for https mirrors and http-proxy for http ones, and none when unset', () => {
    const endpoints = preflightEndpoints(model, proxySettings({ http: 'http://plain:3128', https: '' }))
    const via = Object.fromEntries(endpoints.map(e => [e.label, e.viaProxy]))
    expect(via['mirror.example.cn']).toBeUndefined()
    expect(via['10.0.0.5:5000']).toBe('http://plain:3128')
  })

  it('ignores Docker Hub and registries with mirrors only', () => {
    const onlyMirrors = buildRegistryModel(['quay.io=quay.example.cn'].map(parseMirrorEntry), [])
    expect(preflightEndpoints(onlyMirrors, { noProxy: [] }).map(e => e.kind)).toEqual(['mirror'])
  })

  it('never puts proxy credentials in a label', () => {
    for (const endpoint of preflightEndpoints(model, proxySettings())) {
      expect(endpoint.label).not.toContain('s3cret')
    }
  })
})

const mirror = (label: string, registry = 'docker.io', viaProxy?: string): Endpoint => ({
  kind: 'mirror',
  label,
  url: `https://${label.split('/')[0]}/v2/`,
  registry,
  ...(viaProxy ? { viaProxy } : {})
})
const result = (
  endpoint: Endpoint,
  reachable: boolean,
  status = reachable ? 'HTTP 200' : 'connection refused'
) => ({ endpoint, reachable, status, latencyMs: 12 }) satisfies ProbeResult

describe('decideMirrors', () => {
  const alive = result(mirror('mirror.ok'), true)
  const unauthorized = result(mirror('auth.ok'), true, 'HTTP 401')
  const dead = result(mirror('mirror.dead'), false, 'timeout after 3000 ms')
  const deadGhcr = result(mirror('ghcr.dead/ghcr.io', 'ghcr.io'), false)
  const registry = result(
    { kind: 'registry', label: 'registry.local:5000', url: 'http://registry.local:5000/v2/' },
    false
  )
  const proxy = result({ kind: 'proxy', label: 'http://***@proxy:3128', url: PROXY }, false)

  it('keeps everything reachable, whatever the HTTP status', () => {
    for (const mode of ['warn', 'strict'] as const) {
      expect(decideMirrors([alive, unauthorized], mode)).toEqual({ drop: [], warnings: [] })
    }
  })

  it('warn: drops each unreachable mirror with one warning naming the dial timeout', () => {
    const decision = decideMirrors([alive, dead, deadGhcr], 'warn')
    expect(decision.drop).toEqual(['mirror.dead', 'ghcr.dead/ghcr.io'])
    expect(decision.error).toBeUndefined()
    expect(decision.warnings).toHaveLength(2)
    expect(decision.warnings[0]).toMatch(/mirror\.dead \(for docker\.io\).*timeout after 3000 ms/)
    expect(decision.warnings[1]).toMatch(/ghcr\.dead\/ghcr\.io \(for ghcr\.io\).*connection refused/)
    for (const warning of decision.warnings) expect(warning).toMatch(/dial timeout on every request/)
  })

  it('warn: drops a location once even when it mirrors several registries', () => {
    const shared = [result(mirror('m.dead'), false), result(mirror('m.dead', 'ghcr.io'), false)]
    const decision = decideMirrors(shared, 'warn')
    expect(decision.drop).toEqual(['m.dead'])
    expect(decision.warnings).toEqual([expect.stringContaining('(for docker.io, ghcr.io)')])
  })

  it('strict: fails naming every unreachable mirror and the mirror-check input, dropping nothing', () => {
    const decision = decideMirrors([alive, dead, deadGhcr], 'strict')
    expect(decision.drop).toEqual([])
    expect(decision.error).toMatch(
      /mirror\.dead \(timeout after 3000 ms\), ghcr\.dead\/ghcr\.io \(connection refused\)/
    )
    expect(decision.error).toContain('"mirror-check')
    expect(decision.error).not.toContain('mirror.ok')
  })

  it.each(['warn', 'strict'] as const)('%s: only warns about unreachable registries and proxies', mode => {
    const decision = decideMirrors([alive, registry, proxy], mode)
    expect(decision.drop).toEqual([])
    expect(decision.error).toBeUndefined()
    expect(decision.warnings).toEqual([
      expect.stringMatching(/^Registry registry\.local:5000 did not answer .*connection refused/),
      expect.stringMatching(/^Proxy http:\/\/\*\*\*@proxy:3128 is unreachable/)
    ])
  })

  it('warn: keeps a mirror whose proxy is down, since the proxy is the problem', () => {
    const throughDeadProxy = result(
      mirror('mirror.far', 'docker.io', PROXY),
      false,
      'proxy: connection refused'
    )
    const decision = decideMirrors([throughDeadProxy, proxy], 'warn')
    expect(decision.drop).toEqual([])
    expect(decision.warnings).toEqual([
      expect.stringMatching(/^Proxy /),
      expect.stringMatching(/mirror\.far .*proxy is unreachable; kept it/)
    ])
  })

  it('warn: keeps a mirror that failed on the way to its proxy, whose certificate is not trusted', () => {
    const refused = result(
      mirror('mirror.far', 'docker.io', PROXY),
      false,
      'proxy: untrusted certificate: SELF_SIGNED_CERT_IN_CHAIN'
    )
    const reachableProxy = result({ kind: 'proxy', label: 'http://***@proxy:3128', url: PROXY }, true)
    const decision = decideMirrors([refused, reachableProxy], 'warn')
    expect(decision.drop).toEqual([])
    expect(decision.warnings).toEqual([
      'Registry mirror mirror.far (for docker.io) could not be checked through its proxy ' +
        '(proxy: untrusted certificate: SELF_SIGNED_CERT_IN_CHAIN); kept it.'
    ])
  })

  it('off: decides nothing', () => {
    expect(decideMirrors([dead, registry], 'off')).toEqual({ drop: [], warnings: [] })
  })

  it('never shows a URL with credentials', () => {
    const decision = decideMirrors([result(mirror('m.dead', 'docker.io', PROXY), false), proxy], 'warn')
    expect(JSON.stringify(decision)).not.toContain('s3cret')
  })
})

describe('probe table', () => {
  const results: ProbeResult[] = [
    result(mirror('mirror.example.cn', 'docker.io', PROXY), true),
    { ...result(mirror('dead.example'), false, 'timeout after 3000 ms'), latencyMs: 3001.4 },
    result({ kind: 'proxy', label: 'http://***@proxy:3128', url: PROXY }, true, 'TCP connected')
  ]

  it('has a header row and one row per result for the job summary', () => {
    expect(probeSummaryRows(results)).toEqual([
      ['endpoint', 'kind', 'reachable', 'status', 'latency ms'],
      ['mirror.example.cn', 'mirror of docker.io via proxy', 'yes', 'HTTP 200', '12'],
      ['dead.example', 'mirror of docker.io', 'no', 'timeout after 3000 ms', '3001'],
      ['http://***@proxy:3128', 'proxy', 'yes', 'TCP connected', '12']
    ])
  })

  it('formats aligned columns for the log', () => {
    expect(formatProbeTable(results)).toBe(
      [
        '| endpoint              | kind                          | reachable | status                | latency ms |',
        '|-----------------------|-------------------------------|-----------|-----------------------|------------|',
        '| mirror.example.cn     | mirror of docker.io via proxy | yes       | HTTP 200              | 12         |',
        '| dead.example          | mirror of docker.io           | no        | timeout after 3000 ms | 3001       |',
        '| http://***@proxy:3128 | proxy                         | yes       | TCP connected         | 12         |'
      ].join('\n')
    )
  })

  it('is just the header without results', () => {
    expect(formatProbeTable([]).split('\n')).toHaveLength(2)
  })
})

describe('endpoints that are not URLs', () => {
  const fails = (act: () => unknown): string => {
    let error: unknown
    try {
      act()
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(Error)
    const { message } = error as Error
    expect(message).not.toMatch(/^Invalid URL/)
    expect(message).toContain('"buildkitd-config-inline"')
    expect(message).toContain('"registry-mirrors"')
    return message
  }
  it('names the inputs that hold hosts instead of a bare "Invalid URL"', () => {
    expect(fails(() => proxyFor('https://a b/v2/', proxySettings()))).toContain('"https://a b/v2/"')
  })
  it('does so for a model no parser checked', () => {
    const model = new Map([['docker.io', { mirrors: ['bad host:1/x'] }]])
    fails(() => preflightEndpoints(model, proxySettings()))
    fails(() => preflightEndpoints(new Map([['r[1]', { mirrors: [], http: true }]]), proxySettings()))
  })
  it('never gets one from a config parseToml took', () => {
    const table = parseToml(
      'buildkitd-config-inline',
      '[registry."docker.io"]\nmirrors = ["m.example:5000/proxy", "[::1]:5001"]\n[registry."r.example:5000"]\nhttp = true'
    )
    expect(preflightEndpoints(registryModelFromToml(table), proxySettings()).map(e => e.url)).toEqual([
      'https://m.example:5000/v2/',
      // BuildKit speaks plain HTTP to a loopback host whose section does not say otherwise.
      'http://[::1]:5001/v2/',
      'http://r.example:5000/v2/',
      PROXY
    ])
  })
})

describe('how BuildKit reaches a host (its resolver: fillInsecureOpts)', () => {
  const section = (toml: string) => registryModelFromToml(parseToml('buildkitd-config-inline', toml))
  it.each<[string, string, string, ReturnType<typeof registryRoute>]>([
    [
      'a registry without a section',
      'r.example',
      '',
      { scheme: 'https', verify: true, fallback: false, ca: [] }
    ],
    [
      'its CA files',
      'r.example',
      'ca = ["/ca.pem"]',
      { scheme: 'https', verify: true, fallback: false, ca: ['/ca.pem'] }
    ],
    ['http = true', 'r.example', 'http = true', { scheme: 'http', verify: false, fallback: false, ca: [] }],
    [
      'insecure = true',
      'r.example',
      'insecure = true',
      { scheme: 'https', verify: false, fallback: false, ca: [] }
    ],
    [
      'insecure-registries',
      'r.example',
      'http = true\ninsecure = true',
      { scheme: 'https', verify: false, fallback: true, ca: [] }
    ],
    ['loopback', '127.0.0.1:5000', '', { scheme: 'http', verify: false, fallback: false, ca: [] }],
    ['localhost', 'localhost:5000', '', { scheme: 'http', verify: false, fallback: false, ca: [] }],
    ['IPv6 loopback', '[::1]:5000', '', { scheme: 'http', verify: false, fallback: false, ca: [] }],
    [
      'loopback with http = false',
      'localhost:5000',
      'http = false',
      { scheme: 'https', verify: true, fallback: false, ca: [] }
    ],
    [
      'insecure loopback',
      '127.0.0.1:5000',
      'insecure = true',
      { scheme: 'https', verify: false, fallback: true, ca: [] }
    ],
    [
      'a *.localhost name (not loopback to containerd)',
      'r.localhost',
      '',
      { scheme: 'https', verify: true, fallback: false, ca: [] }
    ]
  ])('%s', (_name, host, options, route) => {
    const model = section(`[registry.${JSON.stringify(host)}]\n${options}\nmirrors = []`)
    expect(registryRoute(host, model.get(host))).toEqual(route)
  })
})

describe('where the token request with the password may go', () => {
  const model = registryModelFromToml(
    parseToml(
      'buildkitd-config-inline',
      [
        '[registry."r.example"]',
        'ca = ["/r-ca.pem"]',
        '[registry."auth.example"]',
        'ca = ["/auth-ca.pem"]',
        '[registry."plain.example:5000"]',
        'http = true',
        '[registry."unchecked.example"]',
        'insecure = true'
      ].join('\n')
    )
  )
  const realm = (url: string, registry = 'r.example') => realmTarget(url, registry, model, proxySettings())

  it('checks an https realm with the CA files of the registry and of the realm host, through the proxy', () => {
    expect(realm('https://auth.example/token?service=s&account=u')).toEqual({
      url: 'https://auth.example/token?service=s&account=u',
      viaProxy: PROXY,
      verify: true,
      ca: ['/r-ca.pem', '/auth-ca.pem']
    })
  })
  it('leaves the check out only for a realm host listed as insecure', () => {
    expect(realm('https://unchecked.example/token')).toMatchObject({ verify: false })
    expect(realm('https://plain.example:5000/token')).toMatchObject({ verify: true })
  })
  it('sends over plain HTTP only to a host listed as plain HTTP or insecure, or to loopback', () => {
    expect(realm('http://plain.example:5000/token')).toMatchObject({ verify: false })
    expect(realm('http://unchecked.example/token')).toMatchObject({ verify: false })
    expect(realm('http://127.0.0.1:5000/token')).toMatchObject({ url: 'http://127.0.0.1:5000/token' })
    expect(realm('http://auth.example/token')).toEqual({
      refused: 'its token realm http://auth.example is plain HTTP'
    })
    expect(realm('http://r.example/token')).toEqual({
      refused: 'its token realm http://r.example is plain HTTP'
    })
  })
  it('says what was not sent and why, naming the registry and the fix', () => {
    const verdict = loginNotSent(
      'r.example',
      'the certificate of r.example is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
      untrustedCertificateFix('r.example')
    )
    expect(verdict).toEqual({
      registry: 'r.example',
      status:
        'login not checked (the certificate of r.example is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); the ' +
        'password was not sent)',
      warning:
        'Could not check the "registry-auth" login for r.example: the certificate of r.example is not trusted ' +
        '(DEPTH_ZERO_SELF_SIGNED_CERT), so the password was not sent. BuildKit would refuse it too: name the CA ' +
        'that signed it in the buildkitd config (ca = ["/path/to/ca.pem"] in [registry."r.example"]), or list ' +
        'r.example in "insecure-registries" if it has no certificate a CA vouches for.'
    })
    expect(verdict.error).toBeUndefined()
    expect(loginNotSent('r', 'x', PLAIN_REALM_FIX).warning).toMatch(
      /only over TLS with a checked certificate/
    )
  })
})

describe('the login check of the preflight', () => {
  it('reads a Bearer challenge with its realm and service, and Basic', () => {
    expect(
      parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="x"')
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.example/token',
      service: 'registry.example'
    })
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic' })
    expect(parseChallenge('')).toBeUndefined()
    expect(parseChallenge('Bearer realm="file:///etc/passwd"')).toBeUndefined()
    expect(parseChallenge('Negotiate')).toBeUndefined()
  })
  it('asks the realm for a token the way docker login does', () => {
    expect(tokenRequestUrl({ realm: 'https://auth.example/token?x=1', service: 'reg istry' }, 'bot')).toBe(
      'https://auth.example/token?x=1&service=reg+istry&account=bot'
    )
  })
  it('fails on 401 and 403 naming the input and the registry, passes on 2xx, warns otherwise', () => {
    expect(loginVerdict('ghcr.io', 401, 'HTTP 401').error).toMatch(
      /^Input "registry-auth": registry ghcr.io rejected the username and password \(HTTP 401\)/
    )
    expect(loginVerdict('ghcr.io', 403, 'HTTP 403').error).toMatch(/HTTP 403/)
    expect(loginVerdict('ghcr.io', 200, 'HTTP 200')).toEqual({
      registry: 'ghcr.io',
      status: 'login accepted'
    })
    const unknown = loginVerdict('ghcr.io', undefined, 'timeout after 3000 ms')
    expect(unknown.error).toBeUndefined()
    expect(unknown.warning).toMatch(
      /Could not check the "registry-auth" login for ghcr.io \(timeout after 3000 ms\)/
    )
    expect(loginVerdict('ghcr.io', 500, 'HTTP 500').warning).toBeDefined()
  })
})
