import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  artifactIdOf,
  artifactName,
  MountReport,
  mountsToSave,
  parseMountReport
} from '../../src/model/cache-mounts'
import { findCacheMounts } from '../../src/model/dockerfile-mounts'
import { planCacheMounts, SaveOf } from '../../src/plan/cache-mounts-plan'

// The scripts of the cache-mounts helper builds, run in the helper image the action uses by default (the stack's
// busybox) with folders bound where BuildKit would mount the caches, the artifact, the report and the save's
// output. What a build on the stack shows only in part: names with blanks, the owner and mode of a new folder,
// names gone, names that would leave the mount, an artifact saved by another job in between.

jest.setTimeout(300_000)

const HELPER = 'busybox:1.36'
const mounts = findCacheMounts(
  'FROM x\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b,uid=1000 true'
).mounts
const plan = planCacheMounts({
  mounts,
  settings: { ref: 'r.example/app:cache-mounts', maxBytes: 1024 ** 3, helper: HELPER },
  builder: 'unused',
  buildArgs: [],
  workDir: '/unused',
  bases: [],
  platforms: []
})

let dir = ''
const at = (path: string) => join(dir, path)
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cache-mounts-scripts-'))
  for (const sub of ['cm/0', 'cm/1', 'saved', 'report', 'out']) mkdirSync(at(sub), { recursive: true })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The script of a helper Dockerfile's one RUN. */
function scriptOf(text: string): string {
  const run = text.split('\n').find(line => line.startsWith('RUN ')) as string
  return (JSON.parse(run.slice(run.indexOf('["'))) as string[])[2]
}

let nonce = 0
/** Runs a script in the helper image as BuildKit would, with no network. */
function sh(script: string): string {
  nonce += 1
  const binds = [
    ['cm/0', '/cache-mounts/0'],
    ['cm/1', '/cache-mounts/1'],
    ['saved', '/saved'],
    ['report', '/report'],
    ['report', '/lists'],
    ['out', '/out']
  ].flatMap(([from, to]) => ['-v', `${at(from)}:${to}`])
  return execFileSync(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      '-e',
      `CACHE_MOUNTS_RUN=${String(nonce).padStart(16, '0')}`,
      ...binds,
      HELPER,
      'sh',
      '-c',
      script
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
  )
}

/** The artifact as the registry would hold it after a save: made anew, or the old one with the new files added. */
function publish(append: boolean): void {
  if (!append) for (const file of readdirSync(at('saved'))) rmSync(at(`saved/${file}`))
  for (const file of readdirSync(at('out'))) renameSync(at(`out/${file}`), at(`saved/${file}`))
}

function restore(): { mounts: (MountReport | undefined)[]; id?: string } {
  sh('rm -rf /cache-mounts/0/* /cache-mounts/1/* /cache-mounts/0/.[!.]* /report/*')
  sh(scriptOf(plan.restore.dockerfile.text))
  const text = readFileSync(at('report/result'), 'utf8')
  return { mounts: parseReport(text), id: artifactIdOf(text) }
}

function measure(): (MountReport | undefined)[] {
  sh(scriptOf(plan.measure.dockerfile.text))
  return parseReport(readFileSync(at('report/result'), 'utf8'))
}

const parseReport = (text: string) => parseMountReport(text, mounts.length)

/** Every entry of both mounts (folders without their times) and every file's content: what a tool would see. */
function state(): string {
  return sh(
    'cd /cache-mounts && find . | sort | while IFS= read -r f; do ' +
      'if [ -d "$f" ]; then stat -c "%F %a %u %g %n" "$f"; else stat -c "%F %a %u %g %s %Y %n" "$f"; md5sum "$f"; fi; done'
  )
}

/** The build writes into the mounts. */
const build = (script: string) => sh(`cd /cache-mounts && ${script}`)

/** The build fills the mounts, they are saved whole, and restored on a new builder. */
function firstSaveRestored(script: string): ReturnType<typeof restore> {
  build(script)
  save()
  publish(false)
  return restore()
}

function save(layout?: SaveOf): void {
  sh(scriptOf(plan.save([0, 1], layout).dockerfile.text))
}

describe('cache-mounts helper scripts in the helper image', () => {
  it('restores the whole copy and every set of changes to what the build left, round after round', () => {
    build(
      'mkdir -p 0/sub 1/x && echo a > 0/a && echo k > 0/sub/k && echo g > 0/gone && mkdir 0/gonedir && echo d > 0/gonedir/d && ' +
        'dd if=/dev/urandom of=1/big bs=1k count=400 2>/dev/null && echo y > 1/x/y && chown -R 1000:1000 1'
    )
    save()
    publish(false)
    for (let round = 1; round <= 3; round++) {
      const before = restore()
      expect(before.id).toMatch(/^0+\d+$/)
      build(
        `echo changed${round} > 0/a && rm -rf 0/gone 0/gonedir && mkdir -m 700 "0/new ${round}" && echo n > "0/new ${round}/f ${round}" && ` +
          `chown -R 1000:1000 "0/new ${round}" && chmod 600 0/sub/k && echo z${round} >> 1/x/y`
      )
      const wanted = state()
      const layout = mountsToSave(measure(), before.mounts, 1024 ** 3, before.id !== undefined)
      // Small changes over what was restored: one more set each, added on top of the artifact.
      expect(layout).toMatchObject({ updated: [0, 1], append: true, changeSets: [round - 1, round - 1] })
      save({ ...layout, artifactId: before.id })
      publish(layout.append)
      restore()
      expect(state()).toBe(wanted)
    }
    expect(readdirSync(at('saved')).filter(file => file.startsWith(artifactName(mounts[0])))).toHaveLength(7)
  })

  it('refuses to add to an artifact another job saved since the restore', () => {
    const before = firstSaveRestored('echo a > 0/a && echo b > 1/b')
    sh('echo 00000000000000000099 > /saved/artifact.id')
    build('echo more >> 0/a')
    const layout = mountsToSave(measure(), before.mounts, 1024 ** 3, true)
    expect(() => save({ ...layout, artifactId: before.id })).toThrow(/changed since the restore/)
  })

  it('never removes a name gone that would leave the mount', () => {
    const before = firstSaveRestored('echo a > 0/a && echo k > 0/keep && echo b > 1/b')
    build('rm 0/a')
    save({ ...mountsToSave(measure(), before.mounts, 1024 ** 3, true), artifactId: before.id })
    publish(true)
    const gone = readdirSync(at('saved')).find(
      file => file.endsWith('.gone.1') && file.startsWith(artifactName(mounts[0]))
    )
    expect(readFileSync(at(`saved/${gone}`), 'utf8')).toBe('./a\n')
    // As another writer of the image could have it: names out of the mount, into the other mount.
    sh(`printf './a\\n../1/b\\n./x/../../1/b\\n/cache-mounts/1/b\\n' > /saved/${gone}`)
    restore()
    expect(readdirSync(at('cm/0'))).toEqual(['keep'])
    expect(readdirSync(at('cm/1'))).toEqual(['b'])
  })

  it('packs whole a mount holding a name with a line break, and an artifact saved before ids', () => {
    const before = firstSaveRestored('echo a > 0/a && echo b > 1/b')
    build('touch "0/two\nlines" && echo c >> 1/b')
    const measured = measure()
    expect(measured[0]?.changedBytes).toBeUndefined()
    expect(measured[1]?.changedBytes).toBe(0)
    expect(mountsToSave(measured, before.mounts, 1024 ** 3, true)).toMatchObject({
      updated: [1],
      append: false
    })
    // Without an id the restore still works; nothing is added to that artifact.
    sh('rm /saved/artifact.id')
    const old = restore()
    expect(old.id).toBeUndefined()
    expect(old.mounts.map(mount => mount?.status)).toEqual(['restored', 'restored'])
    build('echo d >> 1/b')
    expect(mountsToSave(measure(), old.mounts, 1024 ** 3, false)).toMatchObject({
      updated: [],
      append: false
    })
  })
})
