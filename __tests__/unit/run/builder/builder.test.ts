import { parseInputs } from '../../../../src/inputs/parse'
import { makePlan } from '../../../../src/plan/plan'
import { createBuilder } from '../../../../src/run/builder/builder'
import { recorded } from '../../../support/doubles/actions-core'
import { answerDocker, calls } from '../../../support/doubles/actions-exec'
import { INSPECT, runInProcess } from '../../../support/in-process'
import { inputSource } from '../../../support/inputs'

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
