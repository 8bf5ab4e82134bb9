// A Go module server and a Go toolchain image for the cache-mounts e2e test and bench (CommonJS, so the bench's
// ES modules and the TypeScript tests load the same code; go-modules.ts gives it types).
/* global fetch, AbortSignal */
const { execFileSync } = require('node:child_process')
const { cpSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs')
const { createServer } = require('node:http')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
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
 * A Go module proxy (GOPROXY protocol) on 127.0.0.1 serving one module at one version, logging every path asked
 * in `requests`: `<module>/@v/list`, `.info`, `.mod` and `.zip`; anything else is a 404.
 */
async function startModuleServer(module, version, files) {
  const requests = []
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
  const server = createServer((request, response) => {
    const path = request.url ?? ''
    requests.push(path)
    const answer = answers[path]
    if (!answer) {
      response.statusCode = 404
      response.end('not found\n')
      return
    }
    response.setHeader('Content-Type', answer[0])
    response.end(answer[1])
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve()))
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

module.exports = { storedZip, startModuleServer, goToolchainImage, GREET }
