import { readFileSync } from 'node:fs'
import { startRemoval } from '../../../../src/run/docker/early-removal'
import { argvLog, envWith, fakeDockerDir, fakeDockerOnPath, state } from '../../../support/early-removal'

describe('startRemoval', () => {
  fakeDockerOnPath()

  it('runs `docker buildx rm -- <builder>` at once and keeps its output', async () => {
    const started = startRemoval(envWith(state()))
    expect(started?.args).toEqual(['buildx', 'rm', '--', 'b1'])
    await expect(started?.result).resolves.toEqual({
      exitCode: 0,
      stdout: 'rm removed ::warning::x\n',
      stderr: ''
    })
    expect(readFileSync(argvLog(), 'utf8')).toBe('buildx rm -- b1\n')
  })

  it('keeps the state volume when main was asked to', async () => {
    const started = startRemoval(envWith(state({ keepState: true })))
    expect(started?.args).toEqual(['buildx', 'rm', '--keep-state', '--', 'b1'])
    await started?.result
  })

  it.each([
    ['no state', ''],
    ['state that is not JSON', '{'],
    ['a builder name that is not one', JSON.stringify(state({ builder: '-rf' }))],
    ['cleanup false', JSON.stringify(state({ cleanup: false }))],
    ['a warm builder (post only releases its lease)', JSON.stringify(state({ warmLease: 'x' }))]
  ])('starts nothing for %s', (_name, saved) => {
    expect(startRemoval(envWith(saved))).toBeUndefined()
  })

  it('reports a docker that cannot be started as a failed command', async () => {
    const started = startRemoval({ ...envWith(state()), PATH: fakeDockerDir() })
    const result = await started?.result
    expect(result?.exitCode).toBe(127)
    expect(result?.stderr).toMatch(/ENOENT/)
  })
})
