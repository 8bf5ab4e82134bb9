import { runPost } from '../../../src/steps/post-step'
import { startRemoval } from '../../../src/run/docker/early-removal'
import { recorded, world } from '../../support/doubles/actions-core'
import { answerDocker, calls } from '../../support/doubles/actions-exec'
import { runInProcess } from '../../support/in-process'
import { parseRunnerOutput } from '../../support/runner-commands'
import { envWith, fakeDockerOnPath, state } from '../../support/early-removal'

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

describe('runPost with the removal started early', () => {
  fakeDockerOnPath()

  it('shows it fenced, as if it ran now, and runs no second removal', async () => {
    const saved = state()
    world.state = { saved: JSON.stringify(saved) }
    answerDocker(() => ({}))
    const written: string[] = []
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
    try {
      await runPost(startRemoval(envWith(saved)))
    } finally {
      stdout.mockRestore()
    }
    expect(calls).toEqual([])
    const output = parseRunnerOutput(written.join(''))
    // The build's "::warning::" in the output stays inert: the runner sees only the fence.
    expect(output.commands.map(command => command.name)).toEqual(['stop-commands', expect.any(String)])
    expect(output.lines).toContain('[command]docker buildx rm -- b1')
  })
})
