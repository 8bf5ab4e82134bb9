import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  changelogSection,
  main,
  movesMajor,
  parseReleaseTag,
  ReleaseError,
  releasePlan
} from '../../../scripts/release-notes.cjs'
import { parseRunnerOutput } from '../../support/runner-commands'

// scripts/release-notes.cjs: what the release workflow publishes for a tag, and whether the major tag moves.

const ROOT = resolve(__dirname, '../../..')
const SCRIPT = join(ROOT, 'scripts/release-notes.cjs')

const CHANGELOG = [
  '# Changelog',
  '',
  'Intro text.',
  '',
  '## [Unreleased]',
  '',
  '### Added',
  '',
  '- Not released yet; an example of a heading in a fence:',
  '',
  '  ```markdown',
  '  ## [1.0.0] - 2000-01-01',
  '  ```',
  '',
  '## [1.1.0] - 2026-12-20',
  '',
  '### Fixed',
  '',
  '- A fix, with a shell block:',
  '',
  '  ```sh',
  '  ## not a heading here',
  '  ```',
  '',
  '## [1.1.0-rc.1] - 2026-12-18',
  '',
  '- The candidate.',
  '',
  '## 1.0.1',
  '',
  '- Unbracketed heading.',
  '',
  '## [v1.0.0] - 2026-12-05',
  '',
  '### Added',
  '',
  '- The first release.',
  '',
  '[unreleased]: https://example.com/compare/v1.1.0...HEAD',
  '[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0',
  ''
].join('\n')

describe('parseReleaseTag', () => {
  it.each([
    ['v1.2.3', { version: '1.2.3', major: 'v1', prerelease: false, numbers: [1, 2, 3] }],
    ['v0.0.0', { version: '0.0.0', major: 'v0', prerelease: false, numbers: [0, 0, 0] }],
    ['v10.20.30', { version: '10.20.30', major: 'v10', prerelease: false, numbers: [10, 20, 30] }],
    ['v1.3.0-rc.1', { version: '1.3.0-rc.1', major: 'v1', prerelease: true, numbers: [1, 3, 0] }],
    ['v2.0.0-beta-2', { version: '2.0.0-beta-2', major: 'v2', prerelease: true, numbers: [2, 0, 0] }]
  ])('reads %s', (tag, expected) => {
    expect(parseReleaseTag(tag)).toEqual(expected)
  })

  it.each([
    '',
    '1.2.3',
    'v1',
    'v1.2',
    'v1.2.3.4',
    'v01.2.3',
    'v1.02.3',
    'V1.2.3',
    'v1.2.3-',
    'v1.2.3-rc..1',
    'v1.2.3+build.5',
    'refs/tags/v1.2.3',
    ' v1.2.3',
    'v1.2.3\n',
    'v1.2.3\n::error::injected',
    'v1.2.3%0A::warning::x',
    'v1.2.3-rc.1\u200b',
    `v1.2.3-${'a'.repeat(80)}`,
    'v9999999999.0.0'
  ])('refuses %j, saying how to name a release tag on one harmless line', tag => {
    let error: unknown
    try {
      parseReleaseTag(tag)
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ReleaseError)
    const message = (error as Error).message
    expect(message).toMatch(/^tag ".*" is not a release tag: name it vMAJOR\.MINOR\.PATCH, e\.g\. v1\.2\.3/)
    expect(message).not.toMatch(/[\r\n%\u200b]|::/)
  })

  it('reads a long hostile tag in linear time', () => {
    const started = Date.now()
    for (const tag of [`v1.2.3-${'a.'.repeat(30_000)}`, `v${'1'.repeat(50_000)}`])
      expect(() => parseReleaseTag(tag)).toThrow(ReleaseError)
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})

describe('changelogSection', () => {
  it('takes the section up to the next heading, with its subsections, and no surrounding blank lines', () => {
    expect(changelogSection(CHANGELOG, '1.1.0')).toBe(
      [
        '### Fixed',
        '',
        '- A fix, with a shell block:',
        '',
        '  ```sh',
        '  ## not a heading here',
        '  ```',
        ''
      ].join('\n')
    )
  })

  it('leaves out the link definitions after the last section', () => {
    expect(changelogSection(CHANGELOG, '1.0.0')).toBe('### Added\n\n- The first release.\n')
  })

  it('reads headings with and without brackets, a "v" and a date, and keeps a pre-release apart', () => {
    expect(changelogSection(CHANGELOG, '1.0.1')).toBe('- Unbracketed heading.\n')
    expect(changelogSection(CHANGELOG, '1.1.0-rc.1')).toBe('- The candidate.\n')
  })

  it('ignores a heading inside a code fence (the 1.0.0 in Unreleased is an example, not a second section)', () => {
    expect(() => changelogSection(CHANGELOG, '1.0.0')).not.toThrow()
  })

  it('reads CRLF line ends', () => {
    expect(changelogSection(CHANGELOG.replace(/\n/g, '\r\n'), '1.0.1')).toBe('- Unbracketed heading.\n')
  })

  it.each([
    [
      '2.0.0',
      /no section for 2\.0\.0: add "## \[2\.0\.0\] - YYYY-MM-DD" with the entries of "## \[Unreleased\]"/
    ],
    ['1.1', /no section for 1\.1:/]
  ])('refuses a version with no section (%s), saying what to add', (version, message) => {
    expect(() => changelogSection(CHANGELOG, version)).toThrow(message)
  })

  it('refuses two sections for one version', () => {
    const twice = `${CHANGELOG}\n## [1.0.1]\n\n- Again.\n`
    expect(() => changelogSection(twice, '1.0.1')).toThrow('CHANGELOG.md has 2 sections for 1.0.1: keep one.')
  })

  it('refuses an empty section, also one with only link definitions', () => {
    expect(() => changelogSection('## [1.0.0]\n\n\n## [0.9.0]\n\n- x\n', '1.0.0')).toThrow(
      "CHANGELOG.md's section for 1.0.0 is empty: write what changed under it."
    )
    expect(() => changelogSection('## [1.0.0]\n\n[1.0.0]: https://example.com\n', '1.0.0')).toThrow(
      /is empty/
    )
  })

  it('refuses a section longer than a GitHub release takes', () => {
    const long = `## [1.0.0]\n\n${'- line\n'.repeat(20_000)}`
    expect(() => changelogSection(long, '1.0.0')).toThrow(
      /more than a GitHub release takes \(125000\): shorten it/
    )
  })
})

describe('releasePlan', () => {
  const packageJson = (version: unknown) => JSON.stringify({ name: 'x', version })

  it('gives the tag, the major tag and the notes when tag, package.json and CHANGELOG.md agree', () => {
    expect(releasePlan({ tag: 'v1.1.0', changelog: CHANGELOG, packageJson: packageJson('1.1.0') })).toEqual({
      version: '1.1.0',
      major: 'v1',
      prerelease: false,
      numbers: [1, 1, 0],
      notes: changelogSection(CHANGELOG, '1.1.0')
    })
  })

  it('refuses a tag package.json does not name, saying what to set', () => {
    expect(() =>
      releasePlan({ tag: 'v1.1.0', changelog: CHANGELOG, packageJson: packageJson('1.0.0') })
    ).toThrow(
      'package.json says version "1.0.0" but the tag is v1.1.0: set "version": "1.1.0" in package.json'
    )
  })

  it('shows a hostile package.json version only as harmless characters', () => {
    let message = ''
    try {
      releasePlan({ tag: 'v1.1.0', changelog: CHANGELOG, packageJson: packageJson('1\n::error::x') })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain('package.json says version "1???error??x"')
  })

  it('refuses a package.json that is not JSON', () => {
    expect(() => releasePlan({ tag: 'v1.1.0', changelog: CHANGELOG, packageJson: '{' })).toThrow(
      'package.json is not valid JSON: fix it before releasing.'
    )
  })
})

describe('movesMajor', () => {
  const tags = ['v1.0.0', 'v1.2.9', 'v1.3.0', 'v1.4.0-rc.1', 'v2.0.0', 'v1', 'latest', 'nightly-2026', '']

  it('moves the major tag to the newest release of that major', () => {
    expect(movesMajor('v1.3.1', tags)).toBe(true)
    expect(movesMajor('v1.3.0', tags)).toBe(true)
    expect(movesMajor('v2.0.1', tags)).toBe(true)
    expect(movesMajor('v3.0.0', [])).toBe(true)
  })

  it('never moves it back to a patch of an older minor', () => {
    expect(movesMajor('v1.2.10', tags)).toBe(false)
  })

  it('never moves it to a pre-release, and a pre-release does not hold it back', () => {
    expect(movesMajor('v1.5.0-rc.1', tags)).toBe(false)
    expect(movesMajor('v1.3.5', ['v1.4.0-rc.1'])).toBe(true)
  })

  it('refuses a tag that is not a release tag', () => {
    expect(() => movesMajor('v1', tags)).toThrow(ReleaseError)
  })
})

describe('the command line, as release.yml runs it', () => {
  let dir = ''
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'release-notes-'))))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const run = (args: string[], input = '') =>
    spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 30_000 })

  it("releases the version package.json names with this repository's CHANGELOG.md section", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
      .version
    const notes = join(dir, 'notes.md')
    const result = run(['notes', `v${version}`, notes])
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' })
    const major = `v${version.split('.')[0]}`
    const prerelease = version.includes('-')
    expect(result.stdout).toBe(`version=${version}\nmajor=${major}\nprerelease=${prerelease}\n`)
    expect(readFileSync(notes, 'utf8')).toBe(
      changelogSection(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), version)
    )
  })

  it('fails with one error annotation, and writes no output line, for a version CHANGELOG.md lacks', () => {
    const notes = join(dir, 'missing.md')
    const result = run(['notes', 'v99.0.0', notes])
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    const { commands } = parseRunnerOutput(result.stderr)
    expect(commands.map(({ name, properties }) => ({ name, properties }))).toEqual([
      { name: 'error', properties: { title: 'release' } }
    ])
    expect(commands[0].data).toMatch(/^package\.json says version ".*" but the tag is v99\.0\.0/)
  })

  it('turns a hostile tag into one annotation that quotes it harmlessly', () => {
    const result = run(['notes', 'v1.0.0\n::add-mask::x\n::set-output name=a::b', '/dev/null'])
    expect(result.status).toBe(1)
    const { commands } = parseRunnerOutput(result.stderr)
    expect(commands.map(command => command.name)).toEqual(['error'])
    expect(commands[0].data).toContain(
      'tag "v1.0.0???add-mask??x???set-output?name?a??b" is not a release tag'
    )
  })

  it('reads the existing tags from stdin for moves-major', () => {
    expect(run(['moves-major', 'v1.2.10'], 'v1.3.0\nv1.2.9\n').stdout).toBe('move=false\n')
    expect(run(['moves-major', 'v1.3.1'], 'v1.3.0\nv1.2.9\n').stdout).toBe('move=true\n')
  })

  it('says how to call it when the arguments are wrong', () => {
    const result = run(['publish'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('usage: node scripts/release-notes.cjs notes TAG NOTES_FILE')
  })

  it('names the file it could not read and where to run it', () => {
    const empty = mkdtempSync(join(dir, 'empty-'))
    expect(() => main(['notes', 'v1.0.0', join(empty, 'notes.md')], { cwd: empty })).toThrow(
      "cannot read CHANGELOG.md (ENOENT): run this from the repository's root."
    )
    writeFileSync(join(empty, 'CHANGELOG.md'), CHANGELOG)
    expect(() => main(['notes', 'v1.0.0', join(empty, 'notes.md')], { cwd: empty })).toThrow(
      "cannot read package.json (ENOENT): run this from the repository's root."
    )
  })
})
