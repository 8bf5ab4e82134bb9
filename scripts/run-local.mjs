// Runs the bundled action the way a runner does: main with INPUT_* variables, then post with the state main
// saved. Usage: node scripts/run-local.mjs name=value ... (input names as in action.yml).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'action-local-'))
const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' }
const env = { ...process.env, RUNNER_TEMP: dir, GITHUB_WORKSPACE: process.cwd() }
for (const [name, file] of Object.entries(files)) {
  env[name] = join(dir, file)
  writeFileSync(env[name], '')
}
for (const argument of process.argv.slice(2)) {
  const separator = argument.indexOf('=')
  if (separator < 1) throw new Error(`expected name=value, got ${argument}`)
  env[`INPUT_${argument.slice(0, separator).toUpperCase()}`] = argument.slice(separator + 1)
}

/** The `name<<delimiter` file format the toolkit writes. */
function readFileCommand(file) {
  const values = {}
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const body = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) body.push(lines[i])
    values[match[1]] = body.join('\n')
  }
  return values
}

const step = stepEnv =>
  spawnSync(process.execPath, [join(root, 'dist/index.js')], { env: stepEnv, stdio: 'inherit' }).status
console.log('--- main')
const mainStatus = step(env)
const state = Object.fromEntries(
  Object.entries(readFileCommand(env.GITHUB_STATE)).map(([k, v]) => [`STATE_${k}`, v])
)
console.log('--- post')
const postStatus = step({ ...env, ...state })
console.log('--- outputs')
for (const [name, value] of Object.entries(readFileCommand(env.GITHUB_OUTPUT)))
  console.log(`${name}: ${value}`)
process.exit(mainStatus || postStatus)
