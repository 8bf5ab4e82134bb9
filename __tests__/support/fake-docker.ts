import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './run-action'

export interface Call {
  argv: string[]
  env: Record<string, string>
  config?: string
  /** $DOCKER_CONFIG and its config.json as the call saw them, when it was set. */
  dockerConfig?: { dir: string; json?: Record<string, unknown> }
}

/** A fresh fake docker: its own PATH entry, call log and builder store. */
export function fakeDocker() {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'))
  mkdirSync(join(dir, 'bin'))
  mkdirSync(join(dir, 'builders'))
  symlinkSync(join(ROOT, '__tests__/fixtures/fake-docker.cjs'), join(dir, 'bin/docker'))
  const log = join(dir, 'calls.jsonl')
  writeFileSync(log, '')
  return {
    dir,
    env: (extra: Record<string, string> = {}) => ({
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      FAKE_DOCKER_LOG: log,
      FAKE_DOCKER_STATE: join(dir, 'builders'),
      // No daemon answers here, so the action's own daemon requests fall back to this fake CLI, not a real dockerd.
      DOCKER_HOST: `unix://${join(dir, 'no-daemon.sock')}`,
      ...extra
    }),
    calls: (): Call[] =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(line => line !== '')
        .map(line => JSON.parse(line) as Call),
    builders: () => readdirSync(join(dir, 'builders'))
  }
}

const isBuildx = (call: Call, command: string) => call.argv[0] === 'buildx' && call.argv[1] === command

/**
 * The calls' labels in the order the action guarantees. The `buildx inspect` that reads the new builder's nodes
 * runs beside the build, so on a loaded machine it may reach docker before the build or after the read-back that
 * follows it: it is taken out of the sequence and checked against the edges that do hold instead (after the last
 * create, before any rm). Throws when the nodes are never read or those edges are broken.
 */
export function guaranteedOrder(calls: Call[], label: (call: Call) => string): string[] {
  const lastCreate = calls.map(call => isBuildx(call, 'create')).lastIndexOf(true)
  const nodesRead = calls.findIndex((call, index) => index > lastCreate && isBuildx(call, 'inspect'))
  const removal = calls.findIndex((call, index) => index > lastCreate && isBuildx(call, 'rm'))
  if (lastCreate < 0 || nodesRead < 0) throw new Error('no buildx inspect of the nodes after the create')
  if (removal >= 0 && removal < nodesRead) throw new Error('buildx rm ran before the nodes were read')
  return calls.filter((_call, index) => index !== nodesRead).map(label)
}
