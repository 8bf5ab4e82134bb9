// A Go module server and a Go toolchain image for the cache-mounts e2e test and bench (CommonJS, so the bench's
// ES modules and the TypeScript tests load the same code; go-modules.ts gives it types).
/* global fetch, AbortSignal, performance, setTimeout */
const { execFileSync } = require('node:child_process')
const {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} = require('node:fs')
const { createServer } = require('node:http')
const { tmpdir } = require('node:os')
const { dirname, join, resolve, sep } = require('node:path')
const { crc32 } = require('node:zlib')

/** A zip archive of stored (uncompressed) entries: what the Go module proxy protocol serves as a module. */
function storedZip(files) {
  const locals = []
  const centrals = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text)
    const nameBytes = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/**
 * A model of a slow network path to a far server (the bench's, never a test's): every answer starts `delayMs`
 * after its request, and all answers share one link of `bytesPerSecond`, sent in turn a chunk at a time.
 * `reserve(bytes)` books the link for a chunk and says how many ms from `now()` it may be sent.
 */
function modelLink({ bytesPerSecond, delayMs }, now = () => performance.now()) {
  let free = 0
  return {
    delayMs,
    reserve(bytes) {
      const at = Math.max(now(), free)
      free = at + (bytes / bytesPerSecond) * 1000
      return free - now()
    }
  }
}

const LINK_CHUNK = 16 * 1024
const sleep = ms => new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))

async function sendOver(link, response, body) {
  await sleep(link.delayMs)
  for (let at = 0; at < body.length; at += LINK_CHUNK) {
    const chunk = body.subarray(at, at + LINK_CHUNK)
    await sleep(link.reserve(chunk.length))
    if (response.destroyed) return
    response.write(chunk)
  }
  response.end()
}

/**
 * An HTTP server on 127.0.0.1 answering GET with `answer(path)` (`[content type, body]`, or undefined for a 404),
 * logging every path asked in `requests`; its answers go over `link` (modelLink) when one is given.
 */
async function serveAnswers(answer, link) {
  const requests = []
  const server = createServer((request, response) => {
    const path = request.url ?? ''
    requests.push(path)
    const found = request.method === 'GET' ? answer(path) : undefined
    if (!found) {
      response.statusCode = 404
      response.end('not found\n')
      return
    }
    response.setHeader('Content-Type', found[0])
    if (link) sendOver(link, response, Buffer.from(found[1])).catch(() => response.destroy())
    else response.end(found[1])
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

/**
 * A Go module proxy (GOPROXY protocol) on 127.0.0.1 serving one module at one version, logging every path asked
 * in `requests`: `<module>/@v/list`, `.info`, `.mod` and `.zip`; anything else is a 404. Over `link` when given.
 */
async function startModuleServer(module, version, files, link) {
  const goMod = `module ${module}\n\ngo 1.21\n`
  const zip = storedZip(
    Object.fromEntries(
      Object.entries({ 'go.mod': goMod, ...files }).map(([name, text]) => [
        `${module}@${version}/${name}`,
        text
      ])
    )
  )
  const answers = {
    [`/${module}/@v/list`]: ['text/plain', `${version}\n`],
    [`/${module}/@v/${version}.info`]: [
      'application/json',
      JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' })
    ],
    [`/${module}/@v/${version}.mod`]: ['text/plain', goMod],
    [`/${module}/@v/${version}.zip`]: ['application/zip', zip]
  }
  return serveAnswers(path => answers[path], link)
}

/** A module path or version as Go writes it in proxy URLs and the module cache: an upper-case letter is `!` + it in lower case. */
const escapeModulePath = text => text.replace(/[A-Z]/g, letter => `!${letter.toLowerCase()}`)

/**
 * Copies the module versions a go.sum names from `cache` (a folder in GOPROXY layout, such as this machine's
 * `$(go env GOMODCACHE)/cache/download`) into a new temp folder: every version's .mod, and its .info and .zip where
 * `cache` has them (a `/go.mod` line alone needs no .zip). Throws, removing the copy, when a .mod is missing, a
 * go.sum line is not `module version hash`, or the copy would pass `maxBytes`. Returns the folder and its size.
 */
function copyModules(goSum, cache, maxBytes) {
  const dir = mkdtempSync(join(tmpdir(), 'go-modules-'))
  let bytes = 0
  const copy = (from, to) => {
    bytes += statSync(from).size
    if (bytes > maxBytes) throw new Error(`the modules go.sum names pass ${maxBytes} bytes`)
    mkdirSync(dirname(to), { recursive: true })
    copyFileSync(from, to)
  }
  try {
    const versions = new Set()
    for (const line of goSum.split('\n').filter(text => text.trim() !== '')) {
      const match = /^(\S+) (v[^/\s]+)(\/go\.mod)? h1:\S+$/.exec(line)
      if (!match || match[1].split('/').includes('..')) throw new Error(`not a go.sum line: ${line}`)
      versions.add(`${match[1]} ${match[2]}`)
    }
    for (const entry of versions) {
      const [module, version] = entry.split(' ').map(escapeModulePath)
      const from = join(cache, module, '@v', version)
      const to = join(dir, module, '@v', version)
      if (!existsSync(`${from}.mod`)) throw new Error(`${entry}: no ${from}.mod`)
      for (const ext of ['.mod', '.info', '.zip']) if (existsSync(from + ext)) copy(from + ext, to + ext)
    }
    return { dir, bytes }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

const TYPES = { '.mod': 'text/plain', '.info': 'application/json', '.zip': 'application/zip' }

/**
 * A Go module proxy on 127.0.0.1 serving, read-only, a copy of the module versions `goSum` names, taken from
 * `cache` (see copyModules; at most `maxBytes`). Only `<module>/@v/<version>.{mod,info,zip}` files of the copy are
 * answered, anything else (a list, a path out of the copy) is a 404; every path asked is logged in `requests`.
 * Its answers go over `link` (modelLink) when one is given. close() stops the server and removes the copy.
 */
async function startCopiedModuleServer(goSum, cache, maxBytes, link) {
  const { dir, bytes } = copyModules(goSum, cache, maxBytes)
  const server = await serveAnswers(path => {
    const match = /^\/([!a-z0-9._~/-]+)\/@v\/([!a-zA-Z0-9._+-]+)(\.mod|\.info|\.zip)$/.exec(path)
    if (!match || `${match[1]}/${match[2]}`.split('/').some(part => part === '..' || part === '.'))
      return undefined
    const file = resolve(dir, match[1], '@v', match[2] + match[3])
    if (!file.startsWith(dir + sep) || !existsSync(file)) return undefined
    return [TYPES[match[3]], readFileSync(file)]
  }, link)
  return {
    ...server,
    bytes,
    close: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** The module the fixtures import, as the servers serve it. */
const GREET = {
  module: 'example.test/greet',
  version: 'v1.0.0',
  files: { 'greet.go': 'package greet\n\nfunc Hello(name string) string { return "hello, " + name }\n' }
}

/**
 * An amd64 Go toolchain image made from this machine's /usr/local/go on busybox, pushed to `registry` (a
 * loopback registry) once and reused by later runs: its tag is the Go version. Returns its reference.
 */
async function goToolchainImage(registry) {
  const repository = 'e2e/go-toolchain'
  const tag = execFileSync('/usr/local/go/bin/go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim()
  const reference = `${registry}/${repository}:${tag}`
  const present = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    signal: AbortSignal.timeout(10_000)
  })
  if (present.ok) return reference
  const dir = mkdtempSync(join(tmpdir(), 'go-toolchain-'))
  try {
    cpSync('/usr/local/go', join(dir, 'go'), { recursive: true, verbatimSymlinks: true })
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        'FROM busybox:1.36',
        'COPY go /usr/local/go',
        'ENV PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\',
        '    HOME=/root GOPATH=/root/go CGO_ENABLED=0 GOTOOLCHAIN=local',
        ''
      ].join('\n')
    )
    execFileSync('docker', ['build', '--platform', 'linux/amd64', '-t', reference, dir], { stdio: 'ignore' })
    execFileSync('docker', ['push', reference], { stdio: 'ignore' })
    return reference
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

module.exports = {
  storedZip,
  startModuleServer,
  copyModules,
  startCopiedModuleServer,
  modelLink,
  goToolchainImage,
  GREET
}
