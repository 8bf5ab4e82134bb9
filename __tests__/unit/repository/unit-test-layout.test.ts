import { existsSync, readdirSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { ROOT } from '../../support/repository'

// The unit tests mirror src/: the test of src/<path>.ts is __tests__/unit/<path>.test.ts, so a test cannot outlive
// its module under the old name. Checks of the repository itself go under repository/, tests of the test support
// under support/ (mirroring __tests__/support/).

/** What is out of place among these files of __tests__/unit (paths relative to it, with "/"). */
function layoutProblems(files: string[], exists: (path: string) => boolean): string[] {
  return files.flatMap(file => {
    const where = `__tests__/unit/${file}`
    if (!file.endsWith('.test.ts'))
      return [`${where} is not a test file: helpers shared by tests belong in __tests__/support/`]
    if (file.startsWith('repository/')) return []
    const module = file.slice(0, -'.test.ts'.length)
    const mirrored = file.startsWith('support/') ? `__tests__/${module}.ts` : `src/${module}.ts`
    if (exists(mirrored)) return []
    return [
      `${where} has no module ${mirrored}: name it after the module it tests, at the same path (or move a check of the repository to repository/)`
    ]
  })
}

function unitTestFiles(): string[] {
  const dir = join(ROOT, '__tests__/unit')
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)).split(sep).join(posix.sep))
    .sort()
}

describe('the unit test folders', () => {
  it('mirror src/: every test file is named after a module at the same path', () => {
    const files = unitTestFiles()
    expect(files.length).toBeGreaterThan(50)
    expect(layoutProblems(files, path => existsSync(join(ROOT, path)))).toEqual([])
  })

  it('are checked by a rule that names each file matching no module', () => {
    const modules = new Set(['src/model/hosts.ts', 'src/main.ts', '__tests__/support/runner-commands.ts'])
    const exists = (path: string) => modules.has(path)
    expect(
      layoutProblems(
        [
          'model/hosts.test.ts',
          'main.test.ts',
          'support/runner-commands.test.ts',
          'repository/anything.test.ts',
          'model/host-names.test.ts',
          'run/hosts.test.ts',
          'hardening.test.ts',
          'misc/hosts.test.ts',
          'support/runner.test.ts',
          'model/helpers.ts'
        ],
        exists
      )
    ).toEqual([
      ...['model/host-names', 'run/hosts', 'hardening', 'misc/hosts'].map(
        path =>
          `__tests__/unit/${path}.test.ts has no module src/${path}.ts: name it after the module it tests, at the same path (or move a check of the repository to repository/)`
      ),
      '__tests__/unit/support/runner.test.ts has no module __tests__/support/runner.ts: name it after the module it tests, at the same path (or move a check of the repository to repository/)',
      '__tests__/unit/model/helpers.ts is not a test file: helpers shared by tests belong in __tests__/support/'
    ])
  })
})
