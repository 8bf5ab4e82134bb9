import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { reset } from './doubles/actions-core'

// Post starts the builder's removal before the job log's code loads, from the same checked state: these run it
// against a docker on PATH that appends its argv to a file and prints a workflow command.

let dir: string
let log: string

/** For each test of the describe it is called in: the doubles cleared, and a fresh folder with that docker. */
export function fakeDockerOnPath(): void {
  beforeEach(() => {
    reset()
    dir = mkdtempSync(join(tmpdir(), 'early-removal-'))
    log = join(dir, 'argv')
    mkdirSync(join(dir, 'bin'))
    writeFileSync(
      join(dir, 'bin', 'docker'),
      `#!/bin/sh\necho "$@" >> ${log}\necho "$2 removed ::warning::x"\n`
    )
    chmodSync(join(dir, 'bin', 'docker'), 0o755)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
}

/** The test's folder, and the file the fake docker appends its argv to. */
export const fakeDockerDir = (): string => dir
export const argvLog = (): string => log

/** A step environment with the fake docker first on PATH and this saved state. */
export const envWith = (saved: unknown, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
  STATE_saved: typeof saved === 'string' ? saved : JSON.stringify(saved),
  ...extra
})

/** The state main saves for a builder it created, with these fields changed. */
export const state = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  builder: 'b1',
  workDir: '/tmp/multi-platform-build-0123456789ab',
  cleanup: true,
  keepState: false,
  ...extra
})
