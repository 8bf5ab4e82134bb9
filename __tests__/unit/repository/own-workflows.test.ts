import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { granted } from '../../support/workflow-permissions'

/**
 * This repository's own workflows (ci.yml, release.yml) and Dependabot's configuration, read as files: the rules
 * an org checks before it allows the action, each a function that lists violations, run on the real files and on
 * a planted violation of each rule (so a rule that stopped looking would fail here too).
 */

const ROOT = join(__dirname, '../../..')
const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/release.yml']

/** The only write scopes, and the jobs that hold them: what each needs and nothing else. */
const WRITE_GRANTS: Record<string, Record<string, string[]>> = {
  // Pushes to ghcr.io with the run's token: the reusable workflow's jobs cannot reach a service container.
  '.github/workflows/ci.yml': { reusable: ['packages: write'] },
  '.github/workflows/release.yml': {
    release: ['contents: write'],
    // Moving a tag past a commit that changed a workflow needs the workflows scope as well.
    'major-tag': ['contents: write', 'workflows: write']
  }
}

interface Step {
  uses?: string
  run?: unknown
  with?: Record<string, unknown>
}
interface Job {
  permissions?: unknown
  uses?: string
  steps?: Step[]
}
interface Workflow {
  permissions?: unknown
  jobs: Record<string, Job>
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
const load = (text: string) => parse(text) as Workflow

/** Every `uses:` of the workflow, job-level (a called workflow) and step-level, with where it is. */
function usesOf(workflow: Workflow): Array<{ where: string; uses: string }> {
  return Object.entries(workflow.jobs).flatMap(([name, job]) => [
    ...(job.uses === undefined ? [] : [{ where: name, uses: job.uses }]),
    ...(job.steps ?? [])
      .map((step, index) => ({ where: `${name} step ${index + 1}`, uses: step.uses }))
      .filter((entry): entry is { where: string; uses: string } => entry.uses !== undefined)
  ])
}

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/
/** A `uses:` line as written: the value, then what follows it (the comment). */
const USES_LINE = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/
const VERSION_COMMENT = /^\s+#\s*v\d+\.\d+\.\d+\s*$/

/** Third-party actions (anything but this repository's own `./` paths) not pinned by a commit with its release. */
function unpinned(text: string): string[] {
  const unpinnedUses = usesOf(load(text))
    .filter(({ uses }) => !uses.startsWith('./') && !PINNED.test(uses))
    .map(({ where, uses }) => `${where}: ${uses} is not pinned by a 40-hex commit`)
  // The comment is only in the text: each pinned line must carry its own.
  const uncommented = text.split('\n').flatMap((line, index) => {
    const match = USES_LINE.exec(line)
    const uses = match?.[1].replace(/^(['"])(.*)\1$/, '$2') ?? ''
    if (!match || !PINNED.test(uses) || VERSION_COMMENT.test(match[2])) return []
    return [`line ${index + 1}: ${uses} has no "# vX.Y.Z" comment`]
  })
  return [...unpinnedUses, ...uncommented]
}

/** The workflow-level block must be exactly `contents: read`. */
function topLevel(text: string): string[] {
  const scopes = granted(load(text).permissions)
  return scopes.length === 1 && scopes[0] === 'contents: read'
    ? []
    : [`top-level permissions are [${scopes.join(', ')}], not [contents: read]`]
}

/** Write scopes (and write-all or read-all anywhere) outside the jobs that need them. */
function writeScopes(text: string, allowed: Record<string, string[]>): string[] {
  const workflow = load(text)
  const found: Record<string, string[]> = {}
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const scopes = granted(job.permissions).filter(scope => /write|-all$/.test(scope))
    if (scopes.length > 0) found[name] = scopes
  }
  const names = new Set([...Object.keys(found), ...Object.keys(allowed)])
  return [...names]
    .sort()
    .filter(name => JSON.stringify(found[name] ?? []) !== JSON.stringify([...(allowed[name] ?? [])].sort()))
    .map(
      name =>
        `${name} writes [${(found[name] ?? []).join(', ')}], expected [${(allowed[name] ?? []).join(', ')}]`
    )
}

/** `${{ }}` pasted into a shell script: a value someone else chose would run as code. */
function pastedExpressions(text: string): string[] {
  return Object.entries(load(text).jobs).flatMap(([name, job]) =>
    (job.steps ?? [])
      .map((step, index) => ({ step, index }))
      .filter(({ step }) => typeof step.run === 'string' && /\$\{\{/.test(step.run))
      .map(({ index }) => `${name} step ${index + 1} has \${{ }} in run:`)
  )
}

/** A checkout that leaves the job's token in .git/config for every later step and process. */
function persistedCredentials(text: string): string[] {
  return Object.entries(load(text).jobs).flatMap(([name, job]) =>
    (job.steps ?? [])
      .map((step, index) => ({ step, index }))
      .filter(({ step }) => /^actions\/checkout@/.test(step.uses ?? ''))
      .filter(({ step }) => step.with?.['persist-credentials'] !== false)
      .map(({ index }) => `${name} step ${index + 1} checks out without persist-credentials: false`)
  )
}

interface Update {
  'package-ecosystem'?: string
  directory?: string
  schedule?: { interval?: string }
  groups?: Record<string, unknown>
}

/** Dependabot keeps both the npm packages and the actions up to date, weekly, grouped. */
function dependabotGaps(text: string): string[] {
  const updates = ((parse(text) as { updates?: Update[] } | null)?.updates ?? []) as Update[]
  return ['npm', 'github-actions'].flatMap(ecosystem => {
    const update = updates.find(entry => entry['package-ecosystem'] === ecosystem)
    if (!update) return [`no ${ecosystem} updates`]
    return [
      ...(update.directory === '/' ? [] : [`${ecosystem}: directory is not /`]),
      ...(update.schedule?.interval === 'weekly' ? [] : [`${ecosystem}: not weekly`]),
      ...(Object.keys(update.groups ?? {}).length > 0 ? [] : [`${ecosystem}: no groups`])
    ]
  })
}

describe.each(WORKFLOWS)('%s', path => {
  const text = read(path)

  it('pins every third-party action by a 40-hex commit, with its release in a comment', () => {
    expect(unpinned(text)).toEqual([])
  })

  it('gives the token contents: read at the top, and nothing more', () => {
    expect(topLevel(text)).toEqual([])
  })

  it('grants write scopes only to the jobs that need them', () => {
    expect(writeScopes(text, WRITE_GRANTS[path])).toEqual([])
  })

  it('pastes no ${{ }} into a run: script', () => {
    expect(pastedExpressions(text)).toEqual([])
  })

  it('keeps the token out of .git/config after checkout', () => {
    expect(persistedCredentials(text)).toEqual([])
  })
})

describe('the two workflows', () => {
  it('use one commit per third-party action', () => {
    const commits = new Map<string, Set<string>>()
    for (const path of WORKFLOWS)
      for (const { uses } of usesOf(load(read(path))).filter(entry => !entry.uses.startsWith('./'))) {
        const [action, commit] = uses.split('@')
        commits.set(action, (commits.get(action) ?? new Set()).add(commit))
      }
    expect([...commits].filter(([, set]) => set.size > 1)).toEqual([])
    expect([...commits.keys()].sort()).toEqual(['actions/checkout', 'actions/setup-node'])
  })

  it('test the action from this checkout and call the reusable workflow from this repository', () => {
    const ci = usesOf(load(read('.github/workflows/ci.yml'))).map(({ uses }) => uses)
    expect(ci).toContain('./')
    expect(ci).toContain('./.github/workflows/multi-platform-build.yml')
  })
})

describe('.github/dependabot.yml', () => {
  it('updates the npm packages and the actions, weekly and grouped', () => {
    expect(dependabotGaps(read('.github/dependabot.yml'))).toEqual([])
  })
})

describe('each rule finds a planted violation', () => {
  const ci = read('.github/workflows/ci.yml')
  const SHA = '3d3c42e5aac5ba805825da76410c181273ba90b1'

  it.each([
    ['a tag', 'actions/checkout@v7.0.1 # v7.0.1', /is not pinned by a 40-hex commit/],
    ['a short commit', 'actions/checkout@3d3c42e # v7.0.1', /is not pinned by a 40-hex commit/],
    ['a branch', 'actions/checkout@main', /is not pinned by a 40-hex commit/],
    ['no version comment', `actions/checkout@${SHA}`, /has no "# vX\.Y\.Z" comment/],
    ['a vague comment', `actions/checkout@${SHA} # v7`, /has no "# vX\.Y\.Z" comment/]
  ])('an action pinned by %s', (_name, uses, message) => {
    const planted = ci.replace(`actions/checkout@${SHA} # v7.0.1`, uses)
    expect(planted).not.toBe(ci)
    expect(unpinned(planted)).toEqual(expect.arrayContaining([expect.stringMatching(message)]))
  })

  it('a called workflow of another repository, unpinned', () => {
    const planted = ci.replace(
      'uses: ./.github/workflows/multi-platform-build.yml',
      'uses: someone/else/.github/workflows/build.yml@v1'
    )
    expect(unpinned(planted)).toEqual([
      'reusable: someone/else/.github/workflows/build.yml@v1 is not pinned by a 40-hex commit'
    ])
  })

  it.each([
    ['write-all', 'permissions: write-all'],
    ['a second scope', 'permissions:\n  contents: read\n  packages: read'],
    ['a write scope', 'permissions:\n  contents: write'],
    ['none at all', '']
  ])('a top-level block with %s', (_name, block) => {
    const planted = ci.replace('permissions:\n  contents: read\n', block ? `${block}\n` : '')
    expect(planted).not.toBe(ci)
    expect(topLevel(planted)).toHaveLength(1)
  })

  it('a write scope on a job that needs none, and a missing one where it is needed', () => {
    const planted = ci
      .replace(
        '  typecheck:\n    runs-on: ubuntu-latest\n',
        '  typecheck:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n'
      )
      .replace('      packages: write # push to ghcr.io', '      packages: read # push to ghcr.io')
    expect(writeScopes(planted, WRITE_GRANTS['.github/workflows/ci.yml'])).toEqual([
      'reusable writes [], expected [packages: write]',
      'typecheck writes [contents: write], expected []'
    ])
  })

  it('${{ }} in a run: script', () => {
    const planted = ci.replace(
      '      - run: npm run typecheck\n',
      '      - run: echo "${{ github.head_ref }}"\n'
    )
    expect(pastedExpressions(planted)).toEqual(['typecheck step 4 has ${{ }} in run:'])
  })

  it('a checkout that persists the token', () => {
    const planted = ci.replace(
      `  typecheck:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n      - uses: actions/checkout@${SHA} # v7.0.1\n        with:\n          persist-credentials: false\n`,
      `  typecheck:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n      - uses: actions/checkout@${SHA} # v7.0.1\n`
    )
    expect(planted).not.toBe(ci)
    expect(persistedCredentials(planted)).toEqual([
      'typecheck step 1 checks out without persist-credentials: false'
    ])
  })

  it.each([
    [
      'without github-actions',
      (text: string) => text.replace('github-actions', 'docker'),
      'no github-actions updates'
    ],
    [
      'monthly npm',
      (text: string) => text.replace('interval: weekly', 'interval: monthly'),
      'npm: not weekly'
    ],
    [
      'ungrouped actions',
      (text: string) => text.replace(/ {4}groups:\n {6}actions:\n {8}patterns: \['\*'\]\n/, ''),
      'github-actions: no groups'
    ],
    ['empty', () => '', 'no npm updates']
  ])('a Dependabot configuration %s', (_name, plant, message) => {
    const text = read('.github/dependabot.yml')
    const planted = plant(text)
    expect(planted).not.toBe(text)
    expect(dependabotGaps(planted)).toContain(message)
  })
})
