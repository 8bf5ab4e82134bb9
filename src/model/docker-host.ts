/**
 * Which Docker daemon the docker CLI talks to, when that is certain without asking the CLI: the rule the CLI
 * follows (docker/cli resolveContextName), reduced to the one case this action may talk to itself, a local
 * Unix socket. Every other case (TCP or SSH hosts, a context chosen by variable or config, Windows pipes)
 * gives undefined, and the caller runs the CLI instead, which knows them all.
 */
export interface DockerHostFacts {
  /** process.platform: only Linux and macOS runners have Unix sockets the CLI defaults to. */
  platform: string
  dockerHost?: string
  dockerContext?: string
  /** currentContext of the CLI's config.json; '' when unset or there is no config; undefined when unreadable. */
  configContext: string | undefined
}

const DEFAULT_SOCKET = '/var/run/docker.sock'

export function localDaemonSocket(facts: DockerHostFacts): string | undefined {
  if (facts.platform !== 'linux' && facts.platform !== 'darwin') return undefined
  const isDefault = (name: string | undefined) => name === undefined || name === '' || name === 'default'
  // Conservative where the CLI's precedence differs between versions: any named context means "ask the CLI".
  if (!isDefault(facts.dockerContext)) return undefined
  if (facts.dockerHost) return unixSocketPath(facts.dockerHost)
  if (facts.configContext === undefined || !isDefault(facts.configContext)) return undefined
  return DEFAULT_SOCKET
}

/** The absolute path of a unix:// DOCKER_HOST, else undefined. */
function unixSocketPath(host: string): string | undefined {
  const match = /^unix:\/\/(\/[^\0?#]*)$/.exec(host)
  return match ? match[1] : undefined
}
