import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../support/repository'

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
