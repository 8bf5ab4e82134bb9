#!/usr/bin/env node
// stack/git-server.mjs: read-only Git smart-HTTP server of the stack (started by stack/up), for BuildKit Git
// contexts such as http://127.0.0.1:PORT/OWNER/REPO.git#COMMIT:DIR.
//
//   node stack/git-server.mjs CONFIG.json
//
// CONFIG (written by stack/up): listen {host, port}; projectRoot (bare repositories as OWNER/REPO.git below it);
// git (the git binary); log (JSON lines, one per request).
//
// Each request runs `git http-backend` as a CGI program (RFC 3875 variables, the request body on its stdin, its
// "Status:" and other header lines turned into the HTTP response). Only fetching is served: the upload-pack
// service (protocol v0/v1 and v2 through the Git-Protocol header) and the dumb files http-backend serves with
// GIT_HTTP_EXPORT_ALL. Anything about git-receive-pack is refused with 403, as are methods other than GET, HEAD
// and POST.
//
// Log line per request: time, method, path, query, service, source (address:port), gitProtocol, userAgent,
// status, bytes (response body), and auth: {scheme, user, passwordSha256} for an Authorization header (Basic:
// user and the SHA-256 of the password, never the password; other schemes: the scheme only), else null.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { setTimeout, clearTimeout } from 'node:timers'
import { URL } from 'node:url'

const MAX_BODY = 64 * 1024 * 1024
const MAX_HEADER = 64 * 1024
const TIMEOUT_MS = 120_000

const configPath = process.argv[2]
if (!configPath) {
  console.error('usage: git-server.mjs CONFIG.json')
  process.exit(2)
}
const config = JSON.parse(readFileSync(configPath, 'utf8'))

const sha256 = text => createHash('sha256').update(text).digest('hex')

function authOf(header) {
  if (!header) return null
  const space = header.indexOf(' ')
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase()
  if (scheme !== 'basic') return { scheme }
  const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return { scheme, user: decoded, passwordSha256: null }
  return { scheme, user: decoded.slice(0, colon), passwordSha256: sha256(decoded.slice(colon + 1)) }
}

/** "Status: 404 Not Found" / "Content-Type: x" lines of a CGI answer -> {status, headers}. */
function parseCgiHeaders(text) {
  let status = 200
  const headers = []
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500
    else headers.push([name, value])
  }
  return { status, headers }
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://git-server.invalid')
  const entry = {
    time: new Date().toISOString(),
    method: request.method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    service: url.searchParams.get('service') ?? url.pathname.match(/\/(git-[a-z-]+)$/)?.[1] ?? null,
    source: `${request.socket.remoteAddress}:${request.socket.remotePort}`,
    gitProtocol: request.headers['git-protocol'] ?? null,
    userAgent: request.headers['user-agent'] ?? null,
    auth: authOf(request.headers.authorization),
    status: 0,
    bytes: 0
  }
  response.on('finish', () => {
    entry.status = response.statusCode
    appendFileSync(config.log, `${JSON.stringify(entry)}\n`)
  })
  const refuse = (status, text) => {
    response.writeHead(status, { 'Content-Type': 'text/plain' })
    response.end(`${text}\n`)
  }
  if (!['GET', 'HEAD', 'POST'].includes(request.method ?? '')) return refuse(405, 'method not allowed')
  if (url.pathname.includes('receive-pack') || url.search.includes('receive-pack'))
    return refuse(403, 'read-only server: pushing is not served')
  if (url.pathname.split('/').includes('..')) return refuse(400, 'bad path')

  const child = spawn(config.git, ['http-backend'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/nonexistent',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: config.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
      SERVER_SOFTWARE: 'mpb-stack-git-server',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: entry.query,
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      REMOTE_ADDR: request.socket.remoteAddress ?? '',
      REMOTE_USER: entry.auth?.user ?? '',
      HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: entry.gitProtocol ?? ''
    }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
  child.on('close', () => clearTimeout(timer))
  child.on('error', error => {
    process.stderr.write(`git http-backend: ${error.message}\n`)
    if (!response.headersSent) refuse(500, 'git http-backend failed')
    else response.destroy()
  })
  child.stderr.on('data', chunk => process.stderr.write(chunk))

  let received = 0
  request.on('data', chunk => {
    received += chunk.length
    if (received > MAX_BODY) {
      child.kill('SIGKILL')
      request.destroy()
      return
    }
    if (!child.stdin.write(chunk)) request.pause()
  })
  child.stdin.on('drain', () => request.resume())
  child.stdin.on('error', () => {}) // http-backend may exit before reading everything (e.g. an error answer)
  request.on('end', () => child.stdin.end())

  // Header lines up to the first empty line, then the body as it comes.
  let head = Buffer.alloc(0)
  let inBody = false
  child.stdout.on('data', chunk => {
    if (inBody) {
      entry.bytes += chunk.length
      if (!response.write(chunk)) child.stdout.pause()
      return
    }
    head = Buffer.concat([head, chunk])
    const text = head.toString('latin1')
    const match = /\r?\n\r?\n/.exec(text)
    if (!match) {
      if (head.length > MAX_HEADER) {
        child.kill('SIGKILL')
        refuse(502, 'CGI header too long')
      }
      return
    }
    inBody = true
    const { status, headers } = parseCgiHeaders(text.slice(0, match.index))
    response.statusCode = status
    for (const [name, value] of headers) response.appendHeader(name, value)
    const rest = head.subarray(Buffer.byteLength(text.slice(0, match.index + match[0].length), 'latin1'))
    entry.bytes += rest.length
    if (rest.length > 0 && !response.write(rest)) child.stdout.pause()
  })
  response.on('drain', () => child.stdout.resume())
  child.stdout.on('end', () => {
    if (!inBody && !response.headersSent) refuse(502, 'no CGI answer from git http-backend')
    else response.end()
  })
})

server.requestTimeout = TIMEOUT_MS
server.listen(config.listen.port, config.listen.host, () => {
  console.log(
    `git server on http://${config.listen.host}:${config.listen.port}/ (root ${config.projectRoot})`
  )
})
