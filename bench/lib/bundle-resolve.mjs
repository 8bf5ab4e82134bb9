// Module resolve hook (see bundle-hooks.mjs): only scripts/bundle.mjs's esbuild is swapped.
import { URL } from 'node:url'

const wrapper = new URL('./esbuild-wrapper.mjs', import.meta.url).href

export async function resolve(specifier, context, next) {
  if (specifier === 'esbuild' && context.parentURL?.endsWith('/scripts/bundle.mjs')) {
    return { url: wrapper, shortCircuit: true }
  }
  return next(specifier, context)
}
