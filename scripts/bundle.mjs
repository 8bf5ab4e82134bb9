// Bundles src/main.ts and its dependencies into dist/ with esbuild: one fast, dependency-free step
// that understands the ESM-only @actions packages and produces the files the runner executes.
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'

// An optional argument builds elsewhere, so a test can compare a fresh bundle with the committed dist/.
const outdir = process.argv[2] ?? 'dist'
rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: { index: 'src/main.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  alias: { undici: './scripts/undici-stub.mjs' },
  plugins: [
    {
      // `import … from 'node:http'` builds an ES module facade that reads every export, getters included:
      // node:http's load Node's internal undici (~20 ms at each start). require() hands over the module as it
      // is, and esbuild's interop reads each export only when the code uses it.
      name: 'node-builtins-through-require',
      setup(build) {
        const builtin = new RegExp(
          `^(node:)?(${builtinModules.map(name => name.replace(/[/]/g, '\\/')).join('|')})$`
        )
        build.onResolve({ filter: builtin }, args =>
          args.kind === 'import-statement'
            ? { path: args.path.replace(/^(node:)?/, 'node:'), namespace: 'node-builtin' }
            : undefined
        )
        build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, args => ({
          contents: `module.exports = require(${JSON.stringify(args.path)})`,
          loader: 'js'
        }))
      }
    },
    {
      name: 'core-without-oidc-client',
      setup(build) {
        build.onResolve({ filter: /^@actions\/http-client/ }, args =>
          /@actions[\\/]core[\\/]/.test(args.importer)
            ? { path: join(import.meta.dirname, 'oidc-http-client-stub.mjs') }
            : undefined
        )
      }
    }
  ],
  // Some bundled CommonJS code calls require() for Node built-ins; give the ESM bundle a require.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
  }
})
// dist/ is ESM: tell Node so without touching the root package.json.
writeFileSync(`${outdir}/package.json`, JSON.stringify({ type: 'module' }) + '\n')
