// Split builds against one build on the real stack (bash stack/up): the same two-platform image made by one
// action run (single), or by one push-by-digest run per platform (legs, as two jobs on two runners) and one
// merge-digests run. The legs run once concurrently (two runners at the same time; on this machine they share
// its cores) and once one after the other (each alone, as on two real runners of their own). N rounds per
// context, the order of the three variants rotating, after one warm-up round that is not counted. Every run is
// checked against the registry; a variant whose check fails is reported as failed and left out of the medians.
//
//   node bench/split.mjs                                        # N=3 per context (plus one warm-up round)
//   BENCH_SPLIT_N=5 BENCH_SPLIT_CONTEXTS="examples/multi-arch" node bench/split.mjs
import { basename } from 'node:path'
import { loadavg } from 'node:os'
import { lineTime, runAction } from './lib/action.mjs'
import {
  roundLine,
  busyReason,
  fmt,
  intFromEnv,
  machineLine,
  max,
  median,
  removeBuilders,
  table
} from './lib/common.mjs'
import { readIndex } from './lib/registry.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_SPLIT_N', 3)
const BUDGET_MS = intFromEnv('BENCH_SPLIT_BUDGET_S', 2400) * 1000
const RUN_TIMEOUT_MS = 300_000
const CONTEXTS = (process.env.BENCH_SPLIT_CONTEXTS || 'examples/multi-arch bench/fixtures/cache')
  .split(/\s+/)
  .filter(Boolean)
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const VARIANTS = ['single', 'concurrent', 'sequential']
const DIGEST = /^sha256:[0-9a-f]{64}$/

const { log, PUSH, MIRROR, runId, PREFIX } = stackBench('split')

const arch = platform => platform.split('/')[1]
const sameList = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())

/** One action run (main + post) on a builder of its own; throws unless it succeeded and output a digest. */
async function job(bundle, label, context, inputs) {
  const result = await runAction({
    bundle,
    inputs: {
      context,
      'registry-mirrors': `http://${MIRROR}`,
      'no-cache': 'true',
      'builder-name': `${PREFIX}-${label}`,
      ...inputs
    },
    timeoutMs: RUN_TIMEOUT_MS
  })
  if (!result.ok) {
    const why = result.main.timedOut
      ? 'timed out'
      : `main exit ${result.main.code}, post exit ${result.post.code}`
    throw new Error(
      `${label}: ${why}: ${result.errors.join(' ').slice(0, 400) || result.main.stderr.slice(-400)}`
    )
  }
  const digest = result.outputs.digest ?? ''
  if (!DIGEST.test(digest)) throw new Error(`${label}: no digest output (got "${digest}")`)
  const build = lineTime(result, /^\[command\]docker buildx build/)
  return {
    digest,
    ms: result.totalMs,
    buildMs: build === undefined ? NaN : result.postStarted - build,
    built: build !== undefined
  }
}

/** Both platforms in one run, checked: the tag holds the index of the digest output, with both platforms. */
async function single(bundle, context, round) {
  const repository = `bench/split-${runId}-${basename(context)}-${round}-single`
  const run = await job(bundle, `${round}-single`, context, {
    tags: `${PUSH}/${repository}:r${round}`,
    platforms: PLATFORMS.join(',')
  })
  const stored = await readIndex(PUSH, repository, `r${round}`)
  if (stored.digest !== run.digest)
    throw new Error(`the tag holds ${stored.digest}, the run output ${run.digest}`)
  if (!sameList(Object.keys(stored.platforms), PLATFORMS))
    throw new Error(`the index holds ${Object.keys(stored.platforms).join(', ') || 'no platform'}`)
  return { single: run, criticalMs: run.ms, sumMs: run.ms }
}

/** One platform pushed by digest, checked: the digest is in the registry and holds that platform alone. */
async function leg(bundle, context, round, variant, repository, platform) {
  const run = await job(bundle, `${round}-${variant}-${arch(platform)}`, context, {
    tags: `${PUSH}/${repository}`,
    platforms: platform,
    'push-by-digest': 'true'
  })
  if (!run.built) throw new Error(`leg ${platform}: no buildx build ran`)
  const stored = await readIndex(PUSH, repository, run.digest)
  if (stored.digest !== run.digest) throw new Error(`leg ${platform}: the registry served other bytes`)
  if (!sameList(Object.keys(stored.platforms), [platform]))
    throw new Error(
      `leg ${platform}: its index holds ${Object.keys(stored.platforms).join(', ') || 'nothing'}`
    )
  return { ...run, image: stored.platforms[platform] }
}

/**
 * The legs (both at once, or one after the other), then the merge, checked: the tag holds the index of the
 * merge's digest output, with both platforms, each the very image its leg pushed.
 */
async function split(bundle, context, round, variant) {
  const repository = `bench/split-${runId}-${basename(context)}-${round}-${variant}`
  const oneLeg = platform => leg(bundle, context, round, variant, repository, platform)
  const legs = []
  if (variant === 'concurrent') {
    // allSettled: a failing leg must not leave the other running while the round is given up.
    const settled = await Promise.allSettled(PLATFORMS.map(oneLeg))
    const failed = settled.filter(s => s.status === 'rejected').map(s => s.reason.message)
    if (failed.length > 0) throw new Error(failed.join('; '))
    legs.push(...settled.map(s => s.value))
  } else {
    for (const platform of PLATFORMS) legs.push(await oneLeg(platform))
  }
  const merge = await job(bundle, `${round}-${variant}-merge`, context, {
    tags: `${PUSH}/${repository}:r${round}`,
    platforms: PLATFORMS.join(','),
    'merge-digests': legs.map(l => l.digest).join('\n')
  })
  if (merge.built) throw new Error('merge: a buildx build ran')
  const stored = await readIndex(PUSH, repository, `r${round}`)
  if (stored.digest !== merge.digest)
    throw new Error(`merge: the tag holds ${stored.digest}, the run output ${merge.digest}`)
  if (!sameList(Object.keys(stored.platforms), PLATFORMS))
    throw new Error(`merge: the index holds ${Object.keys(stored.platforms).join(', ') || 'no platform'}`)
  PLATFORMS.forEach((platform, i) => {
    if (stored.platforms[platform] !== legs[i].image)
      throw new Error(`merge: ${platform} is ${stored.platforms[platform]}, its leg pushed ${legs[i].image}`)
  })
  return {
    amd64: legs[0],
    arm64: legs[1],
    merge,
    criticalMs: max(legs.map(l => l.ms)) + merge.ms,
    sumMs: legs[0].ms + legs[1].ms + merge.ms
  }
}

/** One round: the three variants in an order that rotates with the round; a failed variant is recorded. */
async function round(bundle, context, i, label) {
  const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length])
  const busy = await busyReason()
  const result = { label, busy, load: loadavg()[0], failures: [] }
  for (const variant of order) {
    try {
      result[variant] =
        variant === 'single'
          ? await single(bundle, context, label)
          : await split(bundle, context, label, variant)
    } catch (error) {
      result.failures.push(`${variant}: ${error.message}`)
      log(`round ${label} ${variant} FAILED: ${error.message}`)
    }
  }
  log(roundLine(context, label, result, VARIANTS, v => v.criticalMs, order, busy))
  return result
}

function contextTable(context, rounds, warmup) {
  const ok = variant => rounds.filter(r => r[variant])
  const med = (variant, pick) => median(ok(variant).map(r => pick(r[variant])))
  const cell = (variant, pick) => fmt(med(variant, pick), 0)
  const ratios = variant =>
    rounds.filter(r => r[variant] && r.single).map(r => r[variant].criticalMs / r.single.criticalMs)
  const ratioCell = variant =>
    variant === 'single'
      ? '1'
      : ratios(variant).length === 0
        ? '–'
        : `**${fmt(median(ratios(variant)), 2)}** (${ratios(variant)
            .map(x => fmt(x, 2))
            .join(', ')})`
  const row = (label, picks) => [label, ...VARIANTS.map(v => (picks[v] ? cell(v, picks[v]) : ''))]
  const rows = [
    row('one run, both platforms', { single: r => r.single.ms }),
    row('— of which `buildx build` → end of main', { single: r => r.single.buildMs }),
    ...PLATFORMS.flatMap(platform => [
      row(`leg ${platform} (push-by-digest)`, {
        concurrent: r => r[arch(platform)].ms,
        sequential: r => r[arch(platform)].ms
      }),
      row('— of which `buildx build` → end of main', {
        concurrent: r => r[arch(platform)].buildMs,
        sequential: r => r[arch(platform)].buildMs
      })
    ]),
    row('merge (merge-digests)', { concurrent: r => r.merge.ms, sequential: r => r.merge.ms }),
    row('**critical path** (single; max(legs) + merge)', {
      single: r => r.criticalMs,
      concurrent: r => r.criticalMs,
      sequential: r => r.criticalMs
    }),
    ['**split / single** (median of per-round ratios)', ...VARIANTS.map(ratioCell)],
    row('job time summed (runner time)', {
      single: r => r.sumMs,
      concurrent: r => r.sumMs,
      sequential: r => r.sumMs
    }),
    ['rounds checked and counted', ...VARIANTS.map(v => `${ok(v).length} of ${rounds.length}`)]
  ]
  const out = []
  out.push(`#### \`${context}\` (medians, ms; each job is main + post of one action run)`)
  out.push('')
  out.push(table(['job', '>single', '>split, legs concurrent', '>split, legs one after the other'], rows))
  const failures = [...(warmup ? [warmup] : []), ...rounds].flatMap(r =>
    r.failures.map(f => `round ${r.label}${r === warmup ? ' (warm-up)' : ''}: ${f}`)
  )
  out.push('')
  out.push(
    failures.length === 0
      ? 'Every run of every round (warm-up included) passed its checks.'
      : `**Failed** (left out of the medians):\n\n${failures.map(f => `- ${f}`).join('\n')}`
  )
  const busy = rounds.filter(r => r.busy)
  out.push('')
  out.push(
    `Load average (1 min) at each round's start: ${rounds.map(r => r.load.toFixed(2)).join(', ')}` +
      (busy.length > 0
        ? `; not quiet at the start of ${busy.length} of ${rounds.length} rounds (\`${busy[0].busy.slice(0, 90).replace(/`/g, "'")}\`).`
        : '.')
  )
  return out.join('\n')
}

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const deadline = Date.now() + BUDGET_MS
  const byContext = []
  try {
    for (const context of CONTEXTS) {
      log(`${context}: warm-up round (not counted); Node ${node}`)
      const warmup = await round(dist.bundle, context, 0, 'w')
      const rounds = []
      for (let i = 0; i < N && Date.now() < deadline; i++) {
        rounds.push(await round(dist.bundle, context, i + 1, String(i + 1)))
      }
      byContext.push({ context, warmup, rounds })
    }
  } finally {
    const left = await removeBuilders(PREFIX)
    if (left.length > 0) log(`removed leftover builders: ${left.join(', ')}`)
    dist.cleanup()
  }

  const out = []
  out.push(`### Split vs single: push-by-digest legs + merge against one two-platform run (N=${N} rounds)`)
  out.push('')
  out.push(
    `Two platforms (${PLATFORMS.join(', ')}), Docker Hub mirror http://${MIRROR}, push to ${PUSH} (a new ` +
      'repository per run, so no run finds blobs another pushed), `no-cache`, a new builder for every run as the ' +
      `action makes; action on Node ${node}, bundle ${dist.id}. Single: one action run for both platforms. Split: ` +
      'one `push-by-digest` run per platform, then one `merge-digests` run of their digest outputs (no build). ' +
      'Critical path: single, or the slower leg plus the merge (what a workflow waits for when each leg has a ' +
      'runner of its own). Rounds rotate the order single → concurrent → sequential; one warm-up round per ' +
      'context is not counted. Checked for every run, read back from the registry: exit codes 0 and no error, ' +
      'a digest output; single: the tag holds that index with both platforms; a leg: its digest holds its ' +
      'platform alone; the merge: the tag holds its digest output, both platforms, each the image its leg pushed.'
  )
  out.push('')
  out.push(
    '**Legs concurrent** run both legs at the same time on this machine, as two jobs on two runners would start, ' +
      'but here they compete for the same 2 cores (and the arm64 leg runs under QEMU), unlike two real ' +
      'runners. **Legs one after the other** runs each leg alone; its critical path (max(legs) + merge) is the ' +
      'closer estimate of two real runners, and its summed job time is what one runner doing all three jobs pays.'
  )
  for (const { context, warmup, rounds } of byContext) {
    out.push('')
    out.push(contextTable(context, rounds, warmup))
  }
  out.push('')
  out.push(`Machine: ${machineLine()}. ${loadNote(start)}`)
  console.log(out.join('\n'))
  const counted = byContext.flatMap(c => c.rounds).filter(r => VARIANTS.every(v => r[v]))
  if (counted.length === 0) {
    log('no round passed its checks in every variant')
    process.exit(1)
  }
}

runScript(main, PREFIX)
