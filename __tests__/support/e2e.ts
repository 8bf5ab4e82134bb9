import { join } from 'node:path'
import { ActionRun, ROOT, runAction, RunOptions } from './run-action'
import { AccessLogLine, accessLogLines, leftovers, loadStack, logSince } from './stack'

/** Shared by the e2e suites: the stack's endpoints and a runner of the action against it. */
export const stack = loadStack()
export const run = Date.now().toString(36)
export const fixture = (name: string) => join(ROOT, '__tests__/e2e/fixtures', name)
export const mirrorInputs = { 'registry-mirrors': `http://${stack.STACK_MIRROR}` }
/** The step environment without proxy variables, so only the inputs under test give the action a proxy. */
export const NO_PROXY_ENV = Object.fromEntries(
  ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap(name => [
    [name, ''],
    [name.toLowerCase(), '']
  ])
)

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

/**
 * Requests for /v2/<repository>/ the stack's Docker Hub mirror answered since `offset` (from logOffset). Asserts
 * what "came through the mirror" needs: Docker Hub itself is blocked on this machine, the mirror was asked for
 * manifests (and blobs, unless the daemon may have had the layers), and every answer was a 200, so nothing
 * fell through to another source.
 */
export function expectServedByMirror(
  offset: number,
  repository: string,
  { blobs = true }: { blobs?: boolean } = {}
): AccessLogLine[] {
  expect(stack.STACK_DOCKER_HUB_BLOCKED).toBe('1')
  const served = accessLogLines(logSince(stack.STACK_MIRROR_LOG, offset)).filter(line =>
    line.path.startsWith(`/v2/${repository}/`)
  )
  expect(served.some(line => line.path.includes('/manifests/'))).toBe(true)
  if (blobs) expect(served.some(line => line.path.includes('/blobs/sha256:'))).toBe(true)
  expect(served.filter(line => line.status !== 200)).toEqual([])
  return served
}

/** Index of main's first log line `[command]…docker <args>…` (the command as the action ran it), or -1. */
export function commandLine(result: ActionRun, args: string): number {
  const command = /^\[command\]\S*docker (.*)$/
  return result.main.stdout.split('\n').findIndex(line => command.exec(line)?.[1].startsWith(args))
}

/** main ran no `docker buildx create` and left nothing of the builder (run with skipPost, before post). */
export function expectNoBuilderCreated(result: ActionRun, builder: string): void {
  expect(commandLine(result, 'buildx create')).toBe(-1)
  expectClean(builder)
}
