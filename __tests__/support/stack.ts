import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { gunzipSync } from 'node:zlib'
import { MANIFEST_MEDIA_TYPES } from '../../src/model/image-ref'

/** The endpoints stack/up wrote to $STACK_STATE/env. */
export function loadStack(): Record<string, string> {
  const file = `${process.env.STACK_STATE ?? '/var/tmp/mpb-stack'}/env`
  if (!existsSync(file))
    throw new Error(`${file} is missing: run "bash stack/up" first (scripts/test.sh does).`)
  const env: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (match) env[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2')
  }
  return env
}

const ACCEPT = MANIFEST_MEDIA_TYPES.join(', ')

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}

export interface Manifest {
  mediaType?: string
  manifests?: Descriptor[]
  config?: Descriptor
  layers?: Descriptor[]
}

/** Reads from a plain-HTTP registry with the distribution API, as a client outside the action would. */
export class Registry {
  constructor(
    readonly host: string,
    private readonly auth?: { user: string; password: string }
  ) {}

  private headers(accept?: string): Record<string, string> {
    const headers: Record<string, string> = {}
    if (accept) headers.Accept = accept
    if (this.auth)
      headers.Authorization = `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`).toString('base64')}`
    return headers
  }

  private async get(path: string, accept?: string): Promise<Response> {
    const headers = this.headers(accept)
    const response = await fetch(`http://${this.host}/v2/${path}`, {
      headers,
      signal: AbortSignal.timeout(10_000)
    })
    if (!response.ok) throw new Error(`GET ${this.host}/v2/${path}: ${response.status}`)
    return response
  }

  async manifest(repository: string, reference: string): Promise<{ manifest: Manifest; digest: string }> {
    const response = await this.get(`${repository}/manifests/${reference}`, ACCEPT)
    return {
      manifest: (await response.json()) as Manifest,
      digest: response.headers.get('docker-content-digest') ?? ''
    }
  }

  async blob(repository: string, digest: string): Promise<Buffer> {
    return Buffer.from(await (await this.get(`${repository}/blobs/${digest}`)).arrayBuffer())
  }

  /** Whether a tag exists (404 means absent; anything else unexpected throws). */
  async hasTag(repository: string, tag: string): Promise<boolean> {
    const response = await fetch(`http://${this.host}/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: this.headers(ACCEPT),
      signal: AbortSignal.timeout(10_000)
    })
    if (response.status === 404) return false
    if (response.ok) return true
    throw new Error(`HEAD ${repository}:${tag}: ${response.status}`)
  }

  /** Image manifests of an index by platform, leaving out attestation manifests (platform unknown/unknown). */
  async platformManifests(
    repository: string,
    reference: string
  ): Promise<{ index: Manifest; digest: string; platforms: Record<string, Descriptor> }> {
    const { manifest, digest } = await this.manifest(repository, reference)
    return { index: manifest, digest, platforms: platformsOf(manifest) }
  }

  /** A file's content from the image's layers (the topmost layer holding it wins). */
  async readFile(repository: string, manifestDigest: string, path: string): Promise<string | undefined> {
    const { manifest } = await this.manifest(repository, manifestDigest)
    let found: string | undefined
    for (const layer of manifest.layers ?? []) {
      const content = tarEntry(await this.layerTar(repository, layer), path)
      if (content !== undefined) found = content
    }
    return found
  }

  /** Every blob reachable from a tag (index, manifests, configs, layers, attestations), gunzipped, as text. */
  async everyBlobText(repository: string, tag: string): Promise<string[]> {
    const texts: string[] = []
    const { manifest: index } = await this.manifest(repository, tag)
    texts.push(JSON.stringify(index))
    for (const entry of index.manifests ?? []) {
      const { manifest } = await this.manifest(repository, entry.digest)
      texts.push(JSON.stringify(manifest))
      for (const blob of [manifest.config, ...(manifest.layers ?? [])].filter(b => b !== undefined)) {
        const bytes = await this.blob(repository, blob.digest)
        texts.push((bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('latin1'))
      }
    }
    return texts
  }

  private async layerTar(repository: string, layer: Descriptor): Promise<Buffer> {
    const blob = await this.blob(repository, layer.digest)
    return layer.mediaType.endsWith('gzip') || blob[0] === 0x1f ? gunzipSync(blob) : blob
  }
}

/** The image manifests of an index by platform, attestation manifests (platform unknown/unknown) left out. */
function platformsOf(index: Manifest): Record<string, Descriptor> {
  const platforms: Record<string, Descriptor> = {}
  for (const descriptor of index.manifests ?? []) {
    if (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue
    const p = descriptor.platform
    if (p) platforms[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = descriptor
  }
  return platforms
}

/** The content of one regular file in an uncompressed tar archive. */
export function tarEntry(tar: Buffer, path: string): string | undefined {
  const wanted = path.replace(/^\//, '')
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every(byte => byte === 0)) break
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const name = (field(345, 155) ? `${field(345, 155)}/` : '') + field(0, 100)
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const body = tar.subarray(offset + 512, offset + 512 + size)
    if (name.replace(/^\.\//, '') === wanted && (field(156, 1) === '0' || field(156, 1) === ''))
      return body.toString('utf8')
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return undefined
}

export function dockerText(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 })
}

/** What the action may leave behind: buildx_buildkit_* containers and volumes, and builders in buildx's store. */
export function leftovers(builder: string): { containers: string[]; volumes: string[]; builders: string[] } {
  const lines = (text: string) => text.split('\n').filter(line => line.trim() !== '')
  return {
    containers: lines(
      dockerText(['ps', '-a', '--filter', `name=buildx_buildkit_${builder}`, '--format', '{{.Names}}'])
    ),
    volumes: lines(
      dockerText(['volume', 'ls', '--filter', `name=buildx_buildkit_${builder}`, '--format', '{{.Name}}'])
    ),
    builders: lines(dockerText(['buildx', 'ls', '--format', '{{.Name}}'])).filter(name => name === builder)
  }
}

/** Byte length of a log file now: what a test reads from afterwards with `logSince` (0 if it does not exist yet). */
export function logOffset(path: string): number {
  return existsSync(path) ? statSync(path).size : 0
}

/** What was appended to a log file after `offset` (from `logOffset`). */
export function logSince(path: string, offset: number): string {
  return existsSync(path) ? readFileSync(path).subarray(offset).toString('utf8') : ''
}

/** One request as stack/token-service.mjs logs it (a JSON line in $STACK_TOKEN_AUTH_LOG). */
export interface TokenLogEntry {
  time: string
  method: string
  path: string
  /** Address:port the request came from: the named proxy's STACK_NAMED_PROXY_SOURCE when it came through it. */
  source: string
  service?: string
  scope?: string[]
  user?: string
  authenticated?: boolean
  granted?: string[]
  status: number
}

/** The JSON lines of a log our stack services write (one object a line; anything else is skipped). */
function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter(line => line.startsWith('{'))
    .map(line => JSON.parse(line) as T)
}

export function tokenLogEntries(text: string): TokenLogEntry[] {
  return jsonLines<TokenLogEntry>(text)
}

/** One access-log line of a distribution registry (text formatter): client, method, path, status. */
export interface AccessLogLine {
  client: string
  method: string
  path: string
  status: number
  userAgent: string
}

export function accessLogLines(text: string): AccessLogLine[] {
  const lines: AccessLogLine[] = []
  for (const line of text.split('\n')) {
    const match = /^(\S+) - \S+ \[[^\]]*\] "(\w+) (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "([^"]*)"/.exec(line)
    if (match)
      lines.push({
        client: match[1],
        method: match[2],
        path: match[3],
        status: Number(match[4]),
        userAgent: match[5]
      })
  }
  return lines
}

/** An HTTPS GET/HEAD to a loopback address for a host name the runner cannot resolve (SNI and Host set to it). */
function httpsLoopback(
  address: string,
  hostPort: string,
  path: string,
  ca: string,
  method: 'GET' | 'HEAD',
  headers: Record<string, string>
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const [host, port] = [address.replace(/:\d+$/, ''), Number(address.replace(/^.*:/, ''))]
  const servername = hostPort.replace(/:\d+$/, '')
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      { host, port, path, method, servername, ca, headers: { Host: hostPort, ...headers }, timeout: 10_000 },
      response => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks)
          })
        )
        response.on('error', reject)
      }
    )
    request.on('timeout', () => request.destroy(new Error(`${method} https://${hostPort}${path}: timeout`)))
    request.on('error', reject)
    request.end()
  })
}

/**
 * Reads from the stack's token-auth registry ($STACK_TOKEN_REGISTRY) as an outside client: straight to its loopback
 * address (no proxy, no name lookup) with the registry's name for TLS, after an anonymous pull token from the token
 * service (also straight to its loopback address). Those token requests come from 127.0.0.1, not from the named
 * proxy's source address.
 */
export class TokenRegistry {
  private readonly ca: string
  constructor(private readonly stack: Record<string, string>) {
    this.ca = readFileSync(stack.STACK_TLS_CA, 'utf8')
  }

  async token(repository: string): Promise<string> {
    const realm = new URL(this.stack.STACK_TOKEN_REALM)
    const query = new URLSearchParams({
      service: this.stack.STACK_TOKEN_SERVICE,
      scope: `repository:${repository}:pull`
    })
    const response = await httpsLoopback(
      this.stack.STACK_TOKEN_AUTH_ADDRESS,
      realm.host,
      `${realm.pathname}?${query}`,
      this.ca,
      'GET',
      {}
    )
    if (response.status !== 200) throw new Error(`token for ${repository}: ${response.status}`)
    return (JSON.parse(response.body.toString('utf8')) as { token: string }).token
  }

  private async request(method: 'GET' | 'HEAD', repository: string, path: string) {
    return httpsLoopback(
      this.stack.STACK_TOKEN_REGISTRY_ADDRESS,
      this.stack.STACK_TOKEN_REGISTRY,
      `/v2/${repository}/${path}`,
      this.ca,
      method,
      { Accept: ACCEPT, Authorization: `Bearer ${await this.token(repository)}` }
    )
  }

  async manifest(repository: string, reference: string): Promise<{ manifest: Manifest; digest: string }> {
    const response = await this.request('GET', repository, `manifests/${reference}`)
    if (response.status !== 200) throw new Error(`GET ${repository}:${reference}: ${response.status}`)
    return {
      manifest: JSON.parse(response.body.toString('utf8')) as Manifest,
      digest: String(response.headers['docker-content-digest'] ?? '')
    }
  }

  /** Whether a tag exists (404 means absent; anything else unexpected throws). */
  async hasTag(repository: string, tag: string): Promise<boolean> {
    const { status } = await this.request('HEAD', repository, `manifests/${tag}`)
    if (status === 404) return false
    if (status === 200) return true
    throw new Error(`HEAD ${repository}:${tag}: ${status}`)
  }

  /** Image manifests of an index by platform, without attestation manifests. */
  async platformManifests(repository: string, reference: string) {
    const { manifest, digest } = await this.manifest(repository, reference)
    return { index: manifest, digest, platforms: platformsOf(manifest) }
  }
}

/** `leftovers`, with the builder store of another docker config directory (DOCKER_CONFIG) for the builder list. */
export function leftoversIn(
  builder: string,
  dockerConfig: string
): { containers: string[]; volumes: string[]; builders: string[] } {
  const names = execFileSync('docker', ['buildx', 'ls', '--format', '{{.Name}}'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DOCKER_CONFIG: dockerConfig }
  })
  const { containers, volumes } = leftovers(builder)
  return { containers, volumes, builders: names.split('\n').filter(name => name.trim() === builder) }
}

/** One request as stack/git-server.mjs logs it (a JSON line in $STACK_GIT_LOG). */
export interface GitLogEntry {
  time: string
  method: string
  /** URL path, e.g. /owner/repo.git/info/refs or /owner/repo.git/git-upload-pack */
  path: string
  query: string
  /** git-upload-pack (fetch); git-receive-pack is refused with 403 */
  service: string | null
  /** address:port the request came from */
  source: string
  gitProtocol: string | null
  userAgent: string | null
  /** The Authorization header: Basic gives the user and the SHA-256 (hex) of the password, never the password. */
  auth: { scheme: string; user?: string; passwordSha256?: string | null } | null
  status: number
  bytes: number
}

export function gitLogEntries(text: string): GitLogEntry[] {
  return jsonLines<GitLogEntry>(text)
}

/** A file of the stack's test repository at a commit, read from its bare repository on disk (`git show`). */
export function gitShow(stack: Record<string, string>, commit: string, path: string): string {
  return execFileSync(
    'git',
    [
      '--git-dir',
      `${stack.STACK_GIT_PROJECT_ROOT}/${stack.STACK_GIT_REPOSITORY}.git`,
      'show',
      `${commit}:${path}`
    ],
    {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }
    }
  )
}
