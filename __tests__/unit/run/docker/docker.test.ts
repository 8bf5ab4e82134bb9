import { docker } from '../../../../src/run/docker/docker'
import { answerDocker } from '../../../support/doubles/actions-exec'
import { jobLog, runInProcess } from '../../../support/in-process'
import { parseRunnerOutput } from '../../../support/runner-commands'

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
