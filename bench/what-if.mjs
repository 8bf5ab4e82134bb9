// What the suggested changes to src/ would save, measured before anyone makes them: bundles src/ with the
// project's own scripts/bundle.mjs into temporary folders (never dist/), as it is and with build-only changes
// (bench/lib/esbuild-wrapper.mjs says what each does), and runs bench/overhead.mjs on each (BENCH_DIST).
// Prints one comparison table. A variant that src/ already has is reported as such.
//
//   as-is        scripts/bundle.mjs unchanged
//   no-oidc      @actions/core's OIDC client gets a stub: no @actions/http-client, tunnel, node:http/https ES imports
//   + lazy-http  also src/run/network/probe.ts takes node:http through require() (an ES import of node:http makes Node 24
//                build its ESM facade, which loads Node's internal undici)
//
//   node bench/what-if.mjs               # BENCH_N=10 per variant
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actionNode } from './lib/action.mjs'
import { fmt, intFromEnv, ROOT, run, table, waitQuiet } from './lib/common.mjs'

const N = intFromEnv('BENCH_N', 10)
const log = (...args) => console.error('[what-if]', ...args)
const base = mkdtempSync(join(tmpdir(), 'bench-what-if-'))
const VARIANTS = [
  ['as-is', []],
  ['no-oidc', ['no-oidc']],
  ['no-oidc + lazy-http', ['no-oidc', 'lazy-http']]
]

/** Bundles with scripts/bundle.mjs and these build-only changes; returns which of them changed anything. */
async function bundle(variants, outdir) {
  const report = join(base, 'report.json')
  const result = await run(
    process.execPath,
    ['--import', join(ROOT, 'bench/lib/bundle-hooks.mjs'), join(ROOT, 'scripts/bundle.mjs'), outdir],
    {
      env: { ...process.env, BENCH_BUNDLE_VARIANTS: variants.join(','), BENCH_BUNDLE_REPORT: report },
      timeoutMs: 120_000
    }
  )
  if (result.code !== 0) throw new Error(`bundling failed:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(readFileSync(report, 'utf8'))
}

const grab = (text, label, column) => {
  const row = text.split('\n').find(l => l.startsWith(`| ${label}`))
  return row ? row.split('|')[column].trim() : '–'
}

async function main() {
  await waitQuiet(log)
  const rows = []
  try {
    for (const [index, [name, variants]] of VARIANTS.entries()) {
      const outdir = join(base, `v${index}`, 'dist')
      const applied = await bundle(variants, outdir)
      const missing = variants.filter(v => !applied.includes(v))
      log(
        `${name}: bundled${missing.length ? ` (no effect: ${missing.join(', ')})` : ''}; measuring (N=${N})`
      )
      const result = await run(process.execPath, [join(ROOT, 'bench/overhead.mjs')], {
        env: { ...process.env, BENCH_DIST: outdir, BENCH_N: String(N), BENCH_QUIET_WAIT_S: '0' },
        timeoutMs: 900_000
      })
      if (result.code !== 0) throw new Error(`overhead.mjs failed on ${name}:\n${result.stderr}`)
      const text = result.stdout
      rows.push([
        name + (missing.length ? ` (${missing.join(', ')}: already so in src/)` : ''),
        grab(text, 'main + post wall, less', 2),
        grab(text, 'main + post wall, less', 3),
        grab(text, 'main, less', 3),
        grab(text, 'post, less', 3),
        grab(text, 'cold start', 2),
        grab(text, 'cold start', 3),
        grab(text, 'peak RSS', 3),
        /dist\/: ([\d.]+) KB/.exec(text)?.[1] ?? '–'
      ])
    }
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
  const node = (await run(actionNode(), ['--version'])).stdout.trim()
  console.log(
    [
      `### What if: build-only changes to the bundle of src/ (Node ${node}, medians of N=${N})`,
      '',
      'Each variant adds its change to the one above (see bench/what-if.mjs). Wall times are less the time ' +
        'inside the fake docker; "off" and "warn" are the mirror-check modes.',
      '',
      table(
        [
          'variant',
          '>main + post, off (ms)',
          '>main + post, warn (ms)',
          '>main, warn',
          '>post, warn',
          '>cold start, off',
          '>cold start, warn',
          '>peak RSS (MiB)',
          '>dist/ (KB)'
        ],
        rows
      ),
      '',
      `${fmt(N, 0)} runs per mode and variant.`
    ].join('\n')
  )
}

main().catch(error => {
  console.error(error)
  rmSync(base, { recursive: true, force: true })
  process.exit(1)
})
