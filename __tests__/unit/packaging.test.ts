import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix, relative, sep } from 'node:path'
import { ROOT } from '../support/repository'

/** Inputs and outputs of action.yml with their defaults, read with the two-space layout the file uses. */
function actionMetadata() {
  const text = readFileSync(join(ROOT, 'action.yml'), 'utf8')
  const section = (name: string) => {
    const body = text.split(new RegExp(`^${name}:\\n`, 'm'))[1].split(/^\S/m)[0]
    const entries: Record<string, { default?: string }> = {}
    let current = ''
    for (const line of body.split('\n')) {
      const key = /^ {2}([a-z-]+):$/.exec(line)
      if (key) entries[(current = key[1])] = {}
      const value = /^ {4}default: (.*)$/.exec(line)
      if (value && current) entries[current].default = value[1].replace(/^'(.*)'$/, '$1')
    }
    return entries
  }
  return { inputs: section('inputs'), outputs: section('outputs'), runs: text.split(/^runs:\n/m)[1] }
}

/** Rows of the table that follows a heading of a page: first cell (a `name`) and second cell. */
function pageTable(page: string, heading: string): Record<string, string> {
  const text = '\n' + readFileSync(join(ROOT, page), 'utf8')
  // The heading as a whole line: "### Inputs, secrets, outputs" of the reusable workflow is another table.
  const after = text.split(`\n${heading}\n`)[1] ?? ''
  const rows: Record<string, string> = {}
  for (const line of after.split('\n')) {
    if (line.startsWith('#')) break
    const cells = /^\|\s*`([a-z-]+)`\s*\|([^|]*)\|/.exec(line)
    if (cells) rows[cells[1]] = cells[2].trim()
  }
  return rows
}

/**
 * Problems of the README's grouped inputs against action.yml: between the inputs markers, one table per `###`
 * group with the columns Input | Default | What it does, rows in action.yml's order, each input's default as
 * action.yml has it, and every input exactly once.
 */
export function inputGroupProblems(readme: string, inputs: Record<string, { default?: string }>): string[] {
  const region = /<!-- inputs:start -->\n([\s\S]*?)<!-- inputs:end -->/.exec(readme)
  if (!region) return ['no <!-- inputs:start --> ... <!-- inputs:end --> region']
  const problems: string[] = []
  const order = Object.keys(inputs)
  const seen: string[] = []
  let group = ''
  let header = ''
  let last = -1
  for (const line of region[1].split('\n')) {
    const heading = /^###\s+(.+)$/.exec(line)
    if (heading) [group, header, last] = [heading[1], '', -1]
    if (!line.startsWith('|')) continue
    const cells = line
      .split('|')
      .slice(1, -1)
      .map(cell => cell.trim())
    if (!group) problems.push(`a table row before any ### group: ${line}`)
    if (!header) {
      header = cells.join(' | ')
      if (header !== 'Input | Default | What it does') problems.push(`${group}: columns are ${header}`)
      continue
    }
    if (/^:?-+:?$/.test(cells[0])) continue
    const name = cells[0].replace(/^`(.*)`$/, '$1')
    const index = order.indexOf(name)
    if (index < 0) {
      problems.push(`${group}: ${name} is no input of action.yml`)
      continue
    }
    if (seen.includes(name)) problems.push(`${group}: ${name} is listed again`)
    seen.push(name)
    if (index < last) problems.push(`${group}: ${name} is out of action.yml's order`)
    last = index
    const fallback = inputs[name].default ?? ''
    const documented = cells[1].replace(/^`(.*)`$/, '$1')
    if (documented !== fallback)
      problems.push(`${group}: ${name} default is "${documented}", not "${fallback}"`)
  }
  for (const name of order) if (!seen.includes(name)) problems.push(`${name} is in no group`)
  return problems
}

describe('action.yml and README.md', () => {
  const metadata = actionMetadata()
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  it('runs the bundle with node24, post always', () => {
    expect(metadata.runs).toMatch(
      /using: node24\n {2}main: dist\/index.js\n {2}post: dist\/index.js\n {2}post-if: always\(\)/
    )
  })
  it('documents every input with its default in the docs/inputs.md table, and nothing else', () => {
    const table = pageTable('docs/inputs.md', '# Inputs')
    expect(Object.keys(table).sort()).toEqual(Object.keys(metadata.inputs).sort())
    for (const [name, { default: fallback }] of Object.entries(metadata.inputs)) {
      const documented = table[name].replace(/^`(.*)`$/, '$1')
      expect({ name, default: documented }).toEqual({ name, default: fallback === '' ? '' : fallback })
    }
  })
  it('lists every input exactly once in the README, one table per group, in action.yml order, with its default', () => {
    expect(inputGroupProblems(readme, metadata.inputs)).toEqual([])
  })
  it('the grouped-inputs check finds a missing, a doubled, an unknown and a misplaced input, and a wrong default', () => {
    const inputs = { context: { default: '.' }, file: { default: '' }, push: { default: 'true' } }
    const region = (...groups: string[]) =>
      `<!-- inputs:start -->\n${groups.join('\n')}\n<!-- inputs:end -->\n`
    const group = (name: string, rows: string[], header = '| Input | Default | What it does |') =>
      [`### ${name}`, '', header, '| --- | --- | --- |', ...rows.map(row => `${row} | x |`)].join('\n')
    const good = region(
      group('Build', ['| `context` | `.`', '| `file` |']),
      group('Output', ['| `push` | `true`'])
    )
    expect(inputGroupProblems(good, inputs)).toEqual([])
    expect(inputGroupProblems(region(group('Build', ['| `context` | `.`'])), inputs)).toEqual([
      'file is in no group',
      'push is in no group'
    ])
    expect(
      inputGroupProblems(
        region(
          group('Build', ['| `file` |', '| `context` | `.`', '| `cotnext` |']),
          group('Output', ['| `push` | `false`', '| `file` |'])
        ),
        inputs
      )
    ).toEqual([
      "Build: context is out of action.yml's order",
      'Build: cotnext is no input of action.yml',
      'Output: push default is "false", not "true"',
      'Output: file is listed again',
      "Output: file is out of action.yml's order"
    ])
    expect(
      inputGroupProblems(
        region(group('Build', ['| `context` | `.`'], '| name | default | description |')),
        inputs
      )
    ).toContain('Build: columns are name | default | description')
    expect(inputGroupProblems('no markers', inputs)).toEqual([
      'no <!-- inputs:start --> ... <!-- inputs:end --> region'
    ])
  })
  it('documents every output in the README table', () => {
    expect(Object.keys(pageTable('README.md', '## Outputs')).sort()).toEqual(
      Object.keys(metadata.outputs).sort()
    )
  })
  it('names the command CI runs, and the demo', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8')
    const command = ci.trim().split('\n').pop()!
    expect(command).toBe('bash scripts/test.sh')
    expect(readme).toContain(command)
    expect(readme).toContain('bash scripts/demo.sh')
  })
})

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Anchors of a markdown page's headings (outside code fences), numbered as GitHub does for repeats. */
export function pageAnchors(text: string): Set<string> {
  const anchors = new Set<string>()
  let fenced = false
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const base = headingAnchor(heading[1])
    let anchor = base
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`
    anchors.add(anchor)
  }
  return anchors
}

/**
 * Broken relative links of a page (`page` is its path from the repository root): a target that is no file or
 * folder of the repository, or an anchor that is no heading of the target page.
 */
export function brokenLinks(
  page: string,
  text: string,
  read: (path: string) => string | undefined
): string[] {
  const broken: string[] = []
  let fenced = false
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced
    if (fenced) continue
    for (const match of line.matchAll(/\]\(([^)\s#]*)(?:#([^)\s]*))?\)/g)) {
      const [, path, anchor] = match
      const link = `(${path}${anchor === undefined ? '' : `#${anchor}`})`
      if (/^[a-z][a-z0-9+.-]*:/i.test(path)) continue
      const target = path ? posix.normalize(posix.join(posix.dirname(page), path)) : page
      const content = path ? read(target.replace(/\/$/, '')) : text
      if (content === undefined) broken.push(`${page}: ${link} points at no file`)
      else if (anchor && target.endsWith('.md') && !pageAnchors(content).has(anchor))
        broken.push(`${page}: ${link} points at no heading of ${target}`)
    }
  }
  return broken
}

describe('README.md, CONTRIBUTING.md and docs/ links', () => {
  const read = (path: string) => {
    const full = join(ROOT, path)
    if (!existsSync(full)) return undefined
    return statSync(full).isFile() ? readFileSync(full, 'utf8') : ''
  }
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.md'))
    .map(name => posix.join('docs', name.split(sep).join('/')))
  const pages = ['README.md', 'CONTRIBUTING.md', ...docs]

  it('every relative link and anchor resolves', () => {
    expect(docs.length).toBeGreaterThan(0)
    expect(pages.flatMap(page => brokenLinks(page, read(page)!, read))).toEqual([])
  })

  it('the link check finds a missing file, a missing heading, and follows links from docs/', () => {
    const files: Record<string, string> = {
      'docs/a.md': '# A page\n\n## Split builds: one job per runner\n\n```yaml\n# not a heading\n```\n',
      'examples/workflows/x.yml': 'jobs: {}\n'
    }
    const readFake = (path: string) => files[path]
    const text =
      '[ok](docs/a.md#split-builds-one-job-per-runner) [ok](examples/workflows/x.yml) [ok](https://example.com/)\n' +
      '[gone](docs/b.md) [bad](docs/a.md#not-a-heading) [self](#a-title)\n# A title\n'
    expect(brokenLinks('README.md', text, readFake)).toEqual([
      'README.md: (docs/b.md) points at no file',
      'README.md: (docs/a.md#not-a-heading) points at no heading of docs/a.md'
    ])
    expect(
      brokenLinks(
        'docs/a.md',
        '[up](../examples/workflows/x.yml) [wrong](examples/workflows/x.yml)',
        readFake
      )
    ).toEqual(['docs/a.md: (examples/workflows/x.yml) points at no file'])
    expect([...pageAnchors('# A\n## Inputs, secrets, outputs\n## A\n```\n# B\n```\n')]).toEqual([
      'a',
      'inputs-secrets-outputs',
      'a-1'
    ])
  })
})

describe('dist/', () => {
  it('is what the bundler makes from src/ now', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'dist-check-'))
    execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), fresh], { cwd: ROOT })
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile())
        .map(entry => relative(dir, join(entry.parentPath, entry.name)))
        .sort()
    expect(files(join(ROOT, 'dist'))).toEqual(files(fresh))
    for (const file of files(fresh)) {
      const same = readFileSync(join(fresh, file)).equals(readFileSync(join(ROOT, 'dist', file)))
      expect({ file, same }).toEqual({ file, same: true })
    }
  }, 60_000)
})
