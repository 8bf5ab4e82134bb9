import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { ROOT } from '../../support/repository'

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
