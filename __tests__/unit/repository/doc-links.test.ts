import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix, sep } from 'node:path'
import { ROOT } from '../../support/repository'

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
