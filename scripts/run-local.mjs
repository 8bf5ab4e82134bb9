// Runs the bundled action the way a runner does: main with INPUT_* variables, then post with the state main
// saved. Usage: node scripts/run-local.mjs name=value ... (input names as in action.yml).
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inputEnv, runMainAndPost, runnerFiles } from './lib/runner.cjs'

const root = resolve(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'action-local-'))
// RUNNER_TEMP is the folder that holds the step's files.
const runner = runnerFiles(dir, { runnerTemp: dir })
const inputs = {}
for (const argument of process.argv.slice(2)) {
  const separator = argument.indexOf('=')
  if (separator < 1) throw new Error(`expected name=value, got ${argument}`)
  inputs[argument.slice(0, separator)] = argument.slice(separator + 1)
}
const env = { ...process.env, ...runner.env, GITHUB_WORKSPACE: process.cwd(), ...inputEnv(inputs) }

const { main, post, outputs } = await runMainAndPost({
  env,
  files: runner.files,
  step: async (stepEnv, which) => {
    console.log(`--- ${which}`)
    return spawnSync(process.execPath, [join(root, 'dist/index.js')], { env: stepEnv, stdio: 'inherit' })
      .status
  }
})
console.log('--- outputs')
for (const [name, value] of Object.entries(outputs)) console.log(`${name}: ${value}`)
process.exit(main || post)
