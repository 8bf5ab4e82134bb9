import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

/**
 * Every `run:` script of the given workflow files, shellchecked as bash (warnings and errors) the way the runner
 * runs them: how many there were, and what shellcheck said.
 */
export function shellcheckRunScripts(files: string[]): {
  scripts: number
  status: number | null
  output: string
} {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-shellcheck-'))
  try {
    const scripts: string[] = []
    for (const file of files) {
      const workflow = parse(readFileSync(file, 'utf8')) as {
        jobs: Record<string, { steps?: Array<{ run?: unknown }> }>
      }
      for (const [name, job] of Object.entries(workflow.jobs))
        (job.steps ?? []).forEach((step, index) => {
          if (typeof step.run !== 'string') return
          const path = join(dir, `${file.replace(/\W/g, '-')}-${name}-${index}.sh`)
          writeFileSync(path, step.run)
          scripts.push(path)
        })
    }
    const check = spawnSync('shellcheck', ['-S', 'warning', '-s', 'bash', ...scripts], {
      encoding: 'utf8',
      timeout: 60_000
    })
    return { scripts: scripts.length, status: check.status, output: check.stdout + check.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
