// How long the parsers of buildx output and of the buildkitd config take on hostile text of 64, 128 and
// 256 KiB (the most of stderr the action keeps): a RUN step can print anything, and a config file can hold
// anything. Bundles the pure functions of src/ with esbuild into a temporary folder (never dist/), runs them
// in a child on the action's Node (bench/lib/action.mjs) and prints two markdown tables: the time of each
// function on each input at 256 KiB, and how the slowest input of each grows with size. Linear means about
// 2x per doubling; a cap on line length or line count shows as about 1x. The target is < 100 ms at 256 KiB.
//
//   node bench/hostile-input.mjs            # BENCH_HOSTILE_R=11 runs per figure (median), after one warm-up
import { build } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { actionNode } from './lib/action.mjs'
import { fmt, intFromEnv, median, ROOT, run, table, waitQuiet } from './lib/common.mjs'

const R = intFromEnv('BENCH_HOSTILE_R', 11)
const KIB = 1024
const SIZES = [64 * KIB, 128 * KIB, 256 * KIB]
const TARGET_MS = 100
const log = (...args) => console.error('[hostile-input]', ...args)

/** `unit` repeated to exactly `size` characters. */
const fill = (unit, size) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)
/** Text ending in `tail`, `size` characters in all. */
const ending = (unit, size, tail) => fill(unit, size - tail.length) + tail

const HOSTILE_LINES = 'hostile 1 KiB ERROR lines'
/** Inputs for the functions that read buildx output; each takes the size in characters. */
const OUTPUTS = [
  ['"pulling image " on one line', n => fill('pulling image ', n)],
  ['"500 " on one ERROR line', n => `ERROR: ${fill('500 ', n - 7)}`],
  ['"50" on one ERROR line', n => `ERROR: ${fill('50', n - 7)}`],
  ['"{" on one line', n => fill('{', n)],
  ['one long ERROR line', n => `ERROR: ${fill('a', n - 7)}`],
  ['many 2-byte lines', n => fill('x\n', n)],
  [
    HOSTILE_LINES,
    n =>
      fill(
        `${fill('ERROR: failed to fetch oauth token: pulling image unexpected status 500 existing instance for "', KIB - 1)}\n`,
        n
      )
  ],
  ['"lookup " then "no such host"', n => ending('dial tcp: lookup ', n, 'x: no such host')],
  ['"Name:" and spaces (inspect)', n => `x\nNodes:\nName:${fill(' ', n - 20)}b\u2028c`],
  ['"#1 [" and "1/" (step log)', n => `#1 [${fill('1/', n - 4)}`]
]

/** Inputs for parseToml (source buildkitd-config); the first two are refused as nested too deep. */
const CONFIGS = [
  ['TOML: "[" nested arrays', n => `a = ${fill('[', (n - 4) / 2)}${fill(']', (n - 4) / 2)}`],
  ['TOML: dotted keys k.k.k…', n => `${fill('k.', n - 5)}k = 1`],
  ['TOML: many small tables', n => fill('[registry."r.example:5000"]\nhttp = true\n[x]\n', n)]
]

const FUNCTIONS = ['diagnose', 'explainFailure', 'isTransient', 'StepCounter', 'parseInspectNodes']

/** The child: times every function on every input and size, and prints the medians as JSON. */
async function measure(bundlePath) {
  const m = (await import(pathToFileURL(bundlePath).href)).default
  const calls = {
    diagnose: text => m.diagnose(text),
    explainFailure: text => m.explainFailure(text),
    isTransient: text => m.isTransient(text),
    // Fed as docker hands stderr over, in chunks, so an unfinished long line spans many of them.
    StepCounter: text => {
      const counter = new m.StepCounter()
      for (let i = 0; i < text.length; i += 4 * KIB) counter.add(text.slice(i, i + 4 * KIB))
      return counter.totals()
    },
    parseInspectNodes: text => m.parseInspectNodes(text),
    parseToml: text => {
      try {
        return m.parseToml('buildkitd-config', text)
      } catch (error) {
        if (error.name !== 'InputError') throw error
        return error
      }
    }
  }
  const time = (call, text) => {
    call(text)
    const runs = []
    for (let i = 0; i < R; i++) {
      const start = performance.now()
      call(text)
      runs.push(performance.now() - start)
    }
    return median(runs)
  }
  const results = []
  for (const [input, make] of OUTPUTS) {
    for (const size of SIZES) {
      const text = make(size)
      for (const fn of FUNCTIONS) results.push({ fn, input, size, ms: time(calls[fn], text) })
    }
  }
  for (const [input, make] of CONFIGS) {
    for (const size of SIZES)
      results.push({ fn: 'parseToml', input, size, ms: time(calls.parseToml, make(size)) })
  }
  process.stdout.write(JSON.stringify({ node: process.version, results }))
}

async function main() {
  const quiet = await waitQuiet(log)
  const base = mkdtempSync(join(tmpdir(), 'bench-hostile-'))
  try {
    // CommonJS, as the action's own bundle: @iarna/toml requires Node built-ins.
    const bundlePath = join(base, 'parsers.cjs')
    await build({
      stdin: {
        contents: [
          "export { diagnose } from './src/model/diagnosis'",
          "export { explainFailure } from './src/model/diagnosis'",
          "export { isTransient } from './src/run/docker/retry'",
          "export { StepCounter } from './src/model/progress-output'",
          "export { parseInspectNodes } from './src/model/inspect-output'",
          "export { parseToml } from './src/model/buildkitd-toml'"
        ].join('\n'),
        resolveDir: ROOT,
        loader: 'ts'
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundlePath,
      logLevel: 'warning'
    })
    const node = actionNode()
    log(`measuring on ${node}, ${R} runs per figure`)
    const child = await run(node, [join(ROOT, 'bench/hostile-input.mjs'), '--measure', bundlePath], {
      timeoutMs: 600_000
    })
    if (child.code !== 0) throw new Error(`the measuring child failed:\n${child.stderr}`)
    const { node: version, results } = JSON.parse(child.stdout)
    console.log(report(results, version, quiet))
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}

function report(results, version, quiet) {
  const at = (fn, input, size) => results.find(r => r.fn === fn && r.input === input && r.size === size)?.ms
  const largest = SIZES[SIZES.length - 1]
  const out = [
    `### Parsers on hostile input (Node ${version}, median of ${R} runs, ms)`,
    '',
    `Each function on each input of ${largest / KIB} KiB:`,
    '',
    table(
      ['input', ...FUNCTIONS.map(fn => `>${fn}`)],
      OUTPUTS.map(([input]) => [input, ...FUNCTIONS.map(fn => fmt(at(fn, input, largest), 2))])
    ),
    '',
    'Growth with size, for the slowest input of each function and for the hostile lines short enough to be read',
    'whole (about 2x per doubling is linear; about 1x is a cap at work):',
    ''
  ]
  const growthRows = []
  for (const fn of FUNCTIONS) {
    const inputs = OUTPUTS.map(([input]) => input)
    const worst = [...inputs].sort((a, b) => at(fn, b, largest) - at(fn, a, largest))[0]
    for (const input of new Set([worst, HOSTILE_LINES])) growthRows.push([fn, input, true])
  }
  for (const [input] of CONFIGS) growthRows.push(['parseToml', input, false])
  const rows = growthRows.map(([fn, input, targeted]) => {
    const [small, middle, big] = SIZES.map(size => at(fn, input, size))
    return [
      fn,
      input,
      ...[small, middle, big].map(ms => fmt(ms, 2)),
      `${fmt(middle / small, 1)}x / ${fmt(big / middle, 1)}x`,
      targeted ? (big < TARGET_MS ? 'yes' : 'no') : '–'
    ]
  })
  out.push(
    table(
      ['function', 'input', ...SIZES.map(size => `>${size / KIB} KiB`), '>growth', `< ${TARGET_MS} ms`],
      rows
    )
  )
  out.push(
    '',
    "The target is for the functions that read buildx output. parseToml reads the workflow's own config once; its",
    'time is that of the @iarna/toml parser (the depth check stops the walk at level 17), shown for the record.'
  )
  if (quiet) out.push('', `_Measured although the machine was not quiet: ${quiet}._`)
  return out.join('\n')
}

if (process.argv[2] === '--measure') {
  measure(process.argv[3]).catch(error => {
    console.error(error)
    process.exit(1)
  })
} else {
  main().catch(error => {
    console.error(error)
    process.exit(1)
  })
}
