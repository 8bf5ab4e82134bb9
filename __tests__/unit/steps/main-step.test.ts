import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
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

describe('runMain with cache-mounts', () => {
  runInProcess()

  /** Runs main on a context whose Dockerfile has one cache mount; the build exits with buildCode. */
  async function mainWithMounts(
    buildCode: number,
    prefetch: { until?: Promise<unknown>; onBuild?: () => void } = {}
  ): Promise<string[]> {
    const temp = mkdtempSync(join(tmpdir(), 'in-process-'))
    writeFileSync(join(temp, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=cache,target=/root/.cache true\n')
    const saved = { ...process.env }
    Object.assign(process.env, { RUNNER_TEMP: temp, GITHUB_WORKSPACE: temp, GITHUB_STEP_SUMMARY: '' })
    world.inputs = {
      context: temp,
      tags: 'r.example/app:1',
      platforms: 'linux/amd64',
      'builder-name': 'b',
      'mirror-check': 'off',
      qemu: 'false',
      'cache-mounts': 'registry'
    }
    answerDocker(args => {
      if (args[1] === 'inspect') return { stdout: INSPECT }
      const output = args[args.indexOf('--output') + 1] ?? ''
      const dest = /^type=local,dest=(.*)$/.exec(output)?.[1]
      if (dest) {
        mkdirSync(dest, { recursive: true })
        // The measure after the build sees the mount changed.
        const digest = dest.endsWith('measure') ? 'b' : 'a'
        writeFileSync(
          join(dest, 'result'),
          `0 ${dest.endsWith('measure') ? 'measured' : 'restored'} 4 ${digest.repeat(64)}\n`
        )
        return {}
      }
      if (args[1] === 'build' && args.includes('--metadata-file')) {
        prefetch.onBuild?.()
        return { exitCode: buildCode }
      }
      if (output === 'type=cacheonly') return { until: prefetch.until }
      return {}
    })
    try {
      await runMain().catch(() => undefined)
    } finally {
      process.env = saved
    }
    // Each docker call, with the helper build it is (restore, prefetch, measure, save) named.
    return calls.map(call => {
      const output = call.args[call.args.indexOf('--output') + 1] ?? ''
      const helper =
        /dest=.*\/(\w+)$/.exec(output)?.[1] ??
        (output.startsWith('type=image') ? 'save' : output === 'type=cacheonly' ? 'prefetch' : '')
      return [call.args[0], call.args[1], helper].filter(Boolean).join(' ')
    })
  }

  it('restores on the builder before the build and saves after it', async () => {
    expect(await mainWithMounts(0)).toEqual([
      // A builder this run created is not asked what cache mounts it holds.
      'buildx create',
      // The base image is pulled beside the restore, on this new builder.
      'buildx build prefetch',
      'buildx build restore',
      'buildx build',
      'buildx inspect',
      'buildx build measure',
      'buildx build save'
    ])
    expect(JSON.parse(recorded.outputs['cache-mounts'])).toMatchObject({ restore: 'restored', save: 'saved' })
  })

  it('starts the build once the restore is done, while the base image is still being pulled', async () => {
    let onBuild: () => void = () => undefined
    const order: string[] = []
    // The pull ends only once the build has started: a build that waited for it would never start.
    const until = new Promise<void>(resolve => (onBuild = resolve)).then(() => order.push('prefetch ended'))
    const commands = await mainWithMounts(0, { until, onBuild: () => onBuild() })
    order.push('main ended')
    expect(commands).toContain('buildx build save')
    // main waited for the pull before it ended, and said how it went.
    expect(order).toEqual(['prefetch ended', 'main ended'])
    expect(recorded.lines.map(line => line.text).join('\n')).toMatch(/base image pulled beside the restore/)
  })

  it('waits for the pull before it ends when the build fails', async () => {
    let onBuild: () => void = () => undefined
    const order: string[] = []
    const until = new Promise<void>(resolve => (onBuild = resolve)).then(() => order.push('prefetch ended'))
    await mainWithMounts(1, { until, onBuild: () => onBuild() })
    order.push('main ended')
    expect(order).toEqual(['prefetch ended', 'main ended'])
  })

  it('saves nothing when the build fails', async () => {
    const commands = await mainWithMounts(1)
    expect(commands).toContain('buildx build restore')
    expect(commands.filter(command => command.endsWith('measure') || command.endsWith('save'))).toEqual([])
  })
})
