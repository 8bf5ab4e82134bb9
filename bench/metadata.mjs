// What generateMetadata (src/model/metadata, metadata-action's rules in-process) costs the action's main step.
// Bundles src/model/metadata with esbuild into a temporary folder (never dist/), then, in a child on the
// action's Node (bench/lib/action.mjs), times: loading the bundle, the first call (as main makes it, once), and
// the median of many later calls, on realistic runs: a v1.2.3 tag push with a full tags list (and the same
// with a time zone in {{date}}), and a branch push with the default tags. Prints a markdown table in ms.
//
//   node bench/metadata.mjs            # BENCH_METADATA_R=501 calls per median, after the first
import { build } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { actionNode } from './lib/action.mjs'
import { fmt, intFromEnv, median, ROOT, run, table, waitQuiet } from './lib/common.mjs'

const R = intFromEnv('BENCH_METADATA_R', 501)
const log = (...args) => console.error('[metadata]', ...args)

const REPOSITORY = {
  name: 'app',
  html_url: 'https://github.com/acme/app',
  description: 'The app',
  license: { spdx_id: 'Apache-2.0' },
  default_branch: 'main'
}
const ENV = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SHA: '860c1904a1ce19322e91ac35af1ab07466440c37',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_SERVER_URL: 'https://github.com'
}

const TAG_INPUTS = {
  images: 'ghcr.io/acme/app\nregistry.example.com:5000/acme/app',
  tags: [
    "type=schedule,pattern={{date 'YYYYMMDD'}}",
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=semver,pattern={{major}},enable={{is_default_branch}}',
    'type=pep440,pattern={{version}}',
    'type=edge',
    "type=raw,value=build-{{date 'YYYYMMDD-HHmmss'}}",
    'type=sha,format=long'
  ].join('\n'),
  flavor: 'latest=auto\nsuffix=-slim,onlatest=true',
  labels: 'org.opencontainers.image.vendor=Acme\norg.opencontainers.image.version={{tag}}\nmaintainer=ops',
  annotations: 'org.opencontainers.image.description=App for {{base_ref}}'
}
const TAG_ENV = { ...ENV, GITHUB_REF: 'refs/tags/v1.2.3' }
const TAG_PAYLOAD = { repository: REPOSITORY, base_ref: 'refs/heads/main' }

/** [name, env, payload, inputs] */
const RUNS = [
  ['tag v1.2.3, 2 images, 10 tag rules, flavor, labels', TAG_ENV, TAG_PAYLOAD, TAG_INPUTS],
  [
    "the same with one {{date … tz='Europe/Paris'}}",
    TAG_ENV,
    TAG_PAYLOAD,
    { ...TAG_INPUTS, tags: TAG_INPUTS.tags.replace("HHmmss'}}", "HHmmss' tz='Europe/Paris'}}") }
  ],
  [
    'branch push, default tags, 1 image',
    { ...ENV, GITHUB_REF: 'refs/heads/feature/new-ui' },
    { repository: REPOSITORY },
    { images: 'ghcr.io/acme/app', tags: '', flavor: '', labels: '', annotations: '' }
  ]
]

/** The child: one fresh process per figure set, so the first call is a first call. */
async function measure(bundlePath, index) {
  const [, env, payload, inputs] = RUNS[index]
  const loadStart = performance.now()
  const m = createRequire(import.meta.url)(bundlePath)
  const loadMs = performance.now() - loadStart
  const once = () => m.generateMetadata(inputs, m.refContextFrom(env, payload, new Date()))
  const firstStart = performance.now()
  const result = once()
  const firstMs = performance.now() - firstStart
  const runs = []
  for (let i = 0; i < R; i++) {
    const start = performance.now()
    once()
    runs.push(performance.now() - start)
  }
  process.stdout.write(
    JSON.stringify({
      node: process.version,
      loadMs,
      firstMs,
      medianMs: median(runs),
      tags: result.tags.length
    })
  )
}

async function main() {
  const quiet = await waitQuiet(log)
  const base = mkdtempSync(join(tmpdir(), 'bench-metadata-'))
  try {
    const bundlePath = join(base, 'metadata.cjs')
    await build({
      entryPoints: [join(ROOT, 'src/model/metadata/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      outfile: bundlePath,
      logLevel: 'warning'
    })
    const node = actionNode()
    log(`measuring on ${node}, ${R} calls per median`)
    const rows = []
    let version = ''
    for (let index = 0; index < RUNS.length; index++) {
      const child = await run(
        node,
        [join(ROOT, 'bench/metadata.mjs'), '--measure', bundlePath, String(index)],
        {
          timeoutMs: 300_000
        }
      )
      if (child.code !== 0) throw new Error(`the measuring child failed:\n${child.stderr}`)
      const figures = JSON.parse(child.stdout)
      version = figures.node
      rows.push([
        RUNS[index][0],
        figures.tags,
        fmt(figures.loadMs, 2),
        fmt(figures.firstMs, 2),
        fmt(figures.medianMs, 3)
      ])
    }
    const out = [
      `### generateMetadata (Node ${version}, ms)`,
      '',
      table(['run', '>tags', '>load bundle', '>first call', `>median of ${R} calls`], rows),
      '',
      'main calls it once: its cost to the step is about the load plus the first call. A time zone in {{date}}',
      'makes the first call build an Intl.DateTimeFormat, which loads ICU time zone data.'
    ]
    if (quiet) out.push('', `_Measured although the machine was not quiet: ${quiet}._`)
    console.log(out.join('\n'))
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--measure') {
  measure(process.argv[3], Number(process.argv[4])).catch(error => {
    console.error(error)
    process.exit(1)
  })
} else {
  main().catch(error => {
    console.error(error)
    process.exit(1)
  })
}
