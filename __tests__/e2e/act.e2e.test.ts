import { spawnSync } from 'node:child_process'
import { expectServedByMirror } from '../support/e2e'
import { ROOT } from '../support/run-action'
import { leftovers, loadStack, logOffset, Registry } from '../support/stack'

// A real runner: nektos/act (host mode) runs a workflow that uses this repository as `uses: ./`.

jest.setTimeout(600_000)
const stack = loadStack()

it('builds and pushes the multi-arch image through the mirror under act, and cleans up in post', async () => {
  const run = Date.now().toString(36)
  const repository = `e2e/act-${run}`
  const builder = `e2e-act-${run}`
  const mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
  const result = spawnSync(
    stack.STACK_ACT,
    [
      'push',
      '--workflows',
      '__tests__/e2e/workflows/multi-arch.yml',
      '-P',
      'ubuntu-latest=-self-hosted',
      '--env',
      `E2E_TAG=${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
      '--env',
      `E2E_MIRROR=http://${stack.STACK_MIRROR}`,
      '--env',
      `E2E_BUILDER=${builder}`,
      '--env',
      `E2E_REPO=${ROOT}`
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 540_000,
      env: { ...process.env, ACT_DISABLE_VERSION_CHECK: 'true' }
    }
  )
  const log = `${result.stdout}\n${result.stderr}`
  expect({ status: result.status, tail: log.slice(-3000) }).toMatchObject({ status: 0 })
  const { digest, platforms } = await new Registry(stack.STACK_PUSH_REGISTRY).platformManifests(
    repository,
    '1'
  )
  expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
  expectServedByMirror(mirrorLog, 'library/busybox')
  expect(log).toContain(`E2E digest=${digest}`)
  expect(log).toContain(`E2E builder=${builder}`)
  expect(leftovers(builder)).toEqual({ containers: [], volumes: [], builders: [] })
})
