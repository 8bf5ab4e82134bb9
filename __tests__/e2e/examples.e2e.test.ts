import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix, sep } from 'node:path'
import { EXAMPLES, ExampleOptions, ExampleRun, exampleFiles, runExample, stack } from '../support/examples'
import { expectServedByMirror } from '../support/e2e'
import { ROOT } from '../support/run-action'
import {
  accessLogLines,
  gitLogEntries,
  leftovers,
  logOffset,
  logSince,
  Registry,
  TokenRegistry,
  tokenLogEntries
} from '../support/stack'

// Every documented example runs: each file of examples/workflows goes through act on the local stack
// (__tests__/support/examples.ts says how its addresses become the stack's) and its result is read back from the
// registry like an outside client would, plus the mirror, proxy or Git server log where the example relies on
// one, and no builder left behind. An example that another test proves in depth says so in its head comment
// (`# proven by: __tests__/e2e/<name>.test.ts`) and that test must name it. A new example with neither fails here.
// The workflow blocks of the README and of every docs/ page must each be one of these files (whole or as an
// excerpt) and link it, and every file must be linked from the README or a docs page.

jest.setTimeout(900_000)

const PLATFORMS = ['linux/amd64', 'linux/arm64']
const ARCH: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' }
const authRegistry = new Registry(stack.STACK_AUTH_REGISTRY, {
  user: stack.STACK_AUTH_USER,
  password: stack.STACK_AUTH_PASSWORD
})

/** `# proven by: <path>` in the comment lines at the head of an example. */
export function provenBy(text: string): string | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break
    const match = /^#\s*proven by:\s*(\S+)/.exec(line)
    if (match) return match[1]
  }
  return undefined
}

/** Builders and nodes a run created, from the `docker buildx create` commands in its log. */
function createdNames(log: string): string[] {
  const names = new Set<string>()
  for (const match of log.matchAll(/\[command\]\S*docker buildx create (.*)/g)) {
    const node = /--node (\S+)/.exec(match[1])
    const name = /--name (\S+)/.exec(match[1])
    if (node) names.add(node[1])
    else if (name) names.add(name[1])
  }
  return [...names]
}

/** act succeeded, printed no error annotation, and nothing of the builders it created is left. */
function expectSucceededAndClean(result: ExampleRun): string[] {
  const errors = result.log.split('\n').filter(line => /::error\b/.test(line))
  expect({
    status: result.status,
    timedOut: result.timedOut,
    errors,
    tail: result.log.slice(-4000)
  }).toMatchObject({ status: 0, timedOut: false, errors: [] })
  const names = createdNames(result.log)
  expect(names.length).toBeGreaterThan(0)
  for (const name of names) expect(leftovers(name)).toEqual({ containers: [], volumes: [], builders: [] })
  return names
}

/**
 * The tag is one index holding exactly linux/amd64 and linux/arm64, each with the architecture it ran on (and the
 * given files), when the registry client can read layers; the token registry's client reads manifests only.
 */
async function expectMultiArch(
  registry: Pick<Registry, 'platformManifests'> & Partial<Pick<Registry, 'readFile'>>,
  repository: string,
  tag: string,
  files: Record<string, (platform: string) => string> = {}
): Promise<string> {
  const { digest, platforms } = await registry.platformManifests(repository, tag)
  expect(Object.keys(platforms).sort()).toEqual(PLATFORMS)
  const readFile = registry.readFile?.bind(registry)
  if (!readFile) return digest
  for (const platform of PLATFORMS) {
    const read = (path: string) => readFile(repository, platforms[platform].digest, path)
    expect({ platform, arch: (await read('/arch'))?.trim() }).toEqual({ platform, arch: ARCH[platform] })
    for (const [path, expected] of Object.entries(files))
      expect({ platform, path, content: (await read(path))?.trim() }).toEqual({
        platform,
        path,
        content: expected(platform)
      })
  }
  return digest
}

/** What the stack's Git server served of the example's repository since `offset`. */
function gitFetches(offset: number, repository: string) {
  return gitLogEntries(logSince(stack.STACK_GIT_LOG, offset)).filter(
    entry => entry.path.startsWith(`/${repository}.git/`) && entry.service === 'git-upload-pack'
  )
}

const runner = { actor: stack.STACK_AUTH_USER }
/** The runner's login password for ghcr.io / the Gitea registry, as the job token or a secret. */
const AUTH_PASSWORD = stack.STACK_AUTH_PASSWORD

interface Check {
  options: () => ExampleOptions
  verify: (result: ExampleRun) => Promise<void>
}

/** What each example must do on the stack. */
const CHECKS: Record<string, () => Check> = {
  'quick-start.yml': () => ({
    options: () => ({ ...runner, secrets: { GITHUB_TOKEN: AUTH_PASSWORD }, dockerHubReachable: true }),
    verify: async result => {
      expectSucceededAndClean(result)
      const digest = await expectMultiArch(authRegistry, result.repository, 'latest')
      expect(result.log).toContain(`pushed ${digest}`)
    }
  }),

  'from-build-push-action.yml': () => {
    let gitLog = 0
    return {
      options: () => {
        gitLog = logOffset(stack.STACK_GIT_LOG)
        return {
          ...runner,
          secrets: { GITHUB_TOKEN: AUTH_PASSWORD },
          dockerHubReachable: true,
          serveRepository: true,
          // The build-args line of the example lands in the image.
          files: {
            Dockerfile: 'FROM busybox\nARG VERSION\nRUN uname -m > /arch && echo "$VERSION" > /version\n'
          }
        }
      },
      verify: async result => {
        expectSucceededAndClean(result)
        await expectMultiArch(authRegistry, result.repository, 'latest', { '/version': () => 'main' })
        // {{defaultContext}}: BuildKit fetched the run's commit from the workflow's Git server.
        expect(result.log).toContain(`${stack.STACK_GIT_SERVER}/${result.repository}.git#${result.sha}`)
        const fetches = gitFetches(gitLog, result.repository)
        expect(fetches.length).toBeGreaterThan(0)
        expect(fetches.filter(entry => entry.status !== 200)).toEqual([])
      }
    }
  },

  'restricted-network.yml': () => {
    let mirrorLog = 0
    let proxyLog = 0
    return {
      options: () => {
        mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
        proxyLog = logOffset(stack.STACK_PROXY_LOG)
        return {}
      },
      verify: async result => {
        expectSucceededAndClean(result)
        await expectMultiArch(new Registry(stack.STACK_INSECURE_REGISTRY), result.repository, result.sha)
        expectServedByMirror(mirrorLog, 'library/busybox')
        // The push to the plain-HTTP registry went through the proxy, tag last.
        expect(logSince(stack.STACK_PROXY_LOG, proxyLog)).toContain(
          `"PUT http://${stack.STACK_INSECURE_REGISTRY}/v2/${result.repository}/manifests/${result.sha} HTTP/1.1"`
        )
      }
    }
  },

  'registry-auth.yml': () => {
    let authLog = 0
    return {
      options: () => {
        authLog = logOffset(stack.STACK_TOKEN_AUTH_LOG)
        return {
          dockerHubReachable: true,
          // The runner trusts the company CA (here the stack's), as the buildx client needs for the token.
          env: { SSL_CERT_DIR: stack.STACK_SSL_CERT_DIR },
          vars: { REGISTRY_USER: stack.STACK_TOKEN_USER, DOCKERHUB_USER: 'examples' },
          secrets: { REGISTRY_TOKEN: stack.STACK_TOKEN_PASSWORD, DOCKERHUB_TOKEN: 'not-used-here' }
        }
      },
      verify: async result => {
        expectSucceededAndClean(result)
        expect(result.log).toContain(`registry-auth ${stack.STACK_TOKEN_REGISTRY}: login accepted`)
        const requests = tokenLogEntries(logSince(stack.STACK_TOKEN_AUTH_LOG, authLog))
        await expectMultiArch(new TokenRegistry(stack), result.repository, result.sha)
        // Every token request came through the proxy, and the push was granted to the logged-in user.
        const ours = requests.filter(entry => entry.scope?.some(scope => scope.includes(result.repository)))
        expect(ours.length).toBeGreaterThan(0)
        expect(ours.filter(entry => !entry.source.startsWith(`${stack.STACK_NAMED_PROXY_SOURCE}:`))).toEqual(
          []
        )
        expect(
          ours.some(
            entry =>
              entry.user === stack.STACK_TOKEN_USER &&
              entry.authenticated &&
              entry.granted?.some(grant => grant.includes('push'))
          )
        ).toBe(true)
        expect(result.log).not.toContain(stack.STACK_TOKEN_PASSWORD)
      }
    }
  },

  'secrets-and-cache.yml': () => {
    const token = `npm_${randomBytes(12).toString('hex')}`
    return {
      options: () => ({
        dockerHubReachable: true,
        secrets: { NPM_TOKEN: token },
        files: {
          Dockerfile:
            'FROM busybox\nRUN uname -m > /arch\n' +
            'RUN --mount=type=secret,id=npm_token,required=true wc -c < /run/secrets/npm_token > /npm-token-length\n'
        }
      }),
      verify: async result => {
        expectSucceededAndClean(result)
        const registry = new Registry(stack.STACK_PUSH_REGISTRY)
        await expectMultiArch(registry, result.repository, result.sha, {
          '/npm-token-length': () => String(token.length)
        })
        for (const text of await registry.everyBlobText(result.repository, result.sha))
          expect(text.includes(token)).toBe(false)
        expect(result.log).not.toContain(token)
        // The registry cache: a BuildKit cache manifest under the buildcache tag.
        const { manifest } = await registry.manifest(result.repository, 'buildcache')
        expect(manifest.config?.mediaType).toBe('application/vnd.buildkit.cacheconfig.v0')
        expect(manifest.layers?.length ?? 0).toBeGreaterThan(0)
      }
    }
  },

  'native-nodes.yml': () => ({
    options: () => ({ dockerHubReachable: true }),
    verify: async result => {
      const names = expectSucceededAndClean(result)
      // Two nodes: this runner's (amd64) and the appended one, named after the run, pinned to arm64.
      expect(names).toContain(`arm64-${result.runId}`)
      expect(result.log).toMatch(
        new RegExp(`docker buildx create --append .*--node arm64-${result.runId} .*--platform linux/arm64`)
      )
      await expectMultiArch(new Registry(stack.STACK_PUSH_REGISTRY), result.repository, result.sha)
    }
  }),

  'warm-builder.yml': () => {
    // A buildx store of this run's own: the warm builder left running is removed here, and no other is touched.
    const store = mkdtempSync(join(tmpdir(), 'mpb-example-warm-'))
    const options = (): ExampleOptions => ({ env: { BUILDX_CONFIG: store } })
    return {
      options,
      verify: async first => {
        try {
          const errors = (log: string) => log.split('\n').filter(line => /::error\b/.test(line))
          expect({ status: first.status, errors: errors(first.log) }).toMatchObject({ status: 0, errors: [] })
          expect(first.log).toContain('warm builder reused=false')
          const [builder] = createdNames(first.log)
          expect(builder).toMatch(/^mpb-warm-[0-9a-f]{16}$/)
          // The next job (a new commit of the same files) finds it running and takes every step from its cache,
          // with no layer fetched through the mirror again.
          const mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
          const second = await runExample('warm-builder.yml', options())
          const blobs = accessLogLines(logSince(stack.STACK_MIRROR_LOG, mirrorLog)).filter(line =>
            line.path.includes('/blobs/')
          )
          expect(blobs).toEqual([])
          expect({ status: second.status, errors: errors(second.log) }).toMatchObject({
            status: 0,
            errors: []
          })
          expect(createdNames(second.log)).toEqual([])
          expect(second.log).toContain('warm builder reused=true, steps from cache=2')
          await expectMultiArch(new Registry(stack.STACK_INSECURE_REGISTRY), second.repository, second.sha)
        } finally {
          for (const name of execFileSync('docker', ['buildx', 'ls', '--format', '{{.Name}}'], {
            encoding: 'utf8',
            env: { ...process.env, BUILDX_CONFIG: store }
          })
            .split('\n')
            .filter(name => /^mpb-warm-[0-9a-f]{16}$/.test(name)))
            execFileSync('docker', ['buildx', 'rm', '--', name], {
              env: { ...process.env, BUILDX_CONFIG: store }
            })
          rmSync(store, { recursive: true, force: true })
        }
      }
    }
  },

  'gitea-forgejo.yml': () => {
    let gitLog = 0
    let mirrorLog = 0
    return {
      options: () => {
        gitLog = logOffset(stack.STACK_GIT_LOG)
        mirrorLog = logOffset(stack.STACK_MIRROR_LOG)
        return { ...runner, secrets: { PACKAGES_TOKEN: AUTH_PASSWORD }, serveRepository: true }
      },
      verify: async result => {
        expectSucceededAndClean(result)
        await expectMultiArch(authRegistry, result.repository, result.sha)
        expect(gitFetches(gitLog, result.repository).length).toBeGreaterThan(0)
        expectServedByMirror(mirrorLog, 'library/busybox')
      }
    }
  }
}

describe('every example in examples/workflows', () => {
  const files = exampleFiles()

  it('there are examples', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  for (const file of files) {
    const text = readFileSync(join(EXAMPLES, file), 'utf8')
    const proof = provenBy(text)
    if (proof) {
      it(`${file}: proven by ${proof}, which names it`, () => {
        expect(proof).toMatch(/^__tests__\/e2e\/[\w.-]+\.test\.ts$/)
        const path = join(ROOT, proof)
        expect(existsSync(path)).toBe(true)
        expect(readFileSync(path, 'utf8')).toContain(file)
      })
    } else if (CHECKS[file]) {
      it(`${file}: runs under act on the stack and does what it says`, async () => {
        const check = CHECKS[file]()
        const result = await runExample(file, check.options())
        await check.verify(result)
      })
    } else {
      it(`${file}: has a check in examples.e2e.test.ts or a "# proven by:" head comment`, () => {
        expect({ file, check: 'none' }).toEqual({ file, check: 'CHECKS entry or # proven by:' })
      })
    }
  }
})

// ---------------------------------------------------------------- README and docs/

export interface YamlBlock {
  /** 1-based line of the opening fence. */
  line: number
  text: string
  /** README text after the block up to the next block or heading, and the three lines before it. */
  around: string
}

export function yamlBlocks(readme: string): YamlBlock[] {
  const lines = readme.split('\n')
  const blocks: YamlBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line))
    if (end < 0) break
    let after = end + 1
    while (after < lines.length && !/^(```|#)/.test(lines[after])) after++
    blocks.push({
      line: i + 1,
      text: lines.slice(i + 1, end).join('\n'),
      around: [...lines.slice(Math.max(0, i - 3), i), ...lines.slice(end + 1, after)].join('\n')
    })
    i = end
  }
  return blocks
}

/**
 * The rule: a README yaml block is an example when it is a workflow (a `jobs:` key) or a step list (its first
 * line that is not a comment is `steps:` or a `- uses:` / `- run:` / `- name:` / `- id:` item) AND it uses this
 * action (`uses: OWNER/multi-platform-build-action...`); blocks that show only other actions (the "before" of a
 * migration) are not. Each example must be a file of examples/workflows or an excerpt of one: its lines, with their
 * common indentation removed, are consecutive lines of the file with theirs removed. And the README must link that
 * file (`examples/workflows/<file>`) in the three lines before the block or the text after it.
 */
export function isExampleBlock(text: string): boolean {
  const first = text.split('\n').find(line => line.trim() !== '' && !line.trim().startsWith('#')) ?? ''
  const workflow = /^jobs:/m.test(text)
  const steps = /^\s*(steps:|- (uses|run|name|id):)/.test(first)
  return (workflow || steps) && /uses:\s*OWNER\/multi-platform-build-action\b/.test(text)
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter(line => line.trim() !== '').map(line => /^ */.exec(line)![0].length)
  const cut = indents.length ? Math.min(...indents) : 0
  return lines.map(line => line.slice(cut).trimEnd())
}

/** Whether `block` is the whole of `file` or consecutive lines of it (indentation-insensitive as a whole). */
export function isExcerptOf(block: string, file: string): boolean {
  const wanted = dedent(block.replace(/\n+$/, '').split('\n'))
  const lines = file.replace(/\n+$/, '').split('\n')
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    const candidate = dedent(lines.slice(start, start + wanted.length))
    if (candidate.every((line, k) => line === wanted[k])) return true
  }
  return false
}

/** A page of the documentation: its path from the repository root (README.md, docs/….md) and its text. */
export interface DocPage {
  path: string
  text: string
}

/** README.md and every page under docs/, as the documentation checks read them. */
export function docPages(): DocPage[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.md'))
    .map(name => posix.join('docs', name.split(sep).join('/')))
    .sort()
  return ['README.md', ...docs].map(path => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }))
}

/** Repository paths that the markdown links of `text` point at, resolved from the folder of `page`. */
export function linkTargets(page: string, text: string): Set<string> {
  const targets = new Set<string>()
  for (const match of text.matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(match[1])) continue
    targets.add(posix.normalize(posix.join(posix.dirname(page), match[1])))
  }
  return targets
}

/** How `page` writes a link to the example `name`. */
function exampleLink(page: string, name: string): string {
  return posix.relative(posix.dirname(page), `examples/workflows/${name}`)
}

/** What the messages call a page: "README" for the README, else its path. */
function pageLabel(page: string): string {
  return page === 'README.md' ? 'README' : page
}

/** Problems of one page's yaml blocks: each example block must be a file of examples/workflows and link it. */
export function pageProblems(page: DocPage, files: Record<string, string>): string[] {
  const problems: string[] = []
  for (const block of yamlBlocks(page.text).filter(b => isExampleBlock(b.text))) {
    const where = `${pageLabel(page.path)} line ${block.line}`
    const sources = Object.keys(files).filter(name => isExcerptOf(block.text, files[name]))
    if (sources.length === 0) {
      problems.push(`${where}: this yaml block is in no file of examples/workflows`)
      continue
    }
    const linked = linkTargets(page.path, block.around)
    if (!sources.some(name => linked.has(`examples/workflows/${name}`)))
      problems.push(
        `${where}: the block is from ${sources.join(' or ')}; link ${exampleLink(page.path, sources[0])} beside it`
      )
  }
  return problems
}

/** Problems of the README against the example files (empty when every example block is a linked file). */
export function readmeProblems(readme: string, files: Record<string, string>): string[] {
  const problems = pageProblems({ path: 'README.md', text: readme }, files)
  const linked = linkTargets('README.md', readme)
  for (const name of Object.keys(files))
    if (!linked.has(`examples/workflows/${name}`))
      problems.push(`examples/workflows/${name} is not linked from the README`)
  return problems
}

/**
 * Problems of the README and the docs pages together: the README's rule on every page, and every example file
 * linked from at least one of them.
 */
export function docsProblems(pages: DocPage[], files: Record<string, string>): string[] {
  const problems = pages.flatMap(page => pageProblems(page, files))
  const linked = new Set(pages.flatMap(page => [...linkTargets(page.path, page.text)]))
  for (const name of Object.keys(files))
    if (!linked.has(`examples/workflows/${name}`))
      problems.push(`examples/workflows/${name} is not linked from the README or a docs page`)
  return problems
}

describe('README and docs/', () => {
  const pages = docPages()
  const files = Object.fromEntries(
    exampleFiles().map(name => [name, readFileSync(join(EXAMPLES, name), 'utf8')])
  )

  it('there are docs pages besides the README', () => {
    expect(pages.map(page => page.path)).toContain('README.md')
    expect(pages.length).toBeGreaterThan(1)
  })

  it('shows each workflow as a file of examples/workflows, whole or as an excerpt, and links every file', () => {
    expect(docsProblems(pages, files)).toEqual([])
  })

  it('shows every example that no other test proves in a block of its own (the rule passes vacuously otherwise)', () => {
    const blocks = pages.flatMap(page => yamlBlocks(page.text)).filter(block => isExampleBlock(block.text))
    const shown = Object.keys(files).filter(name =>
      blocks.some(block => isExcerptOf(block.text, files[name]))
    )
    const expected = Object.keys(files).filter(name => !provenBy(files[name]))
    expect(expected.filter(name => !shown.includes(name))).toEqual([])
  })

  it('the rule finds an unknown block, an unlinked one, an unlinked file, and accepts an indented excerpt', () => {
    const file =
      'jobs:\n  a:\n    steps:\n      - uses: OWNER/multi-platform-build-action@v1\n        with:\n          tags: x\n'
    const fence = (text: string) => '```yaml\n' + text + '```\n'
    const excerpt = '- uses: OWNER/multi-platform-build-action@v1\n  with:\n    tags: x\n'
    const linked = `${fence(excerpt)}\nFrom [a.yml](examples/workflows/a.yml).\n`
    expect(readmeProblems(linked, { 'a.yml': file })).toEqual([])
    expect(readmeProblems(fence(file), { 'a.yml': file })).toEqual([
      'README line 1: the block is from a.yml; link examples/workflows/a.yml beside it',
      'examples/workflows/a.yml is not linked from the README'
    ])
    const changed = excerpt.replace('tags: x', 'tags: y')
    expect(readmeProblems(`${linked}\n## Next\n${fence(changed)}`, { 'a.yml': file })).toEqual([
      'README line 10: this yaml block is in no file of examples/workflows'
    ])
    // Blocks of other actions only, and non-workflow YAML, are not examples.
    expect(isExampleBlock('steps:\n  - uses: docker/build-push-action@v7\n')).toBe(false)
    expect(isExampleBlock('- registry: ghcr.io\n  username: me\n')).toBe(false)
  })

  it('holds every docs page to the same rule, links resolved from its folder, and counts a link from any page', () => {
    const file =
      'jobs:\n  a:\n    steps:\n      - uses: OWNER/multi-platform-build-action@v1\n        with:\n          tags: x\n'
    const fence = (text: string) => '```yaml\n' + text + '```\n'
    const excerpt = '- uses: OWNER/multi-platform-build-action@v1\n  with:\n    tags: x\n'
    const readme: DocPage = { path: 'README.md', text: '# Title\n' }
    const page = (text: string): DocPage => ({ path: 'docs/page.md', text })
    const linked = `${fence(excerpt)}\nFrom [a.yml](../examples/workflows/a.yml).\n`
    // Linked from a docs page only: the file counts as linked.
    expect(docsProblems([readme, page(linked)], { 'a.yml': file })).toEqual([])
    const unlinked = [
      'docs/page.md line 1: the block is from a.yml; link ../examples/workflows/a.yml beside it',
      'examples/workflows/a.yml is not linked from the README or a docs page'
    ]
    expect(docsProblems([readme, page(fence(file))], { 'a.yml': file })).toEqual(unlinked)
    // The README's way of writing the link points nowhere from docs/.
    const readmeStyle = `${fence(excerpt)}\nFrom [a.yml](examples/workflows/a.yml).\n`
    expect(docsProblems([readme, page(readmeStyle)], { 'a.yml': file })).toEqual(unlinked)
    const changed = excerpt.replace('tags: x', 'tags: y')
    expect(docsProblems([readme, page(`${linked}\n## Next\n${fence(changed)}`)], { 'a.yml': file })).toEqual([
      'docs/page.md line 10: this yaml block is in no file of examples/workflows'
    ])
    expect(
      linkTargets(
        'docs/sub/x.md',
        '[a](../../examples/workflows/a.yml) [b](https://example.com/x) [c](#here)'
      )
    ).toEqual(new Set(['examples/workflows/a.yml']))
  })

  it('fails on a block planted in a real docs page, and on a real docs page that drops its link', () => {
    const target = pages.find(page => page.path === 'docs/restricted-networks.md')!
    const swap = (text: string) => pages.map(page => (page === target ? { ...page, text } : page))
    const planted =
      '```yaml\n- uses: OWNER/multi-platform-build-action@v1\n  with:\n    tags: planted.example/app:1\n```\n'
    const line = target.text.split('\n').length + 1
    expect(docsProblems(swap(`${target.text}\n${planted}`), files)).toEqual([
      `docs/restricted-networks.md line ${line}: this yaml block is in no file of examples/workflows`
    ])
    const link = '(../examples/workflows/restricted-network.yml)'
    expect(target.text).toContain(link)
    const problems = docsProblems(swap(target.text.split(link).join('(../examples/workflows)')), files)
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^docs\/restricted-networks\.md line \d+: the block is from restricted-network\.yml; link \.\.\/examples\/workflows\/restricted-network\.yml beside it$/
      )
    )
    expect(problems).toContain(
      'examples/workflows/restricted-network.yml is not linked from the README or a docs page'
    )
  })

  it('every example uses the action by its published name, which the runner maps to this working tree', () => {
    for (const [name, text] of Object.entries(files)) {
      const uses = /uses:\s*OWNER\/multi-platform-build-action(\/\.github\/workflows\/[\w.-]+\.ya?ml)?@v1\b/
      expect({ name, uses: uses.test(text) }).toEqual({
        name,
        uses: true
      })
    }
  })
})
