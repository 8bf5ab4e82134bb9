import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseInputs } from '../../src/inputs/parse'
import { makePlan } from '../../src/plan/plan'
import { runMain } from '../../src/steps/main-step'
import { runPost } from '../../src/steps/post-step'
import { createBuilder } from '../../src/run/builder/builder'
import { docker } from '../../src/run/docker/docker'
import { recorded, world } from '../support/doubles/actions-core'
import { answerDocker, calls } from '../support/doubles/actions-exec'
import { INSPECT, jobLog, runInProcess } from '../support/in-process'
import { inputSource } from '../support/inputs'
import { parseRunnerOutput } from '../support/runner-commands'

describe('createBuilder', () => {
  runInProcess()

  it('replaces a builder left by an earlier run, then boots it', async () => {
    const inputs = parseInputs(inputSource({ tags: 'r.example/app:1', 'builder-name': 'b' }))
    const plan = makePlan(inputs, { workDir: '/tmp/w', hostsFile: '' })
    let creates = 0
    answerDocker(args => {
      if (args[1] === 'create' && creates++ === 0)
        return { exitCode: 1, stderr: 'ERROR: existing instance for "b" but no append mode\n' }
      if (args[1] === 'inspect') return { stdout: INSPECT }
      return {}
    })
    const builder = await createBuilder(inputs, plan, () => undefined)
    // The nodes are read only when asked for (once the build has started).
    expect(calls.map(call => call.args.slice(0, 2).join(' '))).toEqual([
      'buildx create',
      'buildx rm',
      'buildx create'
    ])
    expect(calls[1].args).toEqual(['buildx', 'rm', '--', 'b'])
    expect(recorded.lines.map(line => line.text)).toContain('Removed an existing builder named b.')
    expect((await builder.nodes()).platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(calls.at(-1)?.args.slice(0, 2)).toEqual(['buildx', 'inspect'])
  })
})

describe('docker', () => {
  runInProcess()

  it('relays what docker prints inside a stop-commands fence, on stdout only', async () => {
    const stderr = jest.spyOn(process.stderr, 'write')
    try {
      answerDocker(() => ({ stdout: '::set-output name=PWNED::1\n', stderr: 'x ##[add-path]/PWNED\n' }))
      await docker(['buildx', 'version'])
    } finally {
      stderr.mockRestore()
    }
    const text = jobLog()
    const commands = parseRunnerOutput(text).commands.map(command => command.name)
    expect(commands).toHaveLength(2)
    expect(commands[0]).toBe('stop-commands')
    expect(commands[1]).toMatch(/^[0-9a-f]{32}$/)
    expect(text).toContain('::set-output name=PWNED::1')
    expect(stderr).not.toHaveBeenCalled()
  })
})

describe('post', () => {
  runInProcess()

  it('rebuilds the removal from the builder name and ignores stored argv', async () => {
    world.state.saved = JSON.stringify({
      builder: 'b1',
      workDir: '/nonexistent',
      cleanup: true,
      keepState: true,
      removeArgs: ['run', '--privileged', '-v', '/:/host', 'x']
    })
    answerDocker(() => ({}))
    await runPost()
    expect(calls.map(call => call.args)).toEqual([['buildx', 'rm', '--keep-state', '--', 'b1']])
    expect(recorded.lines.filter(line => line.kind === 'warning').map(line => line.text)).toEqual([
      expect.stringContaining('Left /nonexistent alone')
    ])
  })
})

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
