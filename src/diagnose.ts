/** Known failure texts of buildx, BuildKit and the Docker daemon, each with its cause and the input to change. */
export interface Diagnosis {
  title: string
  cause: string
  fix: string
}

interface Rule extends Diagnosis {
  test: RegExp
}

const RULES: Rule[] = [
  {
    test: /Cannot connect to the Docker daemon|error during connect/,
    title: 'Docker daemon not reachable',
    cause: 'the Docker CLI could not reach the daemon.',
    fix: 'Start Docker on the runner (or set DOCKER_HOST) before this step; nothing in the inputs can fix this.'
  },
  {
    test: /docker exporter does not currently support exporting manifest lists/,
    title: 'Multi-platform image cannot be loaded',
    cause: 'the Docker image store can only load one platform at a time.',
    fix: 'Set "load: false" (push instead), or build a single platform in "platforms".'
  },
  {
    test: /invalid value "[^"]*", expecting k=v/,
    title: 'Unquoted comma in a driver option',
    cause: 'buildx reads each driver option as CSV, so a comma splits the value.',
    fix: 'In "driver-opts", quote the whole option: "env.NO_PROXY=a,b" (with the double quotes).'
  },
  {
    test: /failed to parse config: toml|buildkit configuration file not found|failed to read CA file/,
    title: 'Invalid BuildKit configuration',
    cause: 'buildx could not read the buildkitd.toml or a file it names.',
    fix: 'Check "buildkitd-config" / "buildkitd-config-inline" and that every ca/keypair path exists on the runner.'
  },
  {
    test: /existing instance for ".*" but no append mode|instance name ".*" already exists/,
    title: 'Builder name already in use',
    cause: 'another builder with this name exists and could not be replaced.',
    fix: 'Leave "builder-name" empty for a unique name, or remove the old builder.'
  },
  {
    test: /pulling image .*buildkit|No such image: .*buildkit|(Error response from daemon|failed to pull).*buildkit|daemon has no \S*buildkit/i,
    title: 'BuildKit image could not be pulled',
    cause:
      'the Docker daemon could not pull the BuildKit image (no network, rate limit or no mirror for the daemon).',
    fix: 'Point "buildkit-image" at a copy in a registry the runner can reach, or configure the daemon\'s registry mirrors.'
  },
  {
    test: /proxyconnect tcp: dial tcp [^:]+:\d+: connect: connection refused/,
    title: 'Proxy unreachable',
    cause:
      'nothing accepted the connection at the proxy address (from inside the builder, 127.0.0.1 is the host only with host networking).',
    fix: 'Check "http-proxy" / "https-proxy": the proxy must be running and reachable from the runner.'
  },
  {
    test: /dial tcp (127\.\d+\.\d+\.\d+|\[::1\]):\d+: connect: connection refused/,
    title: 'Nothing answers on loopback',
    cause: 'nothing accepted the connection at a 127.0.0.1 address, as seen from inside the builder.',
    fix: 'Make sure the service runs on the runner, and do not override "network" in "driver-opts": the action shares the host network when a mirror, registry or proxy is on loopback.'
  },
  {
    test: /failed to fetch (oauth|anonymous) token: .*(connection reset|i\/o timeout|no such host|connection refused|TLS handshake timeout)/,
    title: 'Registry token request failed',
    cause:
      'the buildx client fetches registry tokens itself, and could not reach the token server (moby/buildkit#5839).',
    fix: 'Set "https-proxy" (and "no-proxy") so the client-side token request goes through your proxy.'
  },
  {
    test: /server gave HTTP response to HTTPS client/,
    title: 'Registry speaks plain HTTP',
    cause: 'BuildKit reached the registry over HTTPS, but it only serves HTTP.',
    fix: 'Add the registry (host:port) to "insecure-registries", or write an http:// mirror in "registry-mirrors".'
  },
  {
    test: /x509: certificate signed by unknown authority|tls: failed to verify certificate|x509: certificate is not valid/,
    title: 'Registry certificate not trusted',
    cause: "the registry's TLS certificate is not signed by a CA the builder trusts.",
    fix: 'Add ca = ["/path/ca.pem"] for the registry in "buildkitd-config-inline", or list it in "insecure-registries".'
  },
  {
    test: /push access denied|insufficient_scope|unexpected status( from \w+ request to [^:]+)?: 40[13]|401 Unauthorized|403 Forbidden/,
    title: 'Registry refused the credentials',
    cause: 'the push target needs a login this job does not have, or the token lacks push rights.',
    fix: 'Log in to the registry of each tag before this step (e.g. docker/login-action), and check "tags".'
  },
  {
    test: /exec format error/,
    title: 'Platform cannot run on this runner',
    cause:
      'a RUN step for a non-native platform ran without QEMU emulation registered before the builder started.',
    fix: 'Register QEMU before this step (e.g. docker/setup-qemu-action or qemu-user-static), or remove the platform from "platforms".'
  }
]

/** Diagnoses for every known failure text in the output, in rule order, each at most once. */
export function diagnose(output: string): Diagnosis[] {
  return RULES.filter(rule => rule.test.test(output)).map(({ title, cause, fix }) => ({ title, cause, fix }))
}
