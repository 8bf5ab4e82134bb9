/** Known failure texts of buildx, BuildKit and the Docker daemon, each with its cause and the input to change. */
export interface Diagnosis {
  title: string
  cause: string
  fix: string
}

/**
 * Output is matched line by line, and a RUN step can print anything (`A.*B` on a line of many A and no B
 * took seconds), so a rule is a list of steps without `.*`: plain strings, or regexes whose runs (`\d+`,
 * `\S*`) stop at the first character outside their class, so each step is one pass over the line. A
 * sequence matches a line when its steps are found in order, each after the end of the previous one;
 * taking the first match of a step loses nothing `A.*B` found, since an earlier A leaves more room for B.
 */
export type Step = string | RegExp
export type Sequence = Step[]

/** Compiled sequences: strings as they are (lower case when the rule ignores case), regexes global. */
export type Matcher = (string | RegExp)[][]

/** Lines longer than this are read as their head and their tail: error chains put the cause at the end. */
const MAX_LINE = 8192
/** Only the last lines are read: buildx prints the error last, and a log of tiny lines is no slower than this. */
const MAX_LINES = 20_000

/** The lines of the output that rules look at, without CR, none longer than MAX_LINE. */
export function examinedLines(output: string): string[] {
  const lines = output.split('\n')
  const kept = lines.length > MAX_LINES ? lines.slice(-MAX_LINES) : lines
  const result: string[] = []
  for (const raw of kept) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.length <= MAX_LINE) result.push(line)
    else result.push(line.slice(0, MAX_LINE / 2), line.slice(-MAX_LINE / 2))
  }
  return result
}

export function compile(sequences: Sequence[], ignoreCase = false): Matcher {
  return sequences.map(steps =>
    steps.map(step => {
      if (typeof step === 'string') return ignoreCase ? step.toLowerCase() : step
      return new RegExp(step.source, ignoreCase ? 'gi' : 'g')
    })
  )
}

/** Whether every step of some sequence is somewhere in the text, in any order: needed for a match. */
function mayMatch(text: string, matcher: Matcher): boolean {
  return matcher.some(steps =>
    steps.every(step => {
      if (typeof step === 'string') return text.includes(step)
      step.lastIndex = 0
      return step.test(text)
    })
  )
}

/** Whether any sequence matches the line (already lower case for a matcher compiled to ignore case). */
export function matches(line: string, matcher: Matcher): boolean {
  return matcher.some(steps => {
    let from = 0
    for (const step of steps) {
      if (typeof step === 'string') {
        const at = line.indexOf(step, from)
        if (at < 0) return false
        from = at + step.length
      } else {
        step.lastIndex = from
        const found = step.exec(line)
        if (!found) return false
        from = found.index + found[0].length
      }
    }
    return true
  })
}

interface Rule {
  title: string
  /** Any of these sequences, within one line. */
  any: Sequence[]
  ignoreCase?: boolean
  /** Lines a more specific rule explains, with other advice: this rule leaves them alone. */
  unless?: Sequence[]
  /** The cause and fix, fixed or made from the lines that matched (e.g. to name a host). */
  explain: { cause: string; fix: string } | ((lines: string[]) => { cause: string; fix: string })
}

/** The token request of the buildx client; its failure has its own rule, with its own fix. */
const TOKEN_FAILURE: Sequence = [
  /failed to fetch (?:oauth|anonymous) token: /,
  /connection reset|i\/o timeout|no such host|connection refused|TLS handshake timeout/
]
/** Texts of the Docker daemon, which does not use the action's proxy inputs. */
const DAEMON: Sequence[] = [['Error response from daemon'], ['pulling image '], ['failed to pull']]

const RULES: Rule[] = [
  {
    any: [['Cannot connect to the Docker daemon'], ['error during connect']],
    title: 'Docker daemon not reachable',
    explain: {
      cause: 'the Docker CLI could not reach the daemon.',
      fix: 'Start Docker on the runner (or set DOCKER_HOST) before this step; nothing in the inputs can fix this.'
    }
  },
  {
    any: [['docker exporter does not currently support exporting manifest lists']],
    title: 'Multi-platform image cannot be loaded',
    explain: {
      cause: 'the Docker image store can only load one platform at a time.',
      fix: 'Set "load: false" (push instead), or build a single platform in "platforms".'
    }
  },
  {
    any: [['invalid value "', '", expecting k=v']],
    title: 'Unquoted comma in a driver option',
    explain: {
      cause: 'buildx reads each driver option as CSV, so a comma splits the value.',
      fix: 'In "driver-opts", quote the whole option: "env.NO_PROXY=a,b" (with the double quotes).'
    }
  },
  {
    any: [
      ['failed to parse config: toml'],
      ['buildkit configuration file not found'],
      ['failed to read CA file']
    ],
    title: 'Invalid BuildKit configuration',
    explain: {
      cause: 'buildx could not read the buildkitd.toml or a file it names.',
      fix: 'Check "buildkitd-config" / "buildkitd-config-inline" and that every ca/keypair path exists on the runner.'
    }
  },
  {
    any: [
      ['existing instance for "', '" but no append mode'],
      ['instance name "', '" already exists']
    ],
    title: 'Builder name already in use',
    explain: {
      cause: 'another builder with this name exists and could not be replaced.',
      fix: 'Leave "builder-name" empty for a unique name, or remove the old builder.'
    }
  },
  {
    any: [
      ['pulling image ', 'buildkit'],
      ['No such image: ', 'buildkit'],
      ['Error response from daemon', 'buildkit'],
      ['failed to pull', 'buildkit'],
      [/daemon has no \S*buildkit/]
    ],
    ignoreCase: true,
    title: 'BuildKit image could not be pulled',
    explain: {
      cause:
        'the Docker daemon could not pull the BuildKit image (no network, rate limit or no mirror for the daemon).',
      fix: 'Point "buildkit-image" at a copy in a registry the runner can reach, or configure the daemon\'s registry mirrors.'
    }
  },
  {
    any: [['proxyconnect tcp: dial tcp ', /[^:]:\d+: connect: connection refused/]],
    title: 'Proxy unreachable',
    explain: {
      cause:
        'nothing accepted the connection at the proxy address (from inside the builder, 127.0.0.1 is the host only with host networking).',
      fix: 'Check "http-proxy" / "https-proxy": the proxy must be running and reachable from the runner.'
    }
  },
  {
    any: [[/dial tcp (?:127\.\d+\.\d+\.\d+|\[::1\]):\d+: connect: connection refused/]],
    title: 'Nothing answers on loopback',
    explain: {
      cause: 'nothing accepted the connection at a 127.0.0.1 address, as seen from inside the builder.',
      fix: 'Make sure the service runs on the runner, and do not override "network" in "driver-opts": the action shares the host network when a mirror, registry or proxy is on loopback.'
    }
  },
  {
    any: [TOKEN_FAILURE],
    title: 'Registry token request failed',
    explain: {
      cause:
        'the buildx client fetches registry tokens itself, and could not reach the token server (moby/buildkit#5839).',
      fix: 'Set "https-proxy" (and "no-proxy") so the client-side token request goes through your proxy.'
    }
  },
  {
    any: [
      [
        'proxyconnect tcp: ',
        'lookup ',
        /: no such host|server misbehaving|temporary failure in name resolution/
      ]
    ],
    ignoreCase: true,
    title: 'Proxy host name does not resolve',
    explain: {
      cause:
        'the host name of the proxy did not resolve where the request was made (the builder or the runner).',
      fix: 'Check the host in "http-proxy" / "https-proxy": use a name the runner\'s DNS resolves, or the proxy\'s IP address.'
    }
  },
  {
    // The token rule and the proxy rule above explain their own lookups; the daemon ignores the proxy inputs.
    any: [['no such host'], ['server misbehaving'], ['temporary failure in name resolution']],
    ignoreCase: true,
    unless: [TOKEN_FAILURE, ['proxyconnect tcp: '], ...DAEMON],
    title: 'Host name does not resolve',
    explain: lines => {
      const hosts = unresolvedHosts(lines)
      const quoted = hosts.map(host => `"${host}"`)
      const named = quoted.length > 0 ? quoted.join(', ') : 'a registry, token service or mirror host'
      const which = quoted.length === 1 ? quoted[0] : 'a name'
      return {
        cause: `${named} did not resolve on the runner: the usual sign of a network that reaches registries only through a proxy.`,
        fix:
          'Set "https-proxy" (and "http-proxy") to that proxy, so BuildKit and the buildx client send these requests ' +
          `through it; if ${which} is internal and must be reached directly, list it in "no-proxy" and check the runner's DNS.`
      }
    }
  },
  {
    any: [['server gave HTTP response to HTTPS client']],
    title: 'Registry speaks plain HTTP',
    explain: {
      cause: 'BuildKit reached the registry over HTTPS, but it only serves HTTP.',
      fix: 'Add the registry (host:port) to "insecure-registries", or write an http:// mirror in "registry-mirrors".'
    }
  },
  {
    any: [
      ['x509: certificate signed by unknown authority'],
      ['tls: failed to verify certificate'],
      ['x509: certificate is not valid']
    ],
    title: 'Registry certificate not trusted',
    explain: {
      cause: "the registry's TLS certificate is not signed by a CA the builder trusts.",
      fix: 'Add ca = ["/path/ca.pem"] for the registry in "buildkitd-config-inline", or list it in "insecure-registries".'
    }
  },
  {
    any: [
      ['push access denied'],
      ['insufficient_scope'],
      [/unexpected status: 40[13]/],
      [/unexpected status from \w+ request to /, /: 40[13]/],
      ['401 Unauthorized'],
      ['403 Forbidden']
    ],
    title: 'Registry refused the credentials',
    explain: {
      cause: 'the push target needs a login this job does not have, or the token lacks push rights.',
      fix: 'Log in to the registry of each tag before this step (e.g. docker/login-action), and check "tags".'
    }
  },
  {
    any: [['exec format error']],
    title: 'Platform cannot run on this runner',
    explain: {
      cause:
        'a RUN step for a non-native platform ran without QEMU emulation registered before the builder started.',
      fix: 'Register QEMU before this step (e.g. docker/setup-qemu-action or qemu-user-static), or remove the platform from "platforms".'
    }
  }
]

const COMPILED = RULES.map(rule => ({
  rule,
  any: compile(rule.any, rule.ignoreCase),
  unless: compile(rule.unless ?? [], rule.ignoreCase)
}))

/** Host names are few per failure; more would only lengthen the annotation. */
const MAX_HOSTS = 3
/** Lines read for those names: the same host often fails on many lines. */
const MAX_EXPLAINED_LINES = 50
const LOOKUP = /lookup ([a-z0-9_](?:[a-z0-9_.-]{0,252}))/gi

/** The names after "lookup " (Go's resolver errors), in order, without duplicates. */
function unresolvedHosts(lines: string[]): string[] {
  const hosts: string[] = []
  for (const line of lines) {
    LOOKUP.lastIndex = 0
    for (let found = LOOKUP.exec(line); found; found = LOOKUP.exec(line)) {
      const host = found[1].replace(/\.$/, '').toLowerCase()
      if (!hosts.includes(host)) hosts.push(host)
      if (hosts.length === MAX_HOSTS) return hosts
    }
  }
  return hosts
}

/** Diagnoses for every known failure text in the output, in rule order, each at most once. */
export function diagnose(output: string): Diagnosis[] {
  const lines = examinedLines(output)
  let lower: string[] | undefined
  const found: Diagnosis[] = []
  let lowerOutput: string | undefined
  for (const { rule, any, unless } of COMPILED) {
    // Each step of a matching line is somewhere in the output: one search of the whole skips most rules.
    const whole = rule.ignoreCase ? (lowerOutput ??= output.toLowerCase()) : output
    if (!mayMatch(whole, any)) continue
    const texts = rule.ignoreCase ? (lower ??= lines.map(line => line.toLowerCase())) : lines
    const matched: string[] = []
    for (let i = 0; i < lines.length; i++) {
      if (!matches(texts[i], any) || matches(texts[i], unless)) continue
      matched.push(lines[i])
      // A fixed explanation needs one line; a made one reads a few.
      if (typeof rule.explain !== 'function' || matched.length === MAX_EXPLAINED_LINES) break
    }
    if (matched.length === 0) continue
    const { cause, fix } = typeof rule.explain === 'function' ? rule.explain(matched) : rule.explain
    found.push({ title: rule.title, cause, fix })
  }
  return found
}

/** A line of the error message is cut here: a RUN step can print one line of any length. */
export const MAX_SHOWN = 1000

function clip(line: string): string {
  return line.length > MAX_SHOWN
    ? `${line.slice(0, MAX_SHOWN)} … (${line.length - MAX_SHOWN} more characters)`
    : line
}

/**
 * Picks the lines that explain a failed buildx command out of its output: the framed log of the failing
 * step (between "------" rules), the Dockerfile excerpt, and the ERROR lines. The last stderr line alone
 * ("ERROR: failed to build: ...") rarely says what went wrong inside the step. Every test below is anchored
 * at the start of a line, so the whole output is read in one pass.
 */
export function explainFailure(output: string, maxLines = 40): string[] {
  const lines = output.split(/\r?\n/).map(line => line.replace(/^#\d+ /, ''))
  const picked: string[] = []
  let inFrame = false
  for (const line of lines) {
    const trimmed = line.trim()
    if (/^-{6,}$/.test(trimmed)) {
      inFrame = !inFrame
      picked.push(trimmed)
      continue
    }
    if (
      inFrame ||
      /^(ERROR|error):/.test(trimmed) ||
      /^Dockerfile:\d+/.test(trimmed) ||
      /^\s*>>>/.test(line)
    ) {
      picked.push(line)
    }
  }
  const unique = picked.filter((line, index) => index === 0 || line !== picked[index - 1])
  const shown =
    unique.length === 0
      ? lines.filter(line => line.trim() !== '').slice(-10)
      : unique.length > maxLines
        ? unique.slice(-maxLines)
        : unique
  return shown.map(clip)
}
