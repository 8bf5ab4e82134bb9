import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { copyModules, modelLink, startCopiedModuleServer } from '../../support/go-modules'

const HASH = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
let cache: string

/** A file of the fake module cache, in GOPROXY layout. */
function put(path: string, text: string): void {
  mkdirSync(join(cache, path, '..'), { recursive: true })
  writeFileSync(join(cache, path), text)
}

beforeEach(() => {
  // Lower case, so a path out of a copy into it is one the server's pattern takes.
  cache = join(tmpdir(), `go-modules-test-${randomBytes(6).toString('hex')}`)
  mkdirSync(cache)
  for (const version of ['v1.0.0', 'v1.1.0'])
    for (const ext of ['mod', 'info', 'zip'])
      put(`example.test/a/@v/${version}.${ext}`, `a ${version} ${ext}`)
  put('example.test/b/@v/v2.0.0.mod', 'b mod')
  put('example.test/b/@v/v2.0.0.zip', 'b zip')
  put('github.com/!upper/c/@v/v0.1.0.mod', 'c mod')
})
afterEach(() => rmSync(cache, { recursive: true, force: true }))

/** The files under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort()
}

const SUM = [
  `example.test/a v1.0.0 ${HASH}`,
  `example.test/a v1.0.0/go.mod ${HASH}`,
  `example.test/b v2.0.0/go.mod ${HASH}`,
  `github.com/Upper/c v0.1.0/go.mod ${HASH}`,
  ''
].join('\n')

describe('copyModules', () => {
  it('copies the versions go.sum names, and no other: .mod, and .info and .zip where the cache has them', () => {
    const { dir, bytes } = copyModules(SUM, cache, 1000)
    try {
      expect(files(dir)).toEqual([
        'example.test/a/@v/v1.0.0.info',
        'example.test/a/@v/v1.0.0.mod',
        'example.test/a/@v/v1.0.0.zip',
        'example.test/b/@v/v2.0.0.mod',
        'example.test/b/@v/v2.0.0.zip',
        'github.com/!upper/c/@v/v0.1.0.mod'
      ])
      expect(bytes).toBe('a v1.0.0 mod'.length + 'a v1.0.0 info'.length + 'a v1.0.0 zip'.length + 10 + 5)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a copy past its bound, a missing .mod and a line that is not a go.sum line', () => {
    expect(() => copyModules(SUM, cache, 20)).toThrow('the modules go.sum names pass 20 bytes')
    expect(() => copyModules(`example.test/a v9.0.0 ${HASH}\n`, cache, 1000)).toThrow(
      /example.test\/a v9.0.0: no .*v9.0.0.mod/
    )
    expect(() => copyModules(`example.test/../a v1.0.0 ${HASH}\n`, cache, 1000)).toThrow('not a go.sum line')
    expect(() => copyModules('example.test/a v1.0.0\n', cache, 1000)).toThrow('not a go.sum line')
  })
})

/** Status and body of one raw request (the path as written, not normalised as fetch would). */
function ask(port: number, path: string, method = 'GET'): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, response => {
      let body = ''
      response.on('data', chunk => (body += chunk))
      response.on('end', () => resolve([response.statusCode ?? 0, body]))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('startCopiedModuleServer', () => {
  it('serves the copy read-only, nothing else, logs every path, and removes the copy on close', async () => {
    put('secret', 'not a module')
    const server = await startCopiedModuleServer(SUM, cache, 1000)
    let closed = false
    try {
      expect(await ask(server.port, '/example.test/a/@v/v1.0.0.zip')).toEqual([200, 'a v1.0.0 zip'])
      expect(await ask(server.port, '/github.com/!upper/c/@v/v0.1.0.mod')).toEqual([200, 'c mod'])
      const refused = [
        '/example.test/a/@v/v1.1.0.mod', // in the cache, not in go.sum
        '/example.test/a/@v/list',
        '/example.test/b/@v/v2.0.0.info', // not in the cache
        '/../secret',
        '/example.test/../../secret/@v/v1.mod',
        '/%2e%2e/%2e%2e/secret/@v/v1.mod',
        // out of the copy into the cache, to a file that is there
        `/../${basename(cache)}/example.test/a/@v/v1.1.0.mod`
      ]
      for (const path of refused) expect([path, (await ask(server.port, path))[0]]).toEqual([path, 404])
      expect((await ask(server.port, '/example.test/a/@v/v1.0.0.mod', 'POST'))[0]).toBe(404)
      expect(server.requests).toEqual([
        '/example.test/a/@v/v1.0.0.zip',
        '/github.com/!upper/c/@v/v0.1.0.mod',
        ...refused,
        '/example.test/a/@v/v1.0.0.mod'
      ])
      const copies = readdirSync(tmpdir()).filter(name => name.startsWith('go-modules-'))
      await server.close()
      closed = true
      expect(copies.filter(name => !existsSync(join(tmpdir(), name))).length).toBe(1)
    } finally {
      if (!closed) await server.close()
    }
  })
})

describe('modelLink', () => {
  it('books one shared link: a chunk waits for those booked before it, at the given rate', () => {
    let clock = 1000
    const link = modelLink({ bytesPerSecond: 1000, delayMs: 100 }, () => clock)
    expect(link.delayMs).toBe(100)
    expect(link.reserve(500)).toBe(500)
    // A second answer's chunk at the same moment goes after the first's.
    expect(link.reserve(1000)).toBe(1500)
    clock += 1500
    expect(link.reserve(0)).toBe(0)
    // Idle time is not saved up: after a pause the link sends at its rate again, no faster.
    clock += 10_000
    expect(link.reserve(250)).toBe(250)
  })

  it('answers over the link whole, and no sooner than the model lets it', async () => {
    const zip = 'y'.repeat(40 * 1024)
    writeFileSync(join(cache, 'example.test/a/@v/v1.0.0.zip'), zip)
    const link = modelLink({ bytesPerSecond: 400 * 1024, delayMs: 50 })
    const server = await startCopiedModuleServer(SUM, cache, 1_000_000, link)
    try {
      const started = performance.now()
      expect(await ask(server.port, '/example.test/a/@v/v1.0.0.zip')).toEqual([200, zip])
      // 50 ms of delay and 100 ms for 40 kB at 400 kB/s: a bound the model sets, not a speed claim.
      expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    } finally {
      await server.close()
    }
  })
})
