#!/usr/bin/env node
// stack/token-service.mjs: the registry token service of the stack's token-auth registry (started by stack/up).
//
//   node stack/token-service.mjs CONFIG.json
//
// CONFIG (written by stack/up): listen {host, port}; tls {cert, key} (HTTPS server certificate);
// signer {cert, key} (RSA key whose certificate chains to the registry's rootcertbundle); issuer and
// service (must equal the registry's auth.token issuer and service); user and passwordFile (the one
// account allowed to push); log (JSON lines, one per request).
//
// Endpoints (both at /token, as a registry realm):
//   GET  ?service=S&scope=T:NAME:ACTIONS[&scope=...]     credentials, if any, as HTTP Basic
//   POST form grant_type=password&username=U&password=P&service=S&scope=SPACE-SEPARATED  (OAuth2 form)
// Anonymous requests get "pull" on repositories; the configured user gets "pull" and "push". Wrong
// credentials are refused with 401. The answer is {token, access_token, expires_in, issued_at}.
//
// Tokens: JWS compact form, RS256, header {typ, alg, x5c: [signer certificate]}, claims iss, sub, aud
// (a string: distribution 2.8 compares it with its service as one string), exp, nbf, iat, jti, access.
// distribution 2.8 verifies x5c[0] against its rootcertbundle, then the signature with that key.
import {
  createHash,
  createPrivateKey,
  randomBytes,
  sign,
  timingSafeEqual,
  X509Certificate
} from 'node:crypto'
import { appendFileSync, readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import { URL, URLSearchParams } from 'node:url'

const LIFETIME_SECONDS = 300
const MAX_BODY = 64 * 1024

const configPath = process.argv[2]
if (!configPath) {
  console.error('usage: token-service.mjs CONFIG.json')
  process.exit(2)
}
const config = JSON.parse(readFileSync(configPath, 'utf8'))
const signerKey = createPrivateKey(readFileSync(config.signer.key))
const signerCert = new X509Certificate(readFileSync(config.signer.cert))
const x5c = [signerCert.raw.toString('base64')]
const digest = text => createHash('sha256').update(text).digest()
const passwordDigest = digest(readFileSync(config.passwordFile, 'utf8').trim())

const base64url = data => Buffer.from(data).toString('base64url')

function issueToken(subject, access) {
  const now = Math.floor(Date.now() / 1000)
  const header = { typ: 'JWT', alg: 'RS256', x5c }
  const claims = {
    iss: config.issuer,
    sub: subject,
    aud: config.service,
    exp: now + LIFETIME_SECONDS,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(12).toString('hex'),
    access
  }
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  const signature = sign('sha256', Buffer.from(signingInput), signerKey)
  return { token: `${signingInput}.${signature.toString('base64url')}`, issuedAt: new Date(now * 1000) }
}

/** "repository:name/with/slashes:pull,push" -> {type, name, actions}; undefined when malformed. */
function parseScope(scope) {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first <= 0 || last === first) return undefined
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(action => action !== '')
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions }
}

function grant(scopes, authenticated) {
  const allowed = authenticated ? ['pull', 'push'] : ['pull']
  const access = []
  for (const text of scopes) {
    const scope = parseScope(text)
    if (!scope || scope.type !== 'repository') continue
    const actions = [...new Set(scope.actions.filter(action => allowed.includes(action)))]
    if (actions.length > 0) access.push({ type: 'repository', name: scope.name, actions })
  }
  return access
}

function checkPassword(user, password) {
  return user === config.user && timingSafeEqual(digest(password), passwordDigest)
}

function basicCredentials(header) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

function logRequest(entry) {
  try {
    appendFileSync(config.log, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`)
  } catch (error) {
    console.error(`token-service: cannot write ${config.log}: ${error.message}`)
  }
}

function reply(response, status, body, headers = {}) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks = []
    request.on('data', chunk => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

async function handle(request, response) {
  const url = new URL(request.url ?? '/', 'https://token.invalid')
  const entry = {
    method: request.method,
    path: url.pathname,
    source: `${request.socket.remoteAddress}:${request.socket.remotePort}`,
    host: request.headers.host ?? ''
  }
  if (url.pathname !== '/token' || (request.method !== 'GET' && request.method !== 'POST')) {
    logRequest({ ...entry, status: 404 })
    return reply(response, 404, { errors: [{ code: 'NOT_FOUND', message: 'only /token is served here' }] })
  }
  let service
  let scopes
  let credentials
  let grantType
  if (request.method === 'GET') {
    service = url.searchParams.get('service') ?? ''
    scopes = url.searchParams.getAll('scope').flatMap(scope => scope.split(' '))
    credentials = basicCredentials(request.headers.authorization)
  } else {
    const form = new URLSearchParams(await readBody(request))
    service = form.get('service') ?? ''
    scopes = (form.get('scope') ?? '').split(' ')
    grantType = form.get('grant_type') ?? ''
    credentials =
      grantType === 'password'
        ? { user: form.get('username') ?? '', password: form.get('password') ?? '' }
        : basicCredentials(request.headers.authorization)
  }
  scopes = scopes.filter(scope => scope !== '')
  Object.assign(entry, { service, scope: scopes, grantType, user: credentials?.user ?? '' })
  if (request.method === 'POST' && grantType !== 'password') {
    logRequest({ ...entry, authenticated: false, status: 400 })
    return reply(response, 400, { error: 'unsupported_grant_type' })
  }
  if (service !== config.service) {
    logRequest({ ...entry, authenticated: false, status: 400 })
    return reply(response, 400, {
      error: 'invalid_request',
      error_description: `unknown service "${service}"`
    })
  }
  const authenticated = credentials !== undefined && checkPassword(credentials.user, credentials.password)
  if (credentials !== undefined && !authenticated) {
    logRequest({ ...entry, authenticated: false, status: 401 })
    return reply(
      response,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: 'wrong user name or password' }] },
      { 'WWW-Authenticate': 'Basic realm="mpb-stack token service"' }
    )
  }
  const access = grant(scopes, authenticated)
  const { token, issuedAt } = issueToken(authenticated ? credentials.user : '', access)
  logRequest({
    ...entry,
    authenticated,
    granted: access.map(a => `${a.type}:${a.name}:${a.actions.join(',')}`),
    status: 200
  })
  return reply(response, 200, {
    token,
    access_token: token,
    expires_in: LIFETIME_SECONDS,
    issued_at: issuedAt.toISOString()
  })
}

const server = createServer(
  { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) },
  (request, response) => {
    handle(request, response).catch(error => {
      logRequest({ method: request.method, path: request.url, status: 500, error: error.message })
      if (!response.headersSent) reply(response, 500, { error: 'server_error' })
      else response.destroy()
    })
  }
)
server.on('tlsClientError', error => console.error(`token-service: TLS: ${error.message}`))
server.listen(config.listen.port, config.listen.host, () =>
  console.log(
    `token-service: listening on https://${config.listen.host}:${config.listen.port} (service ${config.service})`
  )
)
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close()
    server.closeAllConnections()
    process.exit(0)
  })
}
