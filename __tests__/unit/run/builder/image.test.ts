import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { imageInDaemon } from '../../../../src/run/builder/image'
import { answerDocker, calls } from '../../../support/doubles/actions-exec'

describe('imageInDaemon', () => {
  let dir: string
  let server: Server
  let status = 200
  const paths: string[] = []
  const saved = { ...process.env }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daemon-'))
    paths.length = 0
    server = createServer((request, response) => {
      paths.push(request.url ?? '')
      response.writeHead(status, { 'Content-Type': 'application/json' })
      response.end('{}')
    })
    await new Promise<void>(resolve => server.listen(join(dir, 'docker.sock'), resolve))
    process.env.DOCKER_HOST = `unix://${join(dir, 'docker.sock')}`
    process.env.DOCKER_CONFIG = dir
    delete process.env.DOCKER_CONTEXT
    answerDocker(() => ({ exitCode: 0 }))
  })
  afterEach(async () => {
    process.env = { ...saved }
    await new Promise<void>(resolve => server.close(() => resolve()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('asks the daemon, not the CLI, with the whole reference as one encoded path segment', async () => {
    status = 200
    await expect(imageInDaemon('127.0.0.1:5001/moby/buildkit:buildx-stable-1')).resolves.toBe(true)
    expect(paths).toEqual(['/images/127.0.0.1%3A5001%2Fmoby%2Fbuildkit%3Abuildx-stable-1/json'])
    expect(calls).toEqual([])
  })
  it('takes 404 as absent', async () => {
    status = 404
    await expect(imageInDaemon('moby/buildkit:v0.1')).resolves.toBe(false)
    expect(calls).toEqual([])
  })
  it('asks the CLI when the daemon answers anything else', async () => {
    status = 500
    answerDocker(() => ({ exitCode: 1 }))
    await expect(imageInDaemon('moby/buildkit:v0.1')).resolves.toBe(false)
    expect(paths).toHaveLength(1)
    expect(calls.map(call => call.args)).toEqual([
      ['image', 'inspect', '--format', '{{.Id}}', '--', 'moby/buildkit:v0.1']
    ])
  })
  it('asks the CLI when no daemon listens at the socket', async () => {
    process.env.DOCKER_HOST = `unix://${join(dir, 'absent.sock')}`
    await expect(imageInDaemon('moby/buildkit:v0.1')).resolves.toBe(true)
    expect(calls).toHaveLength(1)
  })
  it('asks only the CLI when a context is chosen, or the name is not an image reference', async () => {
    process.env.DOCKER_CONTEXT = 'remote'
    await expect(imageInDaemon('moby/buildkit:v0.1')).resolves.toBe(true)
    delete process.env.DOCKER_CONTEXT
    await expect(imageInDaemon('../../containers/json?all=1')).resolves.toBe(true)
    expect(paths).toEqual([])
    expect(calls).toHaveLength(2)
  })
})
