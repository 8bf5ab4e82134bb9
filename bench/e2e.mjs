// End to end on the real stack (bash stack/up): the action (bootstrap, two-platform build, push, cleanup)
// against the same steps typed by hand as plain `docker buildx` commands, in alternating order, N pairs.
// Prints a markdown table of medians per phase and the ratio action / by hand.
//
//   node bench/e2e.mjs                 # N=5 pairs (plus one warm-up pair, not counted)
//   BENCH_E2E_N=9 node bench/e2e.mjs
//   BENCH_E2E_CONTEXT=bench/fixtures/cache node bench/e2e.mjs   # a build with a 3 s RUN step per platform
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lineTime, runAction } from './lib/action.mjs'
import { byHand, handConfig } from './lib/by-hand.mjs'
import { fmt, intFromEnv, median, removeBuilders, retrying, table } from './lib/common.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_E2E_N', 5)
const BUDGET_MS = intFromEnv('BENCH_E2E_BUDGET_S', 1800) * 1000
const RUN_TIMEOUT_MS = 300_000
// Issue 14: the action within 15% of the same commands typed by hand on a ~1.3 s two-platform build.
const TARGET_RATIO = 1.15

const { log, PUSH, MIRROR, runId, PREFIX } = stackBench('e2e')
const PLATFORMS = 'linux/amd64,linux/arm64'
// A heavier context shows how the fixed overhead weighs on a longer build, e.g. bench/fixtures/cache.
const CONTEXT = process.env.BENCH_E2E_CONTEXT || 'examples/multi-arch'

// What a person would write for one plain-HTTP Docker Hub mirror (what the action generates).
const CONFIG = handConfig(MIRROR)

async function byAction(bundle, i) {
  const result = await runAction({
    bundle,
    inputs: {
      context: CONTEXT,
      platforms: PLATFORMS,
      'registry-mirrors': `http://${MIRROR}`,
      tags: `${PUSH}/bench/e2e:${runId}-action-${i}`,
      'no-cache': 'true',
      'builder-name': `${PREFIX}-a${i}`
    },
    timeoutMs: RUN_TIMEOUT_MS
  })
  if (!result.ok) {
    throw new Error(
      `action run ${i} failed:\n${result.errors.join('\n')}\n${result.main.stdout.slice(-3000)}`
    )
  }
  const mainEnd = result.postStarted
  // The builder boots while the preflight runs and its log is shown after it, so the log has no moment the
  // boot began: everything before the build is one phase.
  const build = lineTime(result, /^\[command\]docker buildx build/) ?? NaN
  return {
    toBuildMs: build - result.started,
    buildMs: mainEnd - build,
    cleanupMs: result.post.wallMs,
    totalMs: result.totalMs,
    config: result.outputs['buildkitd-config'] ?? ''
  }
}

async function byHandRun(i, configFile) {
  const times = await byHand({
    name: `${PREFIX}-h${i}`,
    config: CONFIG,
    configFile,
    platforms: PLATFORMS,
    context: CONTEXT,
    tag: `${PUSH}/bench/e2e:${runId}-hand-${i}`,
    noCache: true,
    timeoutMs: RUN_TIMEOUT_MS
  })
  return { ...times, toBuildMs: times.setupMs + times.builderMs }
}

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-'))
  const configFile = join(dir, 'buildkitd.toml')
  const deadline = Date.now() + BUDGET_MS
  const pairs = []
  let config = ''
  try {
    log(`warm-up pair (not counted); Node ${node}`)
    config = (await byAction(dist.bundle, 'w')).config
    await byHandRun('w', configFile)
    for (let i = 0; i < N && Date.now() < deadline; i++) {
      // Alternate which goes first, so neither always runs on a machine the other just warmed.
      const first = i % 2 === 0 ? 'action' : 'hand'
      const pair = {}
      for (const kind of first === 'action' ? ['action', 'hand'] : ['hand', 'action']) {
        pair[kind] = await retrying(
          `${kind} ${i}`,
          2,
          () => (kind === 'action' ? byAction(dist.bundle, i) : byHandRun(i, configFile)),
          log
        )
      }
      log(
        `pair ${i + 1}/${N}: action ${fmt(pair.action.totalMs, 0)} ms, by hand ${fmt(pair.hand.totalMs, 0)} ms ` +
          `(${first} first)`
      )
      pairs.push(pair)
    }
  } finally {
    const left = await removeBuilders(PREFIX)
    if (left.length > 0) log(`removed leftover builders: ${left.join(', ')}`)
    rmSync(dir, { recursive: true, force: true })
    dist.cleanup()
  }

  const med = (kind, key) => median(pairs.map(p => p[kind][key]))
  const rows = [
    [
      'up to the build (action: Node, inputs, image check, config, `create --bootstrap` with the preflight ' +
        'alongside / by hand: the config file, `create --bootstrap`)',
      'toBuildMs'
    ],
    ['build + push (action: also reading the index back, outputs, summary)', 'buildMs'],
    ['cleanup (post / `docker buildx rm`)', 'cleanupMs'],
    ['**total**', 'totalMs']
  ]
  const ratios = pairs.map(p => p.action.totalMs / p.hand.totalMs)
  const ratio = median(ratios)
  const out = []
  out.push(
    `### End to end on the stack, \`${CONTEXT}\`: action vs the same steps by hand (medians of N=${pairs.length} alternating pairs)`
  )
  out.push('')
  out.push(
    `Two platforms (${PLATFORMS}), \`${CONTEXT}\`, Docker Hub mirror http://${MIRROR}, push to ${PUSH} (a new tag ` +
      `each run), \`--no-cache\`, a new builder each run. Action on Node ${node}, bundle ${dist.id}.`
  )
  out.push('')
  out.push(
    table(
      ['phase (ms)', '>action', '>by hand', '>difference'],
      rows.map(([label, key]) => [
        label,
        fmt(med('action', key), 0),
        fmt(med('hand', key), 0),
        fmt(median(pairs.map(p => p.action[key] - p.hand[key])), 0)
      ])
    )
  )
  out.push('')
  out.push(
    `Ratio action / by hand: **${fmt(ratio, 3)}** (median of per-pair ratios; ${ratios.map(r => fmt(r, 3)).join(', ')}); ` +
      `ratio of medians ${fmt(med('action', 'totalMs') / med('hand', 'totalMs'), 3)}. ` +
      `Target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : '**not met**'}.`
  )
  out.push('')
  out.push(
    config.trim() === CONFIG.trim()
      ? 'The action generated the same buildkitd.toml as the one written by hand.'
      : `The action’s buildkitd.toml differs from the one written by hand:\n\n\`\`\`toml\n${config}\n\`\`\``
  )
  out.push('')
  out.push(loadNote(start))
  console.log(out.join('\n'))
}

runScript(main, PREFIX)
