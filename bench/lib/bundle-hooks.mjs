// Lets a bench bundle src/ with the project's own scripts/bundle.mjs (so it follows every change to it) and
// still change the build: `node --import ./bench/lib/bundle-hooks.mjs scripts/bundle.mjs OUTDIR` makes that
// script's `import … from 'esbuild'` load bench/lib/esbuild-wrapper.mjs, which reads BENCH_BUNDLE_* variables.
import { register } from 'node:module'
import { URL } from 'node:url'

register(new URL('./bundle-resolve.mjs', import.meta.url))
