import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'

const ROOT = resolve(__dirname, '../..')

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

/** Rows of the README table that follows a heading: first cell (a `name`) and second cell. */
function readmeTable(heading: string): Record<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  // The heading as a whole line: "### Inputs, secrets, outputs" of the reusable workflow is another table.
  const after = readme.split(`\n${heading}\n`)[1] ?? ''
  const rows: Record<string, string> = {}
  for (const line of after.split('\n')) {
    if (line.startsWith('#')) break
    const cells = /^\|\s*`([a-z-]+)`\s*\|([^|]*)\|/.exec(line)
    if (cells) rows[cells[1]] = cells[2].trim()
  }
  return rows
}

describe('action.yml and README.md', () => {
  const metadata = actionMetadata()
  it('runs the bundle with node24, post always', () => {
    expect(metadata.runs).toMatch(
      /using: node24\n {2}main: dist\/index.js\n {2}post: dist\/index.js\n {2}post-if: always\(\)/
    )
  })
  it('documents every input with its default in the README table, and nothing else', () => {
    const table = readmeTable('## Inputs')
    expect(Object.keys(table).sort()).toEqual(Object.keys(metadata.inputs).sort())
    for (const [name, { default: fallback }] of Object.entries(metadata.inputs)) {
      const documented = table[name].replace(/^`(.*)`$/, '$1')
      expect({ name, default: documented }).toEqual({ name, default: fallback === '' ? '' : fallback })
    }
  })
  it('documents every output in the README table', () => {
    expect(Object.keys(readmeTable('## Outputs')).sort()).toEqual(Object.keys(metadata.outputs).sort())
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
