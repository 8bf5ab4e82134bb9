import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The layers of src/, lowest first: each may import only the folders listed for it (and itself). Data flows
 * inputs → plan → run → report, imports point down: model is the ground floor (types, facts, pure rules),
 * steps and main.ts stand on top and wire the rest. run/ and report/ are siblings: run returns facts, report
 * puts them in words, and neither imports the other.
 */
const LAYERS = {
  model: [],
  inputs: ['model'],
  plan: ['model', 'inputs'],
  report: ['model', 'inputs', 'plan'],
  run: ['model', 'inputs', 'plan'],
  steps: ['model', 'inputs', 'plan', 'report', 'run']
}
const FOLDERS = [...Object.keys(LAYERS), 'main']
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: FOLDERS.filter(folder => folder !== layer && !allowed.includes(folder)).map(folder => ({
          group: [`**/${folder}`, `**/${folder}/**`],
          message: `src/${layer} may import only ${allowed.length ? allowed.map(a => `src/${a}`).join(', ') : 'itself'}: imports point down the layers (eslint.config.mjs).`
        }))
      }
    ]
  }
}))

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }]
    }
  },
  {
    // Every byte for the job log goes through src/run/runner/log.ts, which keeps input values and relayed output from
    // becoming workflow commands.
    files: ['src/**/*.ts'],
    ignores: ['src/run/runner/log.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        ...[
          'info',
          'notice',
          'warning',
          'error',
          'debug',
          'setFailed',
          'startGroup',
          'endGroup',
          'group'
        ].map(property => ({ object: 'core', property, message: 'Log through src/run/runner/log.ts.' })),
        ...['stdout', 'stderr'].map(property => ({
          object: 'process',
          property,
          message: 'Write to the job log through src/run/runner/log.ts.'
        }))
      ]
    }
  },
  ...layerRules,
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
