import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runMain } from '../../../src/steps/main-step'
import { recorded, world } from '../../support/doubles/actions-core'
import { answerDocker, calls } from '../../support/doubles/actions-exec'
import { INSPECT, runInProcess } from '../../support/in-process'

describe('runMain', () => {
  runInProcess()

  it('runs every step with the injected docker and sets the outputs from what it answered', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'in-process-'))
    const saved = { ...process.env }
    Object.assign(process.env, { RUNNER_TEMP: temp, GITHUB_WORKSPACE: temp, GITHUB_STEP_SUMMARY: '' })
    world.inputs = {
      tags: 'r.example/app:1',
      platforms: 'linux/amd64',
      'builder-name': 'b',
      'mirror-check': 'off',
      qemu: 'false'
    }
    answerDocker(args => {
      if (args[1] === 'inspect') return { stdout: INSPECT }
      if (args[1] === 'build') {
        const metadata = args[args.indexOf('--metadata-file') + 1]
        writeFileSync(metadata, JSON.stringify({ 'containerimage.digest': `sha256:${'a'.repeat(64)}` }))
      }
      if (args[1] === 'imagetools') {
        const manifest = {
          digest: `sha256:${'d'.repeat(64)}`,
          platform: { os: 'linux', architecture: 'amd64' }
        }
        return { stdout: JSON.stringify({ manifests: [manifest] }) }
      }
      return {}
    })
    try {
      await runMain()
    } finally {
      process.env = saved
    }
    // The build's process is started before the nodes are read beside it: the build is what the job waits on.
    expect(calls.map(call => call.args.slice(0, 2).join(' '))).toEqual([
      'buildx create',
      'buildx build',
      'buildx inspect',
      'buildx imagetools'
    ])
    expect(recorded.outputs.digest).toBe(`sha256:${'a'.repeat(64)}`)
    expect(JSON.parse(recorded.outputs.manifest)).toEqual({ 'linux/amd64': `sha256:${'d'.repeat(64)}` })
    expect(JSON.parse(recorded.saved.saved)).toMatchObject({ builder: 'b', cleanup: true })
  })
})
