// esbuild as scripts/bundle.mjs calls it, with what a bench asks for on top (all optional):
//   BENCH_BUNDLE_UNMINIFIED=1          minify off and no legal comments files (for readable CPU profiles)
//   BENCH_BUNDLE_METAFILE=path         write esbuild's metafile there
//   BENCH_BUNDLE_VARIANTS=a,b          build-only changes, for bench/what-if.mjs:
//     no-oidc    @actions/core's OIDC client imports @actions/http-client (and so node:http and node:https as ES
//                modules); the action never asks for an OIDC token, so those imports get a stub that throws
//     lazy-http  src/run/network/probe.ts takes node:http through require() instead of an ES import
//   BENCH_BUNDLE_REPORT=path           which variants changed something (JSON), since src/ may already have them
import esbuild from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'

const variants = (process.env.BENCH_BUNDLE_VARIANTS ?? '').split(',').filter(Boolean)
const applied = new Set()

const STUB = [
  "const no = () => { throw new Error('OIDC tokens are not available in this bundle') }",
  'export class HttpClient { constructor() { no() } }',
  'export class BearerCredentialHandler { constructor() { no() } }',
  ''
].join('\n')

const plugins = {
  'no-oidc': {
    name: 'no-oidc',
    setup(b) {
      b.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, args => {
        if (!args.importer.includes('/@actions/core/')) return undefined
        applied.add('no-oidc')
        return { path: 'oidc-stub', namespace: 'bench-stub' }
      })
      b.onLoad({ filter: /.*/, namespace: 'bench-stub' }, () => ({
        contents: STUB,
        loader: 'js'
      }))
    }
  },
  'lazy-http': {
    name: 'lazy-http',
    setup(b) {
      b.onLoad({ filter: /\/src\/run\/network\/probe\.ts$/ }, args => {
        const text = readFileSync(args.path, 'utf8')
        const changed = text.replace(
          /^import \* as http from 'node:http'$/m,
          "import { createRequire } from 'node:module'\n" +
            "const http: typeof import('node:http') = createRequire(import.meta.url)('node:http')"
        )
        if (changed === text) return undefined
        applied.add('lazy-http')
        return { contents: changed, loader: 'ts' }
      })
    }
  }
}

export async function build(options) {
  const unminified = process.env.BENCH_BUNDLE_UNMINIFIED === '1'
  const result = await esbuild.build({
    ...options,
    ...(unminified ? { minify: false, legalComments: 'none' } : {}),
    metafile: true,
    plugins: [...(options.plugins ?? []), ...variants.map(v => plugins[v]).filter(Boolean)]
  })
  if (process.env.BENCH_BUNDLE_METAFILE)
    writeFileSync(process.env.BENCH_BUNDLE_METAFILE, JSON.stringify(result.metafile))
  if (process.env.BENCH_BUNDLE_REPORT)
    writeFileSync(process.env.BENCH_BUNDLE_REPORT, JSON.stringify([...applied]))
  return result
}

export default { ...esbuild, build }
