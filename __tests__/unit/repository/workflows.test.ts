import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../../support/repository'
import { granted } from '../../support/workflow-permissions'

/**
 * The reusable workflow and the example workflows, read as files: what each job's token may do, and that no
 * `${{ }}` is pasted into a shell script (a value someone else chose would run as code).
 */

const WORKFLOW = '.github/workflows/multi-platform-build.yml'
const EXAMPLES = 'examples/workflows'
/** The jobs that run the action: they build and push with the token the calling job grants. */
const PUSHING_JOBS = ['image', 'leg-1', 'leg-2', 'leg-3', 'leg-4']

interface Step {
  uses?: string
  run?: unknown
}
interface Job {
  permissions?: unknown
  uses?: string
  with?: Record<string, unknown>
  steps?: Step[]
}
interface Workflow {
  permissions?: unknown
  jobs: Record<string, Job>
}

const load = (path: string) => parse(readFileSync(join(ROOT, path), 'utf8')) as Workflow
const examples = readdirSync(join(ROOT, EXAMPLES))
  .filter(name => /\.ya?ml$/.test(name))
  .map(name => `${EXAMPLES}/${name}`)

/** A step uses the job's token: it runs this action (github-token defaults to it) or names it. */
const usesToken = (job: Job) =>
  (job.steps ?? []).some(
    step =>
      /multi-platform-build-action@/.test(step.uses ?? '') ||
      /github\.token|GITHUB_TOKEN/.test(JSON.stringify(step))
  )

describe('the reusable workflow asks for the least it needs', () => {
  const workflow = load(WORKFLOW)

  // A called workflow can only lower what the calling job grants; a job that asks for more (even one that is
  // then skipped) fails the run before any job starts. So no job asks for anything: a caller pushing elsewhere
  // than ghcr.io need not grant packages: write.
  it('asks for no scope in any job', () => {
    const asked = Object.entries(workflow.jobs).flatMap(([name, job]) =>
      granted(job.permissions).map(scope => `${name}: ${scope}`)
    )
    expect(asked).toEqual([])
  })

  it('declares no workflow-level permissions, which would replace the grant in the jobs that push', () => {
    expect(workflow.permissions).toBeUndefined()
  })

  it('gives a job that uses no token none at all, and the grant only to the jobs that push', () => {
    const inheriting = Object.entries(workflow.jobs)
      .filter(([, job]) => job.permissions === undefined)
      .map(([name]) => name)
      .sort()
    expect(inheriting).toEqual(PUSHING_JOBS)
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect({ name, usesToken: usesToken(job) }).toEqual({ name, usesToken: PUSHING_JOBS.includes(name) })
      if (!PUSHING_JOBS.includes(name))
        expect({ name, permissions: job.permissions }).toEqual({ name, permissions: {} })
    }
  })
})

describe('the example callers grant what the workflow needs and no more', () => {
  const callers = examples.flatMap(path =>
    Object.entries(load(path).jobs)
      .filter(([, job]) => (job.uses ?? '').includes('/.github/workflows/multi-platform-build.yml@'))
      .map(([name, job]) => ({ path, name, job }))
  )

  it('has a caller to check', () => {
    expect(callers.length).toBeGreaterThan(0)
  })

  it('grants contents: read, and packages: write only to push to ghcr.io', () => {
    for (const { path, name, job } of callers) {
      const ghcr = /(^|[\s,])ghcr\.io\//.test(String(job.with?.tags ?? ''))
      expect({ path, name, granted: granted(job.permissions) }).toEqual({
        path,
        name,
        granted: ghcr ? ['contents: read', 'packages: write'] : ['contents: read']
      })
    }
  })
})

describe('no ${{ }} inside a run: script', () => {
  // An expression in a script is pasted in before the shell reads it: values go through env: as variables.
  it.each([WORKFLOW, ...examples])('%s', path => {
    const pasted = Object.entries(load(path).jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .map((step, index) => ({ step, index }))
        .filter(({ step }) => typeof step.run === 'string' && /\$\{\{/.test(step.run))
        .map(({ index }) => `${name} step ${index + 1}`)
    )
    expect(pasted).toEqual([])
  })
})
