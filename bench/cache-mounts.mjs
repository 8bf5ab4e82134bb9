// cache-mounts on the real stack: a Go module whose dependencies come from a Go module server only the named proxy
// reaches (the module and compile caches are cache mounts), built after a source change on a new builder:
//   cold      no cache options
//   layer     cache-from/cache-to type=registry (the layer cache alone)
//   mounts    cache-mounts with its own reference (restored before, saved after)
//   warm      warm-builder: true, the builder an earlier run left (its mounts are on it)
//   loopback  as cold, but the module server answers at loopback speed
// The module server of every run but `loopback` answers over a modelled slow path (BENCH_CACHE_MOUNTS_LINK,
// `<Mbit/s>mbit/<ms>ms`, default 20mbit/100ms: one link of that rate shared by all answers, each answer starting
// that many ms after its request), as a proxy to a module mirror far away does; `none` drops the model and the
// loopback run. The model is the bench's: the stack has no slow network, and loopback makes downloads free.
// One warm-up round primes the layer cache, the mounts and the warm builder; then N rounds, the order of the
// kinds rotating from round to round; every build changes the source first, and settles the disk as on a fresh
// runner (settleDisk; BENCH_SETTLE=none leaves it). Medians and per-round ratios.
//
// The fixture (BENCH_CACHE_MOUNTS_FIXTURE):
//   service  (default) bench/fixtures/cache-mounts-service, a small gRPC + HTTP service with real third-party
//            modules, served from a copy of the versions its go.sum names taken from this machine's Go module cache
//   hello    the e2e test's fixture: one tiny module and net/http (a new builder's fixed costs swamp its compile)
//
//   node bench/cache-mounts.mjs          # N=3, service, 20mbit/100ms
//   BENCH_CACHE_MOUNTS_N=5 BENCH_CACHE_MOUNTS_FIXTURE=hello BENCH_CACHE_MOUNTS_LINK=none node bench/cache-mounts.mjs
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import goModules from '../__tests__/support/go-modules.cjs'
import { lineTime, runAction } from './lib/action.mjs'
import {
  fmt,
  intFromEnv,
  median,
  REMOVE_WARM,
  removeBuilders,
  retrying,
  ROOT,
  settleDisk,
  table
} from './lib/common.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_CACHE_MOUNTS_N', 3)
const BUDGET_MS = intFromEnv('BENCH_CACHE_MOUNTS_BUDGET_S', 2400) * 1000
const { log, stack, PUSH, MIRROR, runId, PREFIX } = stackBench('cache-mounts')
const MODULES_MAX_BYTES = 200 * 1024 ** 2
const LINK = parseLink(process.env.BENCH_CACHE_MOUNTS_LINK ?? '20mbit/100ms')
const KINDS = LINK ? ['cold', 'layer', 'mounts', 'warm', 'loopback'] : ['cold', 'layer', 'mounts', 'warm']

/** `<Mbit/s>mbit/<ms>ms`, or `none`. */
function parseLink(text) {
  if (text === 'none') return undefined
  const match = /^(\d+(?:\.\d+)?)mbit\/(\d+)ms$/.exec(text)
  if (!match) throw new Error(`BENCH_CACHE_MOUNTS_LINK=${text}: write <Mbit/s>mbit/<ms>ms, or none`)
  return { mbit: Number(match[1]), bytesPerSecond: (Number(match[1]) * 1e6) / 8, delayMs: Number(match[2]) }
}
const LINK_TEXT = LINK
  ? `a modelled path of ${LINK.mbit} Mbit/s shared by all answers, each starting ${LINK.delayMs} ms after its request`
  : 'loopback speed'
const FIXTURES = {
  service: {
    dir: 'bench/fixtures/cache-mounts-service',
    about:
      'A small Go service, `bench/fixtures/cache-mounts-service` (urfave/cli, sigs.k8s.io/yaml, logrus, x/text, ' +
      'gRPC with health and reflection, protobuf; their go.sum committed), its modules served from a copy of the ' +
      "versions its go.sum names, taken from this machine's Go module cache",
    start: link =>
      goModules.startCopiedModuleServer(
        readFileSync(join(ROOT, 'bench/fixtures/cache-mounts-service/go.sum'), 'utf8'),
        join(
          execFileSync('/usr/local/go/bin/go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(),
          'cache/download'
        ),
        MODULES_MAX_BYTES,
        link
      )
  },
  hello: {
    dir: '__tests__/e2e/fixtures/cache-mounts-go',
    about:
      'The Go fixture of `__tests__/e2e/cache-mounts.e2e.test.ts` (one tiny dependency and net/http), its module ' +
      'served by a module server of its own',
    start: link =>
      goModules.startModuleServer(
        goModules.GREET.module,
        goModules.GREET.version,
        goModules.GREET.files,
        link
      )
  }
}
const FIXTURE_NAME = process.env.BENCH_CACHE_MOUNTS_FIXTURE || 'service'
const FIXTURE = FIXTURES[FIXTURE_NAME]
if (!FIXTURE)
  throw new Error(
    `BENCH_CACHE_MOUNTS_FIXTURE=${FIXTURE_NAME}: not a fixture; use one of ${Object.keys(FIXTURES).join(', ')}`
  )
const LABELS = {
  cold: 'cold: a new builder, no cache options',
  layer: 'layer cache: a new builder, `cache-from`/`cache-to` type=registry',
  mounts: 'cache mounts: a new builder, `cache-mounts` (restored, then saved)',
  warm: 'warm: `warm-builder: true`, builder left by an earlier run',
  loopback: 'cold, the module server at loopback speed'
}

// A buildx store of this run's own, so its warm builder is new and removed at the end.
const STORE = mkdtempSync(join(tmpdir(), 'bench-cache-mounts-store-'))
process.env.BUILDX_CONFIG = STORE

let edition = 0
// Why the disk was not settled before some run, if it was not (settleDisk).
const unsettled = new Set()
async function build(bundle, kind, label, source, servers, goImage) {
  const server = kind === 'loopback' ? servers.loopback : servers.main
  edition += 1
  const main = join(source, 'main.go')
  writeFileSync(
    main,
    readFileSync(main, 'utf8').replace(/const edition = "[^"]*"/, `const edition = "e${edition}"`)
  )
  const before = server.requests.length
  const options = {
    cold: {},
    loopback: {},
    layer: {
      'cache-from': `type=registry,ref=${PUSH}/bench/cache-mounts-layers:${runId}`,
      'cache-to': `type=registry,ref=${PUSH}/bench/cache-mounts-layers:${runId},mode=max`
    },
    mounts: { 'cache-mounts': `${PUSH}/bench/cache-mounts:${runId}` },
    warm: { 'warm-builder': 'true', 'driver-opts': `env.MPB_BENCH_RUN=${runId}` }
  }[kind]
  const settled = settleDisk()
  if (!settled.done) unsettled.add(settled.why)
  const result = await runAction({
    bundle,
    inputs: {
      context: source,
      platforms: 'linux/amd64',
      'registry-mirrors': `http://${MIRROR}`,
      'http-proxy': stack.STACK_NAMED_PROXY,
      'https-proxy': stack.STACK_NAMED_PROXY,
      'build-args': `GO_IMAGE=${goImage}\nGOPROXY=http://${stack.STACK_PROXY_ONLY_WEB_NAME}:${server.port}`,
      tags: `${PUSH}/bench/cache-mounts-image:${runId}-${label}-${kind}`,
      ...(kind === 'warm' ? {} : { 'builder-name': `${PREFIX}-${kind}-${label}` }),
      ...options
    },
    timeoutMs: 900_000
  })
  if (!result.ok)
    throw new Error(
      `${kind} ${label} failed:\n${result.errors.join('\n')}\n${result.main.stdout.slice(-3000)}`
    )
  if (server.requests.length > before)
    log(`${kind} ${label}: module requests ${server.requests.slice(before).join(' ')}`)
  const mounts = result.outputs['cache-mounts'] ? JSON.parse(result.outputs['cache-mounts']) : undefined
  // The build itself: from its command line to the save (or to post, where there is none).
  const buildStart = lineTime(result, /^\[command\]\S*docker buildx build .*--metadata-file/) ?? NaN
  const buildEnd = lineTime(result, /^::group::Cache mounts: save/) ?? result.postStarted
  return {
    totalMs: result.totalMs,
    buildMs: buildEnd - buildStart,
    fetches: server.requests.length - before,
    restoreMs: mounts?.restoreMs ?? 0,
    saveMs: mounts?.saveMs ?? 0,
    savedBytes: mounts?.savedBytes ?? 0
  }
}

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const served = await FIXTURE.start(LINK && goModules.modelLink(LINK))
  const servers = { main: served, loopback: LINK ? await FIXTURE.start(undefined) : served }
  if (served.bytes !== undefined)
    log(`module server: ${fmt(served.bytes / 1024 ** 2, 1)} MB of modules copied`)
  const goImage = await goModules.goToolchainImage(PUSH)
  const source = mkdtempSync(join(tmpdir(), 'bench-cache-mounts-'))
  cpSync(join(ROOT, FIXTURE.dir), source, { recursive: true })
  const deadline = Date.now() + BUDGET_MS
  const results = Object.fromEntries(KINDS.map(kind => [kind, []]))
  const rounds = []
  try {
    for (const kind of ['layer', 'mounts', 'warm']) {
      const r = await retrying(
        `warm-up ${kind}`,
        2,
        () => build(dist.bundle, kind, 'w', source, servers, goImage),
        log
      )
      log(`warm-up ${kind}: ${fmt(r.totalMs, 0)} ms, ${r.fetches} module requests`)
    }
    for (let i = 0; i < N && Date.now() < deadline; i++) {
      const order = KINDS.map((_, at) => KINDS[(at + i) % KINDS.length])
      const round = {}
      for (const kind of order) {
        round[kind] = await retrying(
          `${kind} ${i}`,
          2,
          () => build(dist.bundle, kind, String(i), source, servers, goImage),
          log
        )
        results[kind].push(round[kind])
      }
      rounds.push(round)
      log(
        `round ${i + 1}/${N} (${order.join(' → ')}): ` +
          KINDS.map(
            kind => `${kind} ${fmt(round[kind].totalMs, 0)} ms (${round[kind].fetches} fetches)`
          ).join(', ')
      )
    }
  } finally {
    await served.close()
    if (servers.loopback !== served) await servers.loopback.close()
    rmSync(source, { recursive: true, force: true })
    const left = await removeBuilders(PREFIX)
    if (left.length > 0) log(`removed leftover builders: ${left.join(', ')}`)
    try {
      execFileSync('bash', ['-c', REMOVE_WARM], { stdio: 'ignore', timeout: 120_000 })
    } finally {
      rmSync(STORE, { recursive: true, force: true })
    }
    dist.cleanup()
  }
  const med = kind => median(results[kind].map(r => r.totalMs))
  const cold = med('cold')
  const out = []
  out.push(`### Cache mounts after a source change (medians of N=${rounds.length} rounds)`)
  out.push('')
  out.push(
    `${FIXTURE.about} (fixture \`${FIXTURE_NAME}\`; this machine's Go on busybox, amd64; the module server ` +
      `only the named proxy reaches, answering at ${LINK_TEXT}; \`RUN --mount=type=cache\` on the module ` +
      'cache and the compile cache), ' +
      'one line of main.go changed before every build, pushed to ' +
      `${PUSH}. Action on Node ${node}, bundle ${dist.id}; main + post. ` +
      (unsettled.size === 0
        ? 'Before every run the disk was settled as on a fresh runner (`sync`, clean page cache dropped; ' +
          '`BENCH_SETTLE=none` leaves it).'
        : `The disk was not settled before every run: ${[...unsettled].join('; ')}.`)
  )
  out.push('')
  out.push(
    table(
      [
        'run',
        '>main + post (ms)',
        '>/ cold',
        '>build step (ms)',
        '>module requests',
        '>restore + save (ms)',
        '>saved (MB)'
      ],
      KINDS.map(kind => [
        LABELS[kind],
        fmt(med(kind), 0),
        fmt(med(kind) / cold, 2),
        fmt(median(results[kind].map(r => r.buildMs)), 0),
        fmt(median(results[kind].map(r => r.fetches)), 0),
        kind === 'mounts'
          ? `${fmt(median(results[kind].map(r => r.restoreMs)), 0)} + ${fmt(median(results[kind].map(r => r.saveMs)), 0)}`
          : '',
        kind === 'mounts' ? fmt(median(results[kind].map(r => r.savedBytes)) / 1024 ** 2, 1) : ''
      ])
    )
  )
  out.push('')
  out.push(`Cache mounts / cold: **${fmt(med('mounts') / cold, 2)}**`)
  out.push('')
  if (LINK) {
    out.push(
      `With the module server at loopback speed (downloads free), cache mounts / cold: ${fmt(med('mounts') / med('loopback'), 2)}`
    )
    out.push('')
  }
  out.push(
    `Per round, cache mounts / cold: ${rounds.map(r => fmt(r.mounts.totalMs / r.cold.totalMs, 2)).join(', ')}; ` +
      `layer cache / cold: ${rounds.map(r => fmt(r.layer.totalMs / r.cold.totalMs, 2)).join(', ')}; ` +
      `warm / cold: ${rounds.map(r => fmt(r.warm.totalMs / r.cold.totalMs, 2)).join(', ')}; ` +
      (LINK
        ? `cache mounts / cold at loopback speed: ${rounds.map(r => fmt(r.mounts.totalMs / r.loopback.totalMs, 2)).join(', ')}; `
        : '') +
      'the build step ' +
      `alone, cache mounts / cold: ${rounds.map(r => fmt(r.mounts.buildMs / r.cold.buildMs, 2)).join(', ')}. Target: cache ` +
      `mounts ≤ 0.4 of cold. ${loadNote(start)}`
  )
  console.log(out.join('\n'))
}

runScript(main, PREFIX)
