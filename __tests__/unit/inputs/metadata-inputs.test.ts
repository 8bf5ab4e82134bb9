import { parseInputs } from '../../../src/inputs/parse'
import { makePlan } from '../../../src/plan/plan'
import { inputSource } from '../../support/inputs'

// A tag push of v1.2.3 on a runner: what GITHUB_* and the event payload say.
const TAG_PUSH = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REPOSITORY: 'team/app',
  GITHUB_SERVER_URL: 'https://git.example.com'
}
const PAYLOAD = JSON.stringify({
  ref: 'refs/tags/v1.2.3',
  repository: {
    name: 'app',
    html_url: 'https://git.example.com/team/app',
    description: 'The app',
    default_branch: 'main',
    license: { spdx_id: 'MIT' }
  }
})
const SEMVER =
  'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}'
const NOW = new Date('2026-12-05T00:00:00Z')

const parse = (values: Record<string, string>, env: Record<string, string> = TAG_PUSH) =>
  parseInputs({ ...inputSource(values, env), readEvent: () => PAYLOAD, now: () => NOW })

describe('tags and labels from the Git ref (meta-*)', () => {
  it('a tag push gives the semver tags and latest, one index under all of them, and the OCI labels', () => {
    const inputs = parse({ 'meta-images': 'registry.example.com/team/app', 'meta-tags': SEMVER })
    expect(inputs.tags).toEqual([
      'registry.example.com/team/app:1.2.3',
      'registry.example.com/team/app:1.2',
      'registry.example.com/team/app:1',
      'registry.example.com/team/app:latest'
    ])
    expect(inputs.metadata?.version).toBe('1.2.3')
    expect(inputs.labels).toEqual(
      expect.arrayContaining([
        'org.opencontainers.image.version=1.2.3',
        'org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567',
        'org.opencontainers.image.source=https://git.example.com/team/app',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.description=The app'
      ])
    )
    // One build: every tag on the one command line.
    const build = makePlan(inputs, { workDir: '/tmp/run' }).commands.build
    expect(build.filter((_arg, i) => build[i - 1] === '--tag')).toEqual(inputs.tags)
  })

  it('joins the tags input (their union, tags first) and lets the labels and annotations inputs win by key', () => {
    const inputs = parse({
      tags: 'registry.example.com/team/app:1.2.3,registry.example.com/team/app:stable',
      'meta-images': 'registry.example.com/team/app',
      'meta-tags': 'type=semver,pattern={{version}}',
      labels: 'org.opencontainers.image.title=Mine',
      annotations: 'manifest:org.opencontainers.image.title=Mine'
    })
    expect(inputs.tags).toEqual([
      'registry.example.com/team/app:1.2.3',
      'registry.example.com/team/app:stable',
      'registry.example.com/team/app:latest'
    ])
    // buildx keeps the last of two labels with one key: the input's comes after the generated one.
    const titles = inputs.labels.filter(label => label.startsWith('org.opencontainers.image.title='))
    expect(titles).toEqual(['org.opencontainers.image.title=app', 'org.opencontainers.image.title=Mine'])
    expect(inputs.build.annotations.at(-1)).toBe('manifest:org.opencontainers.image.title=Mine')
  })

  it('a pull request gives pr-N, and nothing to push with push: false', () => {
    const env = { ...TAG_PUSH, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/42/merge' }
    const inputs = parse(
      { 'meta-images': 'registry.example.com/team/app', 'meta-tags': 'type=ref,event=pr', push: 'false' },
      env
    )
    expect(inputs.tags).toEqual(['registry.example.com/team/app:pr-42'])
    expect(inputs.push).toBe(false)
  })

  it('refuses the other meta-* inputs without meta-images, naming the input and the fix', () => {
    expect(() => parse({ tags: 'registry.example.com/app:1', 'meta-tags': 'type=sha' })).toThrow(
      /Input "meta-tags".*needs meta-images.*Add meta-images/s
    )
  })

  it('refuses a rule outside the supported set, naming the input and the rule', () => {
    expect(() =>
      parse({ 'meta-images': 'registry.example.com/team/app', 'meta-tags': 'type=match,pattern=v(.*)' })
    ).toThrow(/Input "meta-tags"/)
  })

  it('changes nothing when meta-images is empty', () => {
    const inputs = parse({ tags: 'registry.example.com/app:1' })
    expect(inputs.metadata).toBeUndefined()
    expect(inputs.tags).toEqual(['registry.example.com/app:1'])
    expect(inputs.labels).toEqual([])
  })
})

describe('tags from the Git ref in a merge', () => {
  it('puts the generated annotations on the index, which is all a merge writes', () => {
    const inputs = parse({
      'meta-images': 'registry.example.com/team/app',
      'meta-tags': SEMVER,
      'merge-digests': `sha256:${'a'.repeat(64)}`
    })
    expect(inputs.build.annotations.length).toBeGreaterThan(0)
    expect(inputs.build.annotations.every(annotation => annotation.startsWith('index:'))).toBe(true)
  })
})
