import { diagnose } from '../../src/diagnose'

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
