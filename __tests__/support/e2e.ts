import { join } from 'node:path'
import { ActionRun, ROOT, runAction, RunOptions } from './run-action'
import { leftovers, loadStack } from './stack'

/** Shared by the e2e suites: the stack's endpoints and a runner of the action against it. */
export const stack = loadStack()
export const run = Date.now().toString(36)
export const fixture = (name: string) => join(ROOT, '__tests__/e2e/fixtures', name)
export const mirrorInputs = { 'registry-mirrors': `http://${stack.STACK_MIRROR}` }

/** The ::error:: lines of main, decoded, without the titled annotations. */
export function failure(result: ActionRun): string {
  return result.main.stdout
    .split('\n')
    .filter(line => line.startsWith('::error::'))
    .join('\n')
    .replace(/%0A/g, '\n')
}

/** Runs the action with a builder named after the scenario, the arch fixture and the stack's mirror by default. */
export async function buildWith(
  name: string,
  inputs: Record<string, string>,
  options: Partial<Pick<RunOptions, 'env' | 'skipPost'>> = {}
) {
  const builder = `e2e-${name}-${run}`
  const result = await runAction({
    inputs: { context: fixture('arch'), 'builder-name': builder, ...mirrorInputs, ...inputs },
    timeoutMs: 480_000,
    ...options
  })
  return { builder, result }
}

export function expectClean(builder: string): void {
  expect(leftovers(builder)).toEqual({ containers: [], volumes: [], builders: [] })
}
