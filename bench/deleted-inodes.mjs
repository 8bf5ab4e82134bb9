// Why bench/cache-mounts.mjs settles the disk before each run (settleDisk): on this VM's ext4, which has no
// journal, a new file skips every inode freed in the last one to six minutes, one buffer lookup each. A bench that
// runs fresh builders back to back removes one builder (tens of thousands of files) just before the next one
// unpacks its base image, so each unpack pays for the removal before it; a throwaway runner never does.
// Each round: a builder fills a cache mount with a copy of the Go toolchain image, is removed, and then a new
// builder pulls that image (`FROM` it, `RUN true`, cacheonly output), either right away or after settleDisk.
// The two ways alternate, their order turning each round. Prints medians and the per-round ratio.
//   node bench/deleted-inodes.mjs           # N=4 rounds (BENCH_DELETED_INODES_N)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import goModules from '../__tests__/support/go-modules.cjs'
import { createArgs, dockerStep } from './lib/by-hand.mjs'
import { fmt, intFromEnv, median, removeBuilders, settleDisk, table } from './lib/common.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_DELETED_INODES_N', 4)
const { log, PUSH, MIRROR, PREFIX } = stackBench('deleted-inodes')
const WAYS = ['right away', 'settled']

// A buildx store of this run's own.
const STORE = mkdtempSync(join(tmpdir(), 'bench-deleted-inodes-store-'))
process.env.BUILDX_CONFIG = STORE

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const goImage = await goModules.goToolchainImage(PUSH)
  const dir = mkdtempSync(join(tmpdir(), 'bench-deleted-inodes-'))
  writeFileSync(join(dir, 'buildkitd.toml'), `[registry."${PUSH}"]\n  http = true\n`)
  writeFileSync(
    join(dir, 'fill.Dockerfile'),
    `FROM ${goImage}\nARG N\nRUN --mount=type=cache,id=fill,target=/fill cp -a /usr/local/go/. /fill/\n`
  )
  writeFileSync(join(dir, 'pull.Dockerfile'), `FROM ${goImage}\nARG N\nRUN true\n`)
  const builder = async name => {
    await dockerStep(createArgs(name, join(dir, 'buildkitd.toml')))
    return name
  }
  const build = (name, file) =>
    dockerStep([
      'buildx',
      'build',
      '--builder',
      name,
      '--file',
      join(dir, file),
      '--build-arg',
      `N=${Date.now()}`,
      '--output',
      'type=cacheonly',
      dir
    ])
  const rounds = []
  try {
    for (let i = 0; i < N; i++) {
      const round = {}
      for (const way of i % 2 === 0 ? WAYS : [...WAYS].reverse()) {
        const filled = await builder(`${PREFIX}-fill`)
        await build(filled, 'fill.Dockerfile')
        const removeMs = await dockerStep(['buildx', 'rm', filled])
        if (way === 'settled') {
          const settled = settleDisk()
          if (!settled.done) throw new Error(`cannot settle the disk: ${settled.why}`)
        }
        const puller = await builder(`${PREFIX}-pull`)
        round[way] = { pullMs: await build(puller, 'pull.Dockerfile'), removeMs }
        await dockerStep(['buildx', 'rm', puller])
      }
      rounds.push(round)
      log(`round ${i + 1}/${N}: ${WAYS.map(way => `${way} ${fmt(round[way].pullMs, 0)} ms`).join(', ')}`)
    }
  } finally {
    await removeBuilders(PREFIX)
    rmSync(dir, { recursive: true, force: true })
    rmSync(STORE, { recursive: true, force: true })
  }
  const med = way => median(rounds.map(r => r[way].pullMs))
  console.log(
    [
      `### A pull onto a new builder right after a builder's removal, or after settling the disk (N=${rounds.length} rounds)`,
      '',
      `The Go toolchain image (${goImage}) pulled and unpacked by a new builder, right after removing a builder ` +
        'whose cache mount held a copy of it. Ways alternating.',
      '',
      table(
        ['pull', '>median (ms)', '>removal before it (ms)'],
        WAYS.map(way => [way, fmt(med(way), 0), fmt(median(rounds.map(r => r[way].removeMs)), 0)])
      ),
      '',
      `Settled / right away: **${fmt(med('settled') / med('right away'), 2)}**; per round: ` +
        `${rounds.map(r => fmt(r.settled.pullMs / r['right away'].pullMs, 2)).join(', ')}. ${loadNote(start)}`
    ].join('\n')
  )
}

runScript(main, PREFIX)
