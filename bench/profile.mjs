// Where main + post spend their CPU: bundles src/ again WITHOUT minifying (with scripts/bundle.mjs itself,
// through bench/lib/bundle-hooks.mjs, into a temporary folder, never dist/), runs main and post R times under
// `node --cpu-prof` against the fake docker of bench/overhead.mjs, and prints markdown tables: self time by
// package or source file (esbuild's `// path` markers name the code of each line), inclusive time of the
// action's own functions, and how long each step takes before its first own function runs (module loading).
//
//   node bench/profile.mjs            # R=5, mirror-check warn, Node as in bench/lib/action.mjs
//   BENCH_PROFILE_R=10 BENCH_PROFILE_KEEP=1 node bench/profile.mjs   # keep the .cpuprofile files (path printed)
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { inputEnv, runMainAndPost, runnerFiles } from '../scripts/lib/runner.cjs'
import { actionNode } from './lib/action.mjs'
import { answers, cleanEnv, fmt, intFromEnv, median, ROOT, run, table, waitQuiet } from './lib/common.mjs'

const R = intFromEnv('BENCH_PROFILE_R', 5)
const NODE = actionNode()
const log = (...args) => console.error('[profile]', ...args)
const base = mkdtempSync(join(tmpdir(), 'bench-profile-'))
const outdir = join(base, 'dist')

/** The project's own scripts/bundle.mjs, unminified (bench/lib/bundle-hooks.mjs), into a temporary folder. */
async function bundle() {
  const metafile = join(base, 'meta.json')
  const result = await run(
    process.execPath,
    ['--import', join(ROOT, 'bench/lib/bundle-hooks.mjs'), join(ROOT, 'scripts/bundle.mjs'), outdir],
    {
      env: { ...process.env, BENCH_BUNDLE_UNMINIFIED: '1', BENCH_BUNDLE_METAFILE: metafile },
      timeoutMs: 120_000
    }
  )
  if (result.code !== 0) throw new Error(`bundling failed:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(readFileSync(metafile, 'utf8'))
}

/** For each bundle file, the source each line came from (from esbuild's `// path` comments). */
function lineOwners() {
  const owners = new Map()
  const walk = dir => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (path.endsWith('.js')) {
        const lines = readFileSync(path, 'utf8').split('\n')
        const owner = []
        let current = '(bundle glue)'
        for (const line of lines) {
          const m = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line)
          if (m) current = m[1]
          owner.push(current)
        }
        owners.set(`file://${path}`, owner)
      }
    }
  }
  walk(outdir)
  return owners
}

/** node_modules/@scope/pkg/… → @scope/pkg; node_modules/pkg/… → pkg; src/x.ts stays. */
function packageOf(source) {
  if (!source.startsWith('node_modules/')) return source
  const parts = source.split('/')
  return parts[1].startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1]
}

function analyse(profile, owners) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const where = node => {
    const { url, functionName, lineNumber } = node.callFrame
    if (!url) return functionName || '(anonymous)'
    if (owners.has(url)) return owners.get(url)[lineNumber] ?? '(bundle glue)'
    if (url.startsWith('node:')) return 'node internals'
    return url
  }
  const self = new Map()
  const inclusive = new Map()
  const packages = new Map()
  const internals = new Map()
  let t = profile.startTime
  let firstOwn
  let total = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    t += delta
    total += delta
    const node = byId.get(id)
    const key = packageOf(where(node))
    self.set(key, (self.get(key) ?? 0) + delta)
    if (key === 'node internals') {
      const url = node.callFrame.url.replace(/^node:internal\//, '')
      internals.set(url, (internals.get(url) ?? 0) + delta)
    }
    const seen = new Set()
    const seenPackages = new Set()
    for (let n = node; n; n = byId.get(parent.get(n.id))) {
      const source = where(n)
      const pkg = owners.has(n.callFrame.url) ? packageOf(source) : undefined
      if (pkg && !seenPackages.has(pkg)) {
        seenPackages.add(pkg)
        packages.set(pkg, (packages.get(pkg) ?? 0) + delta)
      }
      if (!source.startsWith('src/')) continue
      if (firstOwn === undefined && /^(runMain|runPost|run)$/.test(n.callFrame.functionName)) firstOwn = t
      const name = `${n.callFrame.functionName || '(top level)'} (${source})`
      if (seen.has(name)) continue
      seen.add(name)
      inclusive.set(name, (inclusive.get(name) ?? 0) + delta)
    }
  })
  return {
    totalMs: total / 1000,
    self,
    inclusive,
    packages,
    internals,
    firstOwnMs: firstOwn === undefined ? NaN : (firstOwn - profile.startTime) / 1000
  }
}

/**
 * Wall time of tiny ES modules that only load Node's http module: an ESM import builds the module's ESM facade,
 * whose getters (on Node 24) load Node's internal undici; require() through createRequire does not.
 */
async function importCosts() {
  const variants = {
    'empty module': 'export {}',
    "`import * as http from 'node:http'`": "import * as http from 'node:http'\nvoid http",
    "`createRequire(import.meta.url)('node:http')`":
      "import { createRequire } from 'node:module'\ncreateRequire(import.meta.url)('node:http')"
  }
  const rows = []
  for (const [label, source] of Object.entries(variants)) {
    const file = join(base, `import-${rows.length}.mjs`)
    writeFileSync(file, source + '\n')
    const walls = []
    for (let i = 0; i < 15; i++)
      walls.push((await run(NODE, [file], { env: cleanEnv(), timeoutMs: 10_000 })).wallMs)
    rows.push([label, fmt(median(walls))])
  }
  return [
    'What loading `node:http` costs a step (wall ms of a process that does only that, median of 15):',
    '',
    table(['module', '>ms'], rows)
  ].join('\n')
}

async function main() {
  await waitQuiet(log)
  const metafile = await bundle()
  const owners = lineOwners()
  const bin = join(base, 'bin')
  mkdirSync(bin)
  copyFileSync(join(ROOT, 'bench/fixtures/fake-docker.sh'), join(bin, 'docker'))
  chmodSync(join(bin, 'docker'), 0o755)
  const mirror = (await answers('http://127.0.0.1:5001/v2/')) ? 'http://127.0.0.1:5001' : 'http://127.0.0.1:9'
  const inputs = {
    tags: '127.0.0.1:5000/bench/profile:1',
    platforms: 'linux/amd64,linux/arm64',
    'registry-mirrors': mirror,
    'mirror-check': 'warn'
  }
  const profiles = { main: [], post: [] }
  for (let i = 0; i < R; i++) {
    const dir = join(base, `run-${i}`)
    const runner = runnerFiles(dir)
    const env = cleanEnv({
      PATH: `${bin}:${process.env.PATH}`,
      ...runner.env,
      GITHUB_WORKSPACE: ROOT,
      ...inputEnv(inputs)
    })
    await runMainAndPost({
      env,
      files: runner.files,
      step: async (stepEnv, step) => {
        const profDir = join(dir, `prof-${step}`)
        const result = await run(
          NODE,
          ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profDir, join(outdir, 'index.js')],
          { env: stepEnv, timeoutMs: 60_000 }
        )
        if (result.code !== 0) throw new Error(`${step} failed:\n${result.stdout}\n${result.stderr}`)
        const file = readdirSync(profDir).find(f => f.endsWith('.cpuprofile'))
        profiles[step].push(analyse(JSON.parse(readFileSync(join(profDir, file), 'utf8')), owners))
      }
    })
  }

  const out = []
  const nodeVersion = (await run(NODE, ['--version'])).stdout.trim()
  out.push(
    `### CPU profile of main + post (unminified bundle of src/, Node ${nodeVersion}, medians of R=${R}, 100 µs sampling)`
  )
  out.push('')
  const keys = list => [...new Set(list.flatMap(p => [...p.keys()]))]
  const med = (list, key) => median(list.map(p => p.get(key) ?? 0)) / 1000
  for (const step of ['main', 'post']) {
    const list = profiles[step]
    out.push(
      `**${step}**: ${fmt(median(list.map(p => p.totalMs)))} ms profiled; first own function (run/runMain/runPost) at ` +
        `${fmt(median(list.map(p => p.firstOwnMs)))} ms after profiling started (loading and evaluating the bundle).`
    )
    out.push('')
  }
  const selfLists = [...profiles.main, ...profiles.post].map(p => p.self)
  const selfKeys = keys(selfLists)
  const selfRow = k => [
    k,
    fmt(
      med(
        profiles.main.map(p => p.self),
        k
      )
    ),
    fmt(
      med(
        profiles.post.map(p => p.self),
        k
      )
    )
  ]
  out.push('Self time by package or source file (ms; `(idle)` is waiting for docker and the network):')
  out.push('')
  out.push(
    table(
      ['where', '>main', '>post'],
      selfKeys
        .map(selfRow)
        .sort((a, b) => Number(b[1]) + Number(b[2]) - Number(a[1]) - Number(a[2]))
        .slice(0, 18)
    )
  )
  out.push('')
  const topTable = (title, field, count) => {
    out.push(title)
    out.push('')
    const ks = keys([...profiles.main, ...profiles.post].map(p => p[field]))
    out.push(
      table(
        ['where', '>main', '>post'],
        ks
          .map(k => [
            k,
            fmt(
              med(
                profiles.main.map(p => p[field]),
                k
              )
            ),
            fmt(
              med(
                profiles.post.map(p => p[field]),
                k
              )
            )
          ])
          .sort((a, b) => Number(b[1]) + Number(b[2]) - Number(a[1]) - Number(a[2]))
          .slice(0, count)
      )
    )
    out.push('')
  }
  topTable(
    'Inclusive time by package or source file on the stack (ms): the code itself plus the Node internals it called, e.g. loading and evaluating a module:',
    'packages',
    15
  )
  topTable('Self time inside Node internals, by internal module (ms, top 12):', 'internals', 12)
  out.push('Inclusive CPU time of the action’s own functions (ms, top 20; awaited time is not included):')
  out.push('')
  const incKeys = keys([...profiles.main, ...profiles.post].map(p => p.inclusive))
  out.push(
    table(
      ['function (file)', '>main', '>post'],
      incKeys
        .map(k => [
          k,
          fmt(
            med(
              profiles.main.map(p => p.inclusive),
              k
            )
          ),
          fmt(
            med(
              profiles.post.map(p => p.inclusive),
              k
            )
          )
        ])
        .sort((a, b) => Number(b[1]) + Number(b[2]) - Number(a[1]) - Number(a[2]))
        .slice(0, 20)
    )
  )
  out.push('')
  out.push('Bundle composition (unminified bytes by package, from the esbuild metafile):')
  out.push('')
  const rows = []
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const by = new Map()
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = input.startsWith('src/') ? 'src/' : packageOf(input)
      by.set(key, (by.get(key) ?? 0) + bytesInOutput)
    }
    const parts = [...by.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v / 1024, 0)}`)
    rows.push([relative(outdir, join(ROOT, file)), fmt(output.bytes / 1024, 0), parts.join(', ')])
  }
  out.push(
    table(
      ['output', '>KB', 'largest inputs (KB)'],
      rows.sort((a, b) => Number(b[1]) - Number(a[1]))
    )
  )
  out.push('')
  out.push(await importCosts())
  console.log(out.join('\n'))
  if (process.env.BENCH_PROFILE_KEEP) log(`profiles kept in ${base}`)
  else rmSync(base, { recursive: true, force: true })
}

main().catch(error => {
  console.error(error)
  rmSync(base, { recursive: true, force: true })
  process.exit(1)
})
