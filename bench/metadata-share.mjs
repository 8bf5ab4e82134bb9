// What tags from the Git ref cost inside the step: main of dist/index.js against the instant fake `docker`
// (bench/fixtures/fake-docker.sh), with and without meta-images/meta-tags, alternating, N pairs, for a tag push of
// v1.2.3. Prints the medians of main's wall time, the ratio, and the difference as a share of main's time on the
// bench build (BENCH_MAIN_BUILD_MS: main's median on bench/e2e.mjs's build, from bench/RESULTS.md).
//
//   node bench/metadata-share.mjs          (BENCH_N=20 pairs)
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputEnv, runnerFiles } from '../scripts/lib/runner.cjs'
import { actionNode, snapshotDist } from './lib/action.mjs'
import { cleanEnv, fmt, intFromEnv, median, ROOT, run, table, waitQuiet } from './lib/common.mjs'

const N = intFromEnv('BENCH_N', 20)
const MAIN_BUILD_MS = intFromEnv('BENCH_MAIN_BUILD_MS', 0, 0)
const log = line => process.stderr.write(`[metadata-share] ${line}\n`)
const base = mkdtempSync(join(tmpdir(), 'bench-metadata-share-'))
const bin = join(base, 'bin')
mkdirSync(bin)
copyFileSync(join(ROOT, 'bench/fixtures/fake-docker.sh'), join(bin, 'docker'))
chmodSync(join(bin, 'docker'), 0o755)
const DIST = snapshotDist()
const NODE = actionNode()

const TAG_PUSH = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REPOSITORY: 'bench/app'
}
const plain = {
  tags: '127.0.0.1:5000/bench/app:1.2.3',
  platforms: 'linux/amd64,linux/arm64',
  'mirror-check': 'off'
}
const meta = {
  ...plain,
  tags: '',
  'meta-images': '127.0.0.1:5000/bench/app',
  'meta-tags':
    'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=sha'
}

/** main alone (post is the same either way): its wall time in ms. */
async function mainOnce(inputs, tag) {
  const dir = join(base, tag)
  const runner = runnerFiles(dir)
  const env = cleanEnv({
    PATH: `${bin}:${process.env.PATH}`,
    ...runner.env,
    ...TAG_PUSH,
    GITHUB_WORKSPACE: ROOT,
    FAKE_DOCKER_LOG: join(dir, 'calls'),
    ...inputEnv(inputs)
  })
  const result = await run(NODE, [DIST.bundle], { env, timeoutMs: 60_000 })
  if (result.code !== 0 || /^::error/m.test(result.stdout)) throw new Error(`main failed:\n${result.stdout}`)
  rmSync(dir, { recursive: true, force: true })
  return result.wallMs
}

const busy = await waitQuiet(log)
await mainOnce(plain, 'warm-plain')
await mainOnce(meta, 'warm-meta')
const without = []
const withMeta = []
for (let i = 0; i < N; i++) {
  without.push(await mainOnce(plain, `plain-${i}`))
  withMeta.push(await mainOnce(meta, `meta-${i}`))
}
rmSync(base, { recursive: true, force: true })
DIST.cleanup()
const a = median(without)
const b = median(withMeta)
const ratios = withMeta.map((ms, i) => ms / without[i])
console.log(
  `### Tags from the Git ref inside the step (main only, against the instant fake docker, N=${N} pairs)`
)
console.log('')
if (busy) console.log(`Machine not quiet: ${busy}.`)
console.log(
  table(
    ['', 'median main wall (ms)'],
    [
      ['tags given', fmt(a)],
      ['meta-images + 4 meta-tags rules (tag push v1.2.3)', fmt(b)]
    ]
  )
)
console.log('')
console.log(
  `Ratio of medians: ${fmt(b / a, 3)}; per-pair ratios ${fmt(Math.min(...ratios), 2)} to ${fmt(Math.max(...ratios), 2)}.`
)
console.log(`Cost of tag generation: ${fmt(b - a)} ms.`)
if (MAIN_BUILD_MS > 0)
  console.log(
    `Share of main's time on the bench build (${MAIN_BUILD_MS} ms): ${fmt((100 * (b - a)) / MAIN_BUILD_MS, 2)} %.`
  )
