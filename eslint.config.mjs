import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] }
  },
  {
    // Every byte for the job log goes through src/log.ts, which keeps input values and relayed output from
    // becoming workflow commands.
    files: ['src/**/*.ts'],
    ignores: ['src/log.ts'],
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
        ].map(property => ({ object: 'core', property, message: 'Log through src/log.ts.' })),
        ...['stdout', 'stderr'].map(property => ({
          object: 'process',
          property,
          message: 'Write to the job log through src/log.ts.'
        }))
      ]
    }
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
