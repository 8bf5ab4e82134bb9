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

describe('the reusable workflow hands each input to the action steps it is for, through with: or env:', () => {
  const workflow = load(WORKFLOW)
  const LEGS = ['leg-1', 'leg-2', 'leg-3', 'leg-4'].map(leg => `${leg}/build`)
  const BUILDS = [...LEGS, 'image/build']
  const IMAGE = ['image/build', 'image/merge']

  /** Where `${{ inputs.NAME }}` (or secrets.NAME) is used: job/step (id or number) and the with: or env: key. */
  function places(kind: 'inputs' | 'secrets', name: string): string[] {
    const used = new RegExp(`\\b${kind}\\.${name.replace(/[.-]/g, '\\$&')}(?![\\w-])`)
    const found: string[] = []
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const { steps = [], ...rest } = job as Job & Record<string, unknown>
      if (used.test(JSON.stringify(rest))) found.push(`${jobName}: outside its steps`)
      steps.forEach((step, index) => {
        const {
          with: given = {},
          env = {},
          ...others
        } = step as Step & {
          id?: string
          with?: Record<string, unknown>
          env?: Record<string, unknown>
        }
        const where = `${jobName}/${(step as { id?: string }).id ?? index + 1}`
        for (const [key, value] of Object.entries(given))
          if (used.test(String(value))) found.push(key === name ? where : `${where} with.${key}`)
        for (const [key, value] of Object.entries(env))
          if (used.test(String(value))) found.push(`${where} env.${key}`)
        if (used.test(JSON.stringify(others))) found.push(`${where}: outside with: and env:`)
      })
    }
    return found.sort()
  }

  it.each([
    // What the legs build with: every build, and the index annotations on the merge too.
    ['inputs', 'sbom', BUILDS],
    ['inputs', 'provenance', BUILDS],
    ['inputs', 'annotations', [...BUILDS, 'image/merge']],
    // Tags from the Git ref: the same in every job; the plan only checks that tags or meta-images is set.
    ['inputs', 'meta-images', [...BUILDS, 'image/merge', 'plan/plan env.META_IMAGES']],
    ['inputs', 'meta-tags', [...BUILDS, 'image/merge']],
    ['inputs', 'meta-flavor', [...BUILDS, 'image/merge']],
    ['inputs', 'meta-labels', [...BUILDS, 'image/merge']],
    ['inputs', 'meta-annotations', [...BUILDS, 'image/merge']],
    // Signing: once, in the job that pushes the index; never a leg.
    ['inputs', 'sign', IMAGE],
    ['inputs', 'sigstore-fulcio-url', IMAGE],
    ['inputs', 'sigstore-rekor-url', IMAGE],
    ['inputs', 'cosign-version', IMAGE],
    ['inputs', 'cosign-download-url', IMAGE],
    ['secrets', 'sign-key', IMAGE],
    ['secrets', 'sign-key-password', IMAGE],
    ['secrets', 'sigstore-identity-token', IMAGE]
  ] as const)('%s.%s', (kind, name, expected) => {
    expect(places(kind, name)).toEqual([...expected].sort())
  })

  it('declares each of them', () => {
    const call = (load(WORKFLOW) as unknown as { on: { workflow_call: Record<string, object> } }).on
      .workflow_call
    for (const name of ['sbom', 'provenance', 'annotations', 'sign', 'sigstore-fulcio-url', 'cosign-version'])
      expect(Object.keys(call.inputs)).toContain(name)
    for (const name of ['sign-key', 'sign-key-password', 'sigstore-identity-token'])
      expect(Object.keys(call.secrets)).toContain(name)
    for (const name of ['digest', 'tags', 'signed', 'verify-command', 'meta-json'])
      expect(Object.keys(call.outputs)).toContain(name)
  })
})
