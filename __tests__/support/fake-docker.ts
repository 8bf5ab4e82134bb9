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
