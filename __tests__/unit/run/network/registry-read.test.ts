import { createHash } from 'node:crypto'
import { createServer, IncomingHttpHeaders, Server } from 'node:http'
import { AddressInfo } from 'node:net'
import { readManifestAnonymously } from '../../../../src/run/network/registry-read'

// The in-process read of a pushed index, against a registry stand-in on loopback.

const INDEX = JSON.stringify({
  schemaVersion: 2,
  manifests: [{ digest: `sha256:${'1'.repeat(64)}`, platform: { os: 'linux', architecture: 'amd64' } }]
})
const DIGEST = `sha256:${createHash('sha256').update(INDEX).digest('hex')}`

let server: Server
let port = 0
let answer: { status: number; body: string } = { status: 200, body: INDEX }
const seen: { url?: string; headers: IncomingHttpHeaders }[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url, headers: request.headers })
    response.writeHead(answer.status, { 'Content-Type': 'application/vnd.oci.image.index.v1+json' })
    response.end(answer.body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))
beforeEach(() => {
  seen.length = 0
  answer = { status: 200, body: INDEX }
})

const read = (digest = DIGEST) =>
  readManifestAnonymously(`127.0.0.1:${port}/team/app`, digest, new Map(), { noProxy: [] })

describe('reading the pushed index in-process', () => {
  it('returns the bytes whose digest was asked for, from a plain-HTTP registry on loopback, sending no login', async () => {
    await expect(read()).resolves.toBe(INDEX)
    const get = seen.find(request => request.url === `/v2/team/app/manifests/${DIGEST}`)
    expect(get?.headers.accept).toContain('application/vnd.oci.image.index.v1+json')
    expect(get?.headers.authorization).toBeUndefined()
  })
  it('refuses bytes that do not match the digest', async () => {
    answer = { status: 200, body: INDEX.replace('amd64', 'arm64') }
    await expect(read()).resolves.toBeUndefined()
  })
  it('gives up on a registry that wants a login, leaving it to imagetools', async () => {
    answer = { status: 401, body: '' }
    await expect(read()).resolves.toBeUndefined()
    expect(seen.every(request => request.headers.authorization === undefined)).toBe(true)
  })
  it('gives up when nothing answers', async () => {
    await expect(
      readManifestAnonymously('127.0.0.1:1/team/app', DIGEST, new Map(), { noProxy: [] })
    ).resolves.toBeUndefined()
  })
})
