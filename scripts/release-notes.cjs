// What .github/workflows/release.yml needs to know about a pushed tag, checked before anything is published:
//   node scripts/release-notes.cjs notes TAG NOTES_FILE
//     checks that TAG is vMAJOR.MINOR.PATCH[-PRE], that package.json has that version and that CHANGELOG.md has a
//     non-empty section for it; writes the section to NOTES_FILE and prints version=, major= and prerelease= lines
//     (for $GITHUB_OUTPUT; every value is checked, so none can add an output of its own).
//   node scripts/release-notes.cjs moves-major TAG < tag names, one a line
//     prints move=true when TAG is a release (not a pre-release) at least as new as every release of its major,
//     so a patch of an older minor never moves v1 back.
// CommonJS so the unit tests (Jest in CommonJS mode) can require it; it needs nothing but Node.
const { readFileSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')

/** GitHub refuses a release text longer than this. */
const MAX_NOTES = 125_000
/** Longer than any release tag; the check below is linear anyway. */
const MAX_TAG = 64
const NUMBER = '(0|[1-9][0-9]{0,8})'
const TAG = new RegExp(`^v${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`)

class ReleaseError extends Error {}

/** A value as it may be printed: at most 64 characters, anything outside a harmless set shown as "?". */
function shown(value) {
  return JSON.stringify(
    String(value)
      .slice(0, MAX_TAG)
      .replace(/[^A-Za-z0-9._+-]/g, '?')
  )
}

/** { version, major, prerelease, numbers } of a release tag, or a ReleaseError that says how to name one. */
function parseReleaseTag(tag) {
  const match = typeof tag === 'string' && tag.length <= MAX_TAG ? TAG.exec(tag) : null
  if (!match)
    throw new ReleaseError(
      `tag ${shown(tag)} is not a release tag: name it vMAJOR.MINOR.PATCH, e.g. v1.2.3 (v1.3.0-rc.1 for a pre-release).`
    )
  return {
    version: tag.slice(1),
    major: `v${match[1]}`,
    prerelease: match[4] !== undefined,
    numbers: [Number(match[1]), Number(match[2]), Number(match[3])]
  }
}

/** A version heading of Keep a Changelog: "## [1.2.3] - 2026-01-31", "## 1.2.3", "## [v1.2.3]". */
const VERSION_HEADING = /^##[ \t]+\[?v?([^\]\s]+?)\]?(?:[ \t]+-[ \t]+.*)?[ \t]*$/
const ANY_HEADING = /^#{1,2}[ \t]/
const FENCE = /^ {0,3}(`{3,}|~{3,})/
/** "[1.2.3]: https://..." — the link definitions Keep a Changelog puts after the last section. */
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S/

/**
 * The body of CHANGELOG.md's section for `version` (the text under its heading up to the next heading of level 1
 * or 2, headings inside code fences not counted), without surrounding blank lines or a trailing block of link
 * definitions.
 */
function changelogSection(text, version) {
  const lines = text.split(/\r?\n/)
  const starts = []
  const headings = []
  let fence = ''
  lines.forEach((line, index) => {
    const opened = FENCE.exec(line)
    if (fence) {
      if (opened && opened[1][0] === fence[0] && opened[1].length >= fence.length) fence = ''
      return
    }
    if (opened) {
      fence = opened[1]
      return
    }
    if (!ANY_HEADING.test(line)) return
    headings.push(index)
    const heading = VERSION_HEADING.exec(line)
    if (heading && heading[1] === version) starts.push(index)
  })
  if (starts.length === 0)
    throw new ReleaseError(
      `CHANGELOG.md has no section for ${version}: add "## [${version}] - YYYY-MM-DD" with the entries of ` +
        '"## [Unreleased]" under it, commit, and tag that commit.'
    )
  if (starts.length > 1)
    throw new ReleaseError(`CHANGELOG.md has ${starts.length} sections for ${version}: keep one.`)
  const start = starts[0]
  const end = headings.find(index => index > start) ?? lines.length
  const body = lines.slice(start + 1, end)
  while (body.length > 0 && (body.at(-1).trim() === '' || LINK_DEFINITION.test(body.at(-1)))) body.pop()
  while (body.length > 0 && body[0].trim() === '') body.shift()
  if (body.length === 0)
    throw new ReleaseError(`CHANGELOG.md's section for ${version} is empty: write what changed under it.`)
  const notes = body.join('\n') + '\n'
  if (notes.length > MAX_NOTES)
    throw new ReleaseError(
      `CHANGELOG.md's section for ${version} has ${notes.length} characters, more than a GitHub release takes ` +
        `(${MAX_NOTES}): shorten it.`
    )
  return notes
}

/** The release of `tag`: the tag, package.json's version and the CHANGELOG.md section agree, or a ReleaseError. */
function releasePlan({ tag, changelog, packageJson }) {
  const release = parseReleaseTag(tag)
  let declared
  try {
    declared = JSON.parse(packageJson).version
  } catch {
    throw new ReleaseError('package.json is not valid JSON: fix it before releasing.')
  }
  if (declared !== release.version)
    throw new ReleaseError(
      `package.json says version ${shown(declared)} but the tag is v${release.version}: set "version": ` +
        `"${release.version}" in package.json (npm install --package-lock-only carries it into the lock file), ` +
        'commit, and tag that commit.'
    )
  return { ...release, notes: changelogSection(changelog, release.version) }
}

/** Whether the major tag moves to `tag`: a release, and no other release of that major is newer. */
function movesMajor(tag, existingTags) {
  const release = parseReleaseTag(tag)
  if (release.prerelease) return false
  const newer = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
  for (const name of existingTags) {
    let other
    try {
      other = parseReleaseTag(name.trim())
    } catch {
      continue
    }
    if (other.prerelease || other.major !== release.major) continue
    if (newer(other.numbers, release.numbers) > 0) return false
  }
  return true
}

/** A file of the repository, or a ReleaseError saying where the script looked. */
function readRepositoryFile(cwd, name) {
  try {
    return readFileSync(join(cwd, name), 'utf8')
  } catch (error) {
    throw new ReleaseError(
      `cannot read ${name} (${error.code ?? 'error'}): run this from the repository's root.`
    )
  }
}

function main(argv, { cwd = process.cwd(), stdin = () => readFileSync(0, 'utf8') } = {}) {
  const [command, tag, notesFile] = argv
  if (command === 'notes' && tag !== undefined && notesFile) {
    const plan = releasePlan({
      tag,
      changelog: readRepositoryFile(cwd, 'CHANGELOG.md'),
      packageJson: readRepositoryFile(cwd, 'package.json')
    })
    writeFileSync(notesFile, plan.notes)
    return `version=${plan.version}\nmajor=${plan.major}\nprerelease=${plan.prerelease}\n`
  }
  if (command === 'moves-major' && tag !== undefined && notesFile === undefined)
    return `move=${movesMajor(tag, stdin().split('\n').slice(0, 10_000))}\n`
  throw new ReleaseError(
    'usage: node scripts/release-notes.cjs notes TAG NOTES_FILE | moves-major TAG < tag names, one a line'
  )
}

if (require.main === module) {
  try {
    process.stdout.write(main(process.argv.slice(2)))
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error
    // An annotation on the run; the message quotes no value that could end the command or start another.
    process.stderr.write(`::error title=release::${error.message}\n`)
    process.exitCode = 1
  }
}

module.exports = { ReleaseError, parseReleaseTag, changelogSection, releasePlan, movesMajor, main }
