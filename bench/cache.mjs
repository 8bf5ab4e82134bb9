// Warm rebuild on the real stack: the action building bench/fixtures/cache (a RUN step that takes 3 s per
// platform) with cache-to/cache-from type=registry, once cold (a fresh cache ref) and once warm (the same ref,
// unchanged context), each time on a new builder as in CI; plus the same build without cache options. N rounds
// of plain → cold → warm. Prints a markdown table of medians.
//
//   node bench/cache.mjs               # N=3
//   BENCH_CACHE_N=5 node bench/cache.mjs
import { lineTime, runAction } from './lib/action.mjs'
import { fmt, intFromEnv, median, removeBuilders, retrying, table } from './lib/common.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_CACHE_N', 3)
const BUDGET_MS = intFromEnv('BENCH_CACHE_BUDGET_S', 1800) * 1000
const { log, PUSH, MIRROR, runId, PREFIX } = stackBench('cache')

async function build(bundle, kind, i) {
  const cacheRef = `${PUSH}/bench/cache:${runId}-${i}`
  const cache =
    kind === 'plain'
      ? {}
      : {
          'cache-from': `type=registry,ref=${cacheRef}`,
          'cache-to': `type=registry,ref=${cacheRef},mode=max`
        }
  const result = await runAction({
    bundle,
    inputs: {
      context: 'bench/fixtures/cache',
      platforms: 'linux/amd64,linux/arm64',
      'registry-mirrors': `http://${MIRROR}`,
      tags: `${PUSH}/bench/cache-image:${runId}-${i}-${kind}`,
      'builder-name': `${PREFIX}-${kind}-${i}`,
      ...cache
    },
    timeoutMs: 600_000
  })
  if (!result.ok)
    throw new Error(
      `${kind} build ${i} failed:\n${result.errors.join('\n')}\n${result.main.stdout.slice(-3000)}`
    )
  const buildLine = lineTime(result, /^\[command\]docker buildx build/) ?? NaN
  const log = result.main.stdout + result.main.stderr
  return {
    totalMs: result.totalMs,
    buildMs: result.postStarted - buildLine,
    // BuildKit prints "#N CACHED" for each step it took from the cache.
    cachedSteps: (log.match(/^#\d+ CACHED$/gm) ?? []).length,
    exportedCache: /exporting cache to registry|preparing build cache for export/i.test(log)
  }
}

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const deadline = Date.now() + BUDGET_MS
  const results = { plain: [], cold: [], warm: [] }
  try {
    for (let i = 0; i < N && Date.now() < deadline; i++) {
      for (const kind of ['plain', 'cold', 'warm']) {
        const r = await retrying(`${kind} ${i}`, 2, () => build(dist.bundle, kind, i), log)
        log(`round ${i + 1}/${N} ${kind}: ${fmt(r.totalMs, 0)} ms, ${r.cachedSteps} steps cached`)
        results[kind].push(r)
      }
    }
  } finally {
    const left = await removeBuilders(PREFIX)
    if (left.length > 0) log(`removed leftover builders: ${left.join(', ')}`)
    dist.cleanup()
  }
  const med = (kind, key) => median(results[kind].map(r => r[key]))
  const out = []
  out.push(`### Warm rebuild with a registry cache (medians of N=${results.warm.length} rounds)`)
  out.push('')
  out.push(
    '`bench/fixtures/cache` (FROM busybox; RUN sleep 3 and an 8 MiB layer; COPY) for linux/amd64,linux/arm64, ' +
      `pushed to ${PUSH}; cache \`type=registry,ref=${PUSH}/bench/cache:<round>\` (\`mode=max\` on export); ` +
      `a new builder each run. Action on Node ${node}, bundle ${dist.id}.`
  )
  out.push('')
  out.push(
    table(
      ['run', '>main + post (ms)', '>build step (ms)', '>steps cached', 'cache exported'],
      [
        ['no cache options', 'plain'],
        ['cold: cache-to + cache-from, empty ref', 'cold'],
        ['warm: same ref, unchanged context', 'warm']
      ].map(([label, kind]) => [
        label,
        fmt(med(kind, 'totalMs'), 0),
        fmt(med(kind, 'buildMs'), 0),
        fmt(med(kind, 'cachedSteps'), 0),
        results[kind].every(r => r.exportedCache)
          ? 'yes'
          : results[kind].some(r => r.exportedCache)
            ? 'some'
            : 'no'
      ])
    )
  )
  const warm = med('warm', 'totalMs')
  const cold = med('cold', 'totalMs')
  out.push('')
  out.push(
    `Warm / cold: **${fmt(warm / cold, 2)}** (${fmt(cold - warm, 0)} ms saved). ` +
      `Cold with the cache export minus the plain build: ${fmt(cold - med('plain', 'totalMs'), 0)} ms ` +
      `(per round: ${results.cold.map((r, i) => fmt(r.totalMs - results.plain[i].totalMs, 0)).join(', ')}). ` +
      loadNote(start)
  )
  console.log(out.join('\n'))
}

runScript(main, PREFIX)
