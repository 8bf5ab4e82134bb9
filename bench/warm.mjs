// Unchanged rebuilds on the real stack (bash stack/up), four ways, for the same two-platform build pushed to the
// stack's registry through its mirror:
//   warm   the action with warm-builder: true, on the warm builder an earlier identical run left (run 2 and on);
//   fresh  the action on a new builder (the default), the image already in the registry from earlier runs;
//   hand   the same job typed by hand as buildx commands (bench/lib/by-hand.mjs), a new builder each time;
//   cache  the action on a new builder with `cache: registry`, the cache written by an earlier run.
// One warm-up round per context (not counted) makes the warm builder, the registry cache and the images; then N
// rounds, the order of the four ways rotating. Every run is checked against the registry; a run whose check
// fails is reported and left out of the medians. Everything runs in a buildx store of its own (BUILDX_CONFIG),
// so the machine user's builders are never touched, and the warm builder it made is removed at the end with
// the command README gives.
//
//   node bench/warm.mjs                                        # N=5 per context (plus one warm-up round)
//   BENCH_WARM_N=3 BENCH_WARM_CONTEXTS="examples/multi-arch" node bench/warm.mjs
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { lineTime, runAction } from './lib/action.mjs'
import { byHand, handConfig } from './lib/by-hand.mjs'
import {
  roundLine,
  busyReason,
  fmt,
  intFromEnv,
  median,
  removeBuilders,
  ROOT,
  run,
  REMOVE_WARM,
  table
} from './lib/common.mjs'
import { readIndex } from './lib/registry.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_WARM_N', 5)
const BUDGET_MS = intFromEnv('BENCH_WARM_BUDGET_S', 2400) * 1000
const RUN_TIMEOUT_MS = 300_000
const TARGET = 0.3
const CONTEXTS = (process.env.BENCH_WARM_CONTEXTS || 'examples/multi-arch bench/fixtures/cache')
  .split(/\s+/)
  .filter(Boolean)
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const WAYS = ['warm', 'fresh', 'hand', 'cache']
const LABELS = {
  warm: 'warm: `warm-builder: true`, builder left by an earlier run',
  fresh: 'fresh: the action, new builder',
  hand: 'by hand: create, build, rm',
  cache: 'cache: `cache: registry`, new builder'
}
const DIGEST = /^sha256:[0-9a-f]{64}$/
const WARM_NAME = /^mpb-warm-[0-9a-f]{16}$/
// README "Warm builders on self-hosted runners": how to remove them all by hand.

const { log, PUSH, MIRROR, runId, PREFIX } = stackBench('warm')

// A buildx store of this run's own: every child (the action, buildx by hand, removeBuilders) inherits it.
const STORE = mkdtempSync(join(tmpdir(), 'bench-warm-store-'))
process.env.BUILDX_CONFIG = STORE

const sameList = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())

/** Dockerfile steps BuildKit shows as numbered vertices (FROM aside), times the platforms: what can be cached. */
function stepCount(context) {
  const dockerfile = readFileSync(resolve(ROOT, context, 'Dockerfile'), 'utf8')
  const steps = dockerfile.split('\n').filter(line => /^\s*(RUN|COPY|ADD|WORKDIR)\s/i.test(line)).length
  return steps * PLATFORMS.length
}

/** The tag holds the index of `digest`, with both platforms, read back from the registry. */
async function checkRegistry(repository, tag, digest) {
  const stored = await readIndex(PUSH, repository, tag)
  if (stored.digest !== digest) throw new Error(`the tag holds ${stored.digest}, the run gave ${digest}`)
  if (!sameList(Object.keys(stored.platforms), PLATFORMS))
    throw new Error(`the index holds ${Object.keys(stored.platforms).join(', ') || 'no platform'}`)
}

async function byAction(bundle, way, context, label, expectWarm) {
  const repository = `bench/warm-${runId}-${basename(context)}-${way}`
  const tag = `r${label}`
  const result = await runAction({
    bundle,
    inputs: {
      context,
      platforms: PLATFORMS.join(','),
      'registry-mirrors': `http://${MIRROR}`,
      tags: `${PUSH}/${repository}:${tag}`,
      // The same on every action run: it only names this bench run in the builder's fingerprint, so the warm
      // builder is this run's own and no other run's builder container has its name.
      'driver-opts': `env.MPB_BENCH_RUN=${runId}`,
      ...(way === 'warm'
        ? { 'warm-builder': 'true' }
        : { 'builder-name': `${PREFIX}-${basename(context)}-${way}-${label}` }),
      ...(way === 'cache' ? { cache: 'registry' } : {})
    },
    timeoutMs: RUN_TIMEOUT_MS
  })
  if (!result.ok) {
    const why = result.main.timedOut
      ? 'timed out'
      : `main exit ${result.main.code}, post exit ${result.post.code}`
    throw new Error(`${why}: ${result.errors.join(' ').slice(0, 400) || result.main.stderr.slice(-400)}`)
  }
  const { outputs } = result
  const digest = outputs.digest ?? ''
  if (!DIGEST.test(digest)) throw new Error(`no digest output (got "${digest}")`)
  await checkRegistry(repository, tag, digest)
  const create = lineTime(result, /^\[command\]docker buildx create/)
  const build = lineTime(result, /^\[command\]docker buildx build/)
  if (build === undefined) throw new Error('no buildx build ran')
  const cached = Number(outputs['cached-steps'])
  if (expectWarm) {
    const steps = stepCount(context)
    if (!WARM_NAME.test(outputs.builder ?? '')) throw new Error(`builder output "${outputs.builder}"`)
    if (outputs['builder-reused'] !== 'true')
      throw new Error(`builder-reused is "${outputs['builder-reused']}"`)
    if (create !== undefined) throw new Error('a buildx create ran on a warm rebuild')
    if (cached !== steps)
      throw new Error(`cached-steps is ${outputs['cached-steps']}, the build has ${steps}`)
  }
  return {
    totalMs: result.totalMs,
    beforeBuildMs: build - result.started,
    buildMs: result.postStarted - build,
    postMs: result.post.wallMs,
    cached,
    builder: outputs.builder ?? '',
    warnings: result.warnings.map(w => w.replace(/^::warning[^:]*::/, '').replace(/%0A/g, ' '))
  }
}

async function byHandRun(context, label, dir) {
  const repository = `bench/warm-${runId}-${basename(context)}-hand`
  const tag = `r${label}`
  const metadataFile = join(dir, 'metadata.json')
  rmSync(metadataFile, { force: true })
  const phases = await byHand({
    name: `${PREFIX}-${basename(context)}-hand-${label}`,
    config: handConfig(MIRROR),
    configFile: join(dir, 'buildkitd.toml'),
    platforms: PLATFORMS.join(','),
    context,
    tag: `${PUSH}/${repository}:${tag}`,
    metadataFile,
    timeoutMs: RUN_TIMEOUT_MS
  })
  const digest = JSON.parse(readFileSync(metadataFile, 'utf8'))['containerimage.digest'] ?? ''
  if (!DIGEST.test(digest)) throw new Error(`no digest in the metadata file (got "${digest}")`)
  await checkRegistry(repository, tag, digest)
  return {
    totalMs: phases.totalMs,
    beforeBuildMs: phases.setupMs + phases.builderMs,
    buildMs: phases.buildMs,
    postMs: phases.cleanupMs,
    cached: NaN,
    builder: '',
    warnings: []
  }
}

/** One round: the four ways in an order that rotates with the round; a failed run is recorded, not measured. */
async function round(bundle, context, i, label, dir) {
  const order = WAYS.map((_, k) => WAYS[(k + i) % WAYS.length])
  const busy = await busyReason()
  const result = { label, busy, load: loadavg()[0], failures: [] }
  for (const way of order) {
    try {
      result[way] =
        way === 'hand'
          ? await byHandRun(context, label, dir)
          : await byAction(bundle, way, context, label, way === 'warm' && label !== 'w')
    } catch (error) {
      result.failures.push(`${way}: ${error.message}`)
      log(`${basename(context)} round ${label} ${way} FAILED: ${error.message}`)
    }
  }
  log(roundLine(context, label, result, WAYS, w => w.totalMs, order, busy))
  return result
}

function contextTable(context, rounds, warmup) {
  const ok = way => rounds.filter(r => r[way])
  const med = (way, key) => median(ok(way).map(r => r[way][key]))
  const ratios = (way, key) => rounds.filter(r => r[way] && r.fresh).map(r => r[way][key] / r.fresh[key])
  const ratioCell = (way, key) => {
    if (way === 'fresh') return '1'
    const list = ratios(way, key)
    return list.length === 0 ? '–' : `**${fmt(median(list), 2)}** (${list.map(x => fmt(x, 2)).join(', ')})`
  }
  const steps = stepCount(context)
  const rows = WAYS.map(way => [
    LABELS[way],
    fmt(med(way, 'totalMs'), 0),
    ratioCell(way, 'totalMs'),
    fmt(med(way, 'beforeBuildMs'), 0),
    fmt(med(way, 'buildMs'), 0),
    ratioCell(way, 'buildMs'),
    fmt(med(way, 'postMs'), 0),
    way === 'hand' ? '–' : `${fmt(med(way, 'cached'), 0)} of ${steps}`,
    `${ok(way).length} of ${rounds.length}`
  ])
  const warm = median(ratios('warm', 'totalMs'))
  const out = []
  out.push(`#### \`${context}\` (medians, ms)`)
  out.push('')
  out.push(
    table(
      [
        'unchanged rebuild',
        '>main + post (by hand: all commands)',
        '>/ fresh',
        '>before `buildx build`',
        '>`buildx build` → end of main',
        '>/ fresh',
        '>post (by hand: `buildx rm`)',
        '>steps cached',
        '>rounds counted'
      ],
      rows
    )
  )
  out.push('')
  out.push(
    `Warm / fresh (main + post, median of per-round ratios): **${fmt(warm, 2)}**; target ≤ ${TARGET}: ` +
      `${warm <= TARGET ? '**met**' : '**not met**'}. Warm / by hand: ${fmt(
        median(rounds.filter(r => r.warm && r.hand).map(r => r.warm.totalMs / r.hand.totalMs)),
        2
      )}.`
  )
  const failures = [...(warmup ? [warmup] : []), ...rounds].flatMap(r =>
    r.failures.map(f => `round ${r.label}${r === warmup ? ' (warm-up)' : ''}: ${f}`)
  )
  out.push('')
  out.push(
    failures.length === 0
      ? 'Every run of every round (warm-up included) passed its checks.'
      : `**Failed** (left out of the medians):\n\n${failures.map(f => `- ${f}`).join('\n')}`
  )
  const cacheWarnings = [...new Set(ok('cache').flatMap(r => r.cache.warnings.filter(w => /cache/i.test(w))))]
  if (cacheWarnings.length > 0) {
    out.push('')
    out.push(
      `Cache warnings in the \`cache: registry\` runs: ${cacheWarnings.map(w => w.slice(0, 200)).join('; ')}`
    )
  }
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

/** README's command for removing every warm builder, in this run's store; then what is left of them. */
async function removeWarmBuilders(names) {
  const removal = await run('bash', ['-c', REMOVE_WARM], { timeoutMs: 120_000 })
  if (removal.code !== 0) log(`removing warm builders: exit ${removal.code}: ${removal.stderr.trim()}`)
  const listed = await run('docker', ['buildx', 'ls', '--format', '{{.Name}}'], { timeoutMs: 30_000 })
  const left = listed.stdout.split('\n').filter(name => WARM_NAME.test(name))
  const docker = args => execFileSync('docker', args, { encoding: 'utf8', timeout: 30_000 }).trim()
  // Its container and its state volume (the cache) go with it: `buildx rm` keeps neither unless told to.
  const containers = names.flatMap(name => {
    const found = [
      docker(['ps', '-a', '--filter', `name=^buildx_buildkit_${name}0$`, '--format', '{{.Names}}']),
      docker(['volume', 'ls', '-q', '--filter', `name=^buildx_buildkit_${name}0_state$`])
    ]
    return found.filter(Boolean)
  })
  return { left, containers }
}

// Killed from outside (run-all.sh's section timeout, Ctrl-C): the warm builder would outlive the run in a store
// no one knows of, so README's command runs before exiting.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: removing the warm builders of ${STORE}`)
    try {
      execFileSync('bash', ['-c', REMOVE_WARM], { stdio: 'ignore', timeout: 120_000 })
    } finally {
      rmSync(STORE, { recursive: true, force: true })
      process.exit(130)
    }
  })
}

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const dir = mkdtempSync(join(tmpdir(), 'bench-warm-'))
  const deadline = Date.now() + BUDGET_MS
  const byContext = []
  const warmNames = new Set()
  let cleanup = ''
  const startedAt = new Date()
  try {
    for (const context of CONTEXTS) {
      log(`${context}: warm-up round (not counted); Node ${node}; buildx store ${STORE}`)
      const warmup = await round(dist.bundle, context, 0, 'w', dir)
      if (warmup.warm) warmNames.add(warmup.warm.builder)
      const rounds = []
      for (let i = 0; i < N && Date.now() < deadline; i++) {
        const r = await round(dist.bundle, context, i + 1, String(i + 1), dir)
        if (r.warm) warmNames.add(r.warm.builder)
        rounds.push(r)
      }
      byContext.push({ context, warmup, rounds })
    }
  } finally {
    const { left, containers } = await removeWarmBuilders([...warmNames])
    cleanup =
      left.length === 0 && containers.length === 0
        ? `Removed at the end with README's command (\`BUILDX_CONFIG\` set to the bench's store): ` +
          `${[...warmNames].map(n => `\`${n}\``).join(', ') || 'no warm builder had been made'}; ` +
          'none is listed and no container or state volume of theirs is left.'
        : `**Left behind** after README's command: builders ${left.join(', ') || 'none'}, containers ` +
          `and volumes ${containers.join(', ') || 'none'}.`
    const stray = await removeBuilders(PREFIX)
    if (stray.length > 0) log(`removed leftover builders: ${stray.join(', ')}`)
    rmSync(dir, { recursive: true, force: true })
    rmSync(STORE, { recursive: true, force: true })
    dist.cleanup()
  }

  const out = []
  out.push(
    `### Warm builders and cache: unchanged rebuild four ways (N=${byContext[0]?.rounds.length ?? 0} rounds)`
  )
  out.push('')
  out.push(
    `Two platforms (${PLATFORMS.join(', ')}), Docker Hub mirror http://${MIRROR}, push to ${PUSH}, ` +
      `action on Node ${node}, bundle ${dist.id}; started ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}. ` +
      'Each way rebuilds the unchanged context into a repository of its own that already holds the image ' +
      '(a new tag per run). **warm**: `warm-builder: true`; the warm-up round made the builder, so every ' +
      'counted run is the 2nd or later on it. **fresh**: the action with a new builder (the default), no cache ' +
      'options. **by hand**: `bench/lib/by-hand.mjs` (write buildkitd.toml, `buildx create --bootstrap`, ' +
      '`buildx build --push`, `buildx rm`), as in `bench/e2e.mjs` but without `--no-cache`. **cache**: the ' +
      'action with a new builder and `cache: registry` (`REPOSITORY:buildcache`, written by the warm-up ' +
      'round and again by each run). One warm-up round per context is not counted; the order of the four ' +
      'ways rotates from round to round. Every action run also carries `driver-opts: env.MPB_BENCH_RUN=<run>` ' +
      `so the warm builder is this run's own; all of it runs in a private buildx store (\`BUILDX_CONFIG\`).`
  )
  out.push('')
  out.push(
    'Checked for every run, read back from the registry: exit codes 0 and no `::error`, a digest output ' +
      '(by hand: `--metadata-file`), the tag holds that index with both platforms; warm runs also ' +
      '`builder-reused=true`, an `mpb-warm-…` builder, no `buildx create`, and `cached-steps` equal to the ' +
      'steps of the build (RUN/COPY lines × platforms). Ratios are medians of per-round ratios to the fresh ' +
      'run of the same round (each ratio listed). _before `buildx build`_ is from the start of main to the ' +
      "action's `[command]docker buildx build` line (by hand: writing the config + `buildx create " +
      '--bootstrap`); the build step runs to the end of main (the action also reads the index back, writes ' +
      'outputs and the summary).'
  )
  for (const { context, warmup, rounds } of byContext) {
    out.push('')
    out.push(contextTable(context, rounds, warmup))
  }
  out.push('')
  out.push(cleanup)
  out.push('')
  out.push(loadNote(start))
  console.log(out.join('\n'))
}

runScript(main, PREFIX)
