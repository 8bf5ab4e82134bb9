// Overhead of the action itself: main + post of dist/index.js against a recording fake `docker` that answers at
// once (bench/fixtures/fake-docker.sh), N times per mirror-check mode. Prints markdown tables of medians on
// stdout (progress goes to stderr): wall and CPU time less what the fake itself took, peak RSS, docker
// invocations, cold start up to the first docker call, where the wall time goes between docker calls, what the
// fake costs per call, and the size of dist/.
//
//   node bench/overhead.mjs                     # N=15, on the runner's node24 when the tests installed it
//   BENCH_N=30 BENCH_NODE=/usr/bin/node node bench/overhead.mjs
//   BENCH_DIST=/path/to/dist                    # measure that bundle (default: a copy of dist/ taken at start)
//   BENCH_MIRROR=http://127.0.0.1:5001          # the mirror the probe reaches (default: the stack's)
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync
} from 'node:fs'
import { createServer } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inputEnv, runMainAndPost, runnerFiles } from '../scripts/lib/runner.cjs'
import { actionNode, snapshotDist } from './lib/action.mjs'
import {
  answers,
  cleanEnv,
  fmt,
  intFromEnv,
  max,
  median,
  nowMs,
  ROOT,
  run,
  table,
  waitQuiet
} from './lib/common.mjs'

const N = intFromEnv('BENCH_N', 15)
const NODE = actionNode()
const DIST = snapshotDist()
const BUNDLE = DIST.bundle
const FAKE = join(ROOT, 'bench/fixtures/fake-docker.sh')
const RUSAGE = join(ROOT, 'bench/lib/rusage.py')
const STEP_TIMEOUT_MS = 60_000
const TARGETS = { netWallMs: 250, calls: 6, distKB: 600, coldMs: 120 }

const log = (...args) => console.error('[overhead]', ...args)

/** The real python3 binary (not a shim), for exact rusage of each step; GNU time (10 ms steps) otherwise. */
function findPython() {
  try {
    return execFileSync(
      'python3',
      ['-c', 'import os,sys; assert hasattr(os, "wait4"); print(sys.executable)'],
      {
        encoding: 'utf8',
        timeout: 10_000
      }
    ).trim()
  } catch {
    return undefined
  }
}
const PYTHON = process.env.BENCH_NO_PYTHON ? undefined : findPython()
const base = mkdtempSync(join(tmpdir(), 'bench-overhead-'))
const bin = join(base, 'bin')
mkdirSync(bin)
copyFileSync(FAKE, join(bin, 'docker'))
chmodSync(join(bin, 'docker'), 0o755)
let counter = 0

/** Runs one command under rusage accounting; wall, CPU and RSS cover it and its children (the fake docker). */
async function measured(args, env) {
  const out = join(base, `rusage-${counter++}.json`)
  if (PYTHON) {
    const result = await run(PYTHON, [RUSAGE, out, ...args], { env, timeoutMs: STEP_TIMEOUT_MS })
    const usage = JSON.parse(readFileSync(out, 'utf8'))
    return {
      ...result,
      code: usage.exitCode,
      spawnedMs: usage.spawnedNs / 1e6,
      wallMs: usage.wallNs / 1e6,
      cpuMs: (usage.userUs + usage.sysUs) / 1000,
      maxRssMiB: usage.maxRssKiB / 1024
    }
  }
  const spawnedMs = nowMs()
  const result = await run('/usr/bin/time', ['-f', '%U %S %M', '-o', out, ...args], {
    env,
    timeoutMs: STEP_TIMEOUT_MS
  })
  const [user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number)
  return { ...result, spawnedMs, cpuMs: (user + sys) * 1000, maxRssMiB: rss / 1024 }
}

/** The fake's records: argv, start and end (epoch ms) and its own CPU time (bash `times`). */
function readCalls(file) {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const lines = text.split('\n')
  const calls = []
  const seconds = s => {
    const m = /^(\d+)m([\d.]+)s$/.exec(s)
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0
  }
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('@\t')) continue
    const [, start, end, ...argv] = lines[i].split('\t')
    const [user, sys] = (lines[i + 1] ?? '').split(' ').map(seconds)
    calls.push({ argv, startMs: Number(start) * 1000, endMs: Number(end) * 1000, cpuMs: (user + sys) * 1000 })
  }
  return calls
}

const callName = call =>
  call.argv[0] === 'buildx'
    ? `buildx ${call.argv[1]}${call.argv.includes('--bootstrap') ? ' --bootstrap' : ''}`
    : call.argv.slice(0, 2).join(' ')

/** Wall time between the step's spawn, each docker call, and its exit: what the action itself spends where. */
function segments(step, calls, prefix) {
  const out = []
  let from = step.spawnedMs
  let label = 'spawn'
  for (const call of calls) {
    out.push([`${prefix}: ${label} → ${callName(call)}`, call.startMs - from])
    from = call.endMs
    label = callName(call)
  }
  out.push([`${prefix}: ${label} → exit`, step.spawnedMs + step.wallMs - from])
  return out
}

async function runOnce(inputs, tag) {
  const dir = join(base, tag)
  const runner = runnerFiles(dir)
  const logs = { main: join(dir, 'calls-main'), post: join(dir, 'calls-post') }
  const env = cleanEnv({
    PATH: `${bin}:${process.env.PATH}`,
    ...runner.env,
    GITHUB_WORKSPACE: ROOT,
    ...inputEnv(inputs)
  })
  const { main, post } = await runMainAndPost({
    env,
    files: runner.files,
    step: (stepEnv, which) => measured([NODE, BUNDLE], { ...stepEnv, FAKE_DOCKER_LOG: logs[which] })
  })
  for (const [name, step] of Object.entries({ main, post })) {
    if (step.code !== 0 || /^::error/m.test(step.stdout)) {
      throw new Error(`${name} failed (exit ${step.code}):\n${step.stdout}\n${step.stderr}`)
    }
  }
  const warnings = main.stdout.split('\n').filter(l => l.startsWith('::warning'))
  const mainCalls = readCalls(logs.main)
  const postCalls = readCalls(logs.post)
  const calls = [...mainCalls, ...postCalls]
  const inFake = calls.reduce((sum, c) => sum + (c.endMs - c.startMs), 0)
  const fakeCpu = calls.reduce((sum, c) => sum + c.cpuMs, 0)
  const fakeOf = list => list.reduce((sum, c) => sum + (c.endMs - c.startMs), 0)
  rmSync(dir, { recursive: true, force: true })
  return {
    wallMs: main.wallMs + post.wallMs,
    inFakeMs: inFake,
    netWallMs: main.wallMs + post.wallMs - inFake,
    mainNetMs: main.wallMs - fakeOf(mainCalls),
    postNetMs: post.wallMs - fakeOf(postCalls),
    cpuMs: main.cpuMs + post.cpuMs,
    fakeCpuMs: fakeCpu,
    netCpuMs: main.cpuMs + post.cpuMs - fakeCpu,
    rssMiB: Math.max(main.maxRssMiB, post.maxRssMiB),
    calls: calls.length,
    callNames: calls.map(callName),
    coldMs: mainCalls.length > 0 ? mainCalls[0].startMs - main.spawnedMs : NaN,
    segments: [...segments(main, mainCalls, 'main'), ...segments(post, postCalls, 'post')],
    warnings
  }
}

/** What one call of the fake costs: spawn to exit as Node sees it, the part inside the script, its CPU. */
async function fakeCost(count) {
  const file = join(base, 'calls-standalone')
  const walls = []
  for (let i = 0; i < count; i++) {
    const result = await run(join(bin, 'docker'), ['buildx', 'version'], {
      env: { PATH: process.env.PATH, FAKE_DOCKER_LOG: file },
      timeoutMs: 10_000
    })
    walls.push(result.wallMs)
  }
  const calls = readCalls(file)
  return {
    spawnToExitMs: median(walls),
    insideMs: median(calls.map(c => c.endMs - c.startMs)),
    cpuMs: median(calls.map(c => c.cpuMs))
  }
}

function distSize() {
  const files = []
  const walk = dir => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.push({ path: join('dist', relative(DIST.dir, path)), bytes: statSync(path).size })
    }
  }
  walk(DIST.dir)
  return { files, total: files.reduce((sum, f) => sum + f.bytes, 0) }
}

/** The stack's Docker Hub mirror when it answers; else a stand-in on loopback, so the probe has something to reach. */
async function mirrorUrl() {
  const wanted = process.env.BENCH_MIRROR || 'http://127.0.0.1:5001'
  if (await answers(`${wanted}/v2/`)) return { url: wanted, close: () => {} }
  const server = createServer((_, response) => response.writeHead(200).end('{}'))
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
  log(`${wanted} does not answer; the probe reaches a stand-in at ${url}`)
  return { url, close: () => server.close() }
}

async function main() {
  const busy = await waitQuiet(log)
  const loadBefore = loadavg()
    .map(l => l.toFixed(2))
    .join(' ')
  const nodeVersion = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()
  const mirror = await mirrorUrl()
  const baseInputs = {
    tags: '127.0.0.1:5000/bench/overhead:1',
    platforms: 'linux/amd64,linux/arm64',
    'registry-mirrors': mirror.url
  }
  const modes = ['off', 'warn']
  const results = Object.fromEntries(modes.map(m => [m, []]))
  const deadline = Date.now() + intFromEnv('BENCH_OVERHEAD_BUDGET_S', 600) * 1000
  log(`Node ${nodeVersion} (${NODE}), N=${N}, rusage via ${PYTHON ? 'python3 wait4' : 'GNU time'}`)
  // One warm-up run per mode (page cache, first compile), not counted; then the modes alternate.
  for (const mode of modes) await runOnce({ ...baseInputs, 'mirror-check': mode }, `warmup-${mode}`)
  for (let i = 0; i < N && Date.now() < deadline; i++) {
    for (const mode of modes)
      results[mode].push(await runOnce({ ...baseInputs, 'mirror-check': mode }, `${mode}-${i}`))
  }
  const baseline = []
  for (let i = 0; i < N && Date.now() < deadline; i++)
    baseline.push(await measured([NODE, '-e', '0'], cleanEnv()))
  // What loading one chunk alone costs (imported into an otherwise empty ES module), over bare Node.
  const chunkLoad = []
  for (const file of distSize().files.filter(
    f => f.path.startsWith('dist/chunks/') && f.path.endsWith('.js')
  )) {
    const url = pathToFileURL(join(DIST.dir, relative('dist', file.path))).href
    const walls = []
    for (let i = 0; i < N && Date.now() < deadline; i++) {
      walls.push(
        (
          await measured(
            [NODE, '--input-type=module', '-e', `await import(${JSON.stringify(url)})`],
            cleanEnv()
          )
        ).wallMs
      )
    }
    chunkLoad.push({ path: file.path, ms: median(walls) })
  }
  const fake = await fakeCost(Math.max(N, 20))
  mirror.close()
  const dist = distSize()

  const m = (mode, key) => median(results[mode].map(r => r[key]))
  const verdict = (ok, text) => `${ok ? 'met' : '**not met**'} (${text})`
  const rows = [
    ['main + post wall, less time inside the fake (ms)', 'netWallMs', 1, `< ${TARGETS.netWallMs} ms`],
    ['main + post wall, total (ms)', 'wallMs', 1, ''],
    ['time inside the fake docker (ms)', 'inFakeMs', 1, ''],
    ['main, less fake (ms)', 'mainNetMs', 1, ''],
    ['post, less fake (ms)', 'postNetMs', 1, ''],
    ['CPU user+sys, less the fake (ms)', 'netCpuMs', 1, ''],
    ['CPU user+sys, total (ms)', 'cpuMs', 1, ''],
    ['peak RSS (MiB)', 'rssMiB', 1, ''],
    ['docker invocations', 'calls', 0, `≤ ${TARGETS.calls}`],
    ['cold start: spawn → first docker call (ms)', 'coldMs', 1, `< ${TARGETS.coldMs} ms`]
  ]
  const out = []
  out.push(`### Overhead against a fake docker (Node ${nodeVersion}, medians of N=${results.off.length})`)
  out.push('')
  out.push(
    `Inputs: tags, platforms linux/amd64,linux/arm64, registry-mirrors ${mirror.url}; ` +
      `qemu auto (aarch64 already registered on this machine: no docker call). ` +
      `Rusage: ${PYTHON ? 'wait4 via python3 (1 µs)' : 'GNU time (10 ms steps)'}.`
  )
  out.push('')
  out.push(
    table(
      ['metric', '>mirror-check off', '>mirror-check warn', 'target'],
      rows.map(([label, key, decimals, target]) => [
        label,
        fmt(m('off', key), decimals),
        fmt(m('warn', key), decimals),
        target
      ])
    )
  )
  const nodeWall = median(baseline.map(b => b.wallMs))
  out.push('')
  out.push(
    `Baseline \`node -e 0\`: ${fmt(nodeWall)} ms wall, ${fmt(median(baseline.map(b => b.cpuMs)))} ms CPU, ` +
      `${fmt(median(baseline.map(b => b.maxRssMiB)))} MiB RSS (paid twice: main and post).  `
  )
  out.push(
    `Fake docker per call: ${fmt(fake.spawnToExitMs, 2)} ms spawn to exit as Node sees it, ` +
      `${fmt(fake.insideMs, 3)} ms inside the script, ${fmt(fake.cpuMs, 1)} ms CPU (bash \`times\`, 1 ms steps). ` +
      'Only the part inside the script is subtracted: forking it from Node is the action’s cost for any docker.'
  )
  out.push('')
  out.push(`Docker calls (off): ${results.off[0]?.callNames.join(', ')}.  `)
  out.push(`Docker calls (warn): ${results.warn[0]?.callNames.join(', ')}.`)
  const warned = results.warn.flatMap(r => r.warnings)
  if (warned.length > 0) out.push(`\nWarnings with warn: ${[...new Set(warned)].join(' ')}`)

  out.push('')
  out.push('Where the wall time goes (medians, ms; each row ends where the named docker call starts):')
  out.push('')
  const labels = [...new Set([...results.off, ...results.warn].flatMap(r => r.segments.map(([l]) => l)))]
  const seg = (mode, label) =>
    median(results[mode].map(r => r.segments.find(([l]) => l === label)?.[1]).filter(v => v !== undefined))
  out.push(
    table(
      ['segment', '>off', '>warn'],
      labels.map(l => [l, fmt(seg('off', l)), fmt(seg('warn', l))])
    )
  )

  out.push('')
  out.push(
    `dist/: ${fmt(dist.total / 1024)} KB in ${dist.files.length} files (target < ${TARGETS.distKB} KB)`
  )
  out.push('')
  out.push(
    table(
      ['file', '>KB'],
      dist.files.sort((a, b) => b.bytes - a.bytes).map(f => [f.path, fmt(f.bytes / 1024)])
    )
  )
  out.push('')
  out.push(
    `Loading one chunk alone (\`await import()\` in an empty module; ms over bare \`node -e 0\` at ${fmt(nodeWall)} ms):`
  )
  out.push('')
  out.push(
    table(
      ['chunk', '>load ms'],
      chunkLoad.map(c => [c.path, fmt(c.ms - nodeWall)])
    )
  )
  out.push('')
  out.push('Targets:')
  out.push('')
  const worst = key => max([m('off', key), m('warn', key)])
  out.push(
    `- main + post < ${TARGETS.netWallMs} ms less fake: ${verdict(worst('netWallMs') < TARGETS.netWallMs, `${fmt(m('off', 'netWallMs'))} off, ${fmt(m('warn', 'netWallMs'))} warn`)}`
  )
  out.push(
    `- ≤ ${TARGETS.calls} docker invocations: ${verdict(worst('calls') <= TARGETS.calls, `${m('off', 'calls')} off, ${m('warn', 'calls')} warn`)}`
  )
  out.push(
    `- dist/ < ${TARGETS.distKB} KB: ${verdict(dist.total / 1024 < TARGETS.distKB, `${fmt(dist.total / 1024)} KB`)}`
  )
  out.push(
    `- cold start < ${TARGETS.coldMs} ms: ${verdict(worst('coldMs') < TARGETS.coldMs, `${fmt(m('off', 'coldMs'))} off, ${fmt(m('warn', 'coldMs'))} warn`)}`
  )
  out.push('')
  out.push(
    `${busy ? `Not quiet at the start: ${busy}. ` : ''}Bundle ${DIST.id} (sha256 of dist/, first 12 hex); load average ${loadBefore} before, ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')} after.`
  )
  console.log(out.join('\n'))
  rmSync(base, { recursive: true, force: true })
  DIST.cleanup()
}

main().catch(error => {
  console.error(error)
  rmSync(base, { recursive: true, force: true })
  DIST.cleanup()
  process.exit(1)
})
