import { spawn } from 'node:child_process'
import { parseState, savedValue, STATE_NAMES } from '../../model/saved-state'
import { removeBuilderArgs } from '../../plan/remove-argv'
import { DockerResult, KEEP_STDERR } from './docker-result'

/** What post started before the rest of its code loaded: `docker buildx rm` of the builder main saved. */
export interface StartedRemoval {
  builder: string
  keepState: boolean
  args: string[]
  result: Promise<DockerResult>
}

/**
 * Post's one slow step, started first: the removal of the builder main saved, from the same checked state post
 * reads (anything that fails the check starts nothing, and post says why). Its output is kept and shown by post
 * once the job log's code has loaded. Without this, the removal waited on loading @actions/core and the rest.
 */
export function startRemoval(env: NodeJS.ProcessEnv = process.env): StartedRemoval | undefined {
  const text = savedValue(STATE_NAMES.saved, env)
  if (text === '') return undefined
  let state
  try {
    state = parseState(text)
  } catch {
    return undefined
  }
  if (!state.cleanup || state.warmLease !== undefined) return undefined
  const args = removeBuilderArgs(state.builder, state.keepState)
  return { builder: state.builder, keepState: state.keepState, args, result: run(args, env) }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<DockerResult> {
  return new Promise(resolve => {
    const out = { stdout: '', stderr: '' }
    const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      out.stderr = (out.stderr + chunk).slice(-KEEP_STDERR)
    })
    child.on('error', error =>
      resolve({ exitCode: 127, stdout: out.stdout, stderr: `${out.stderr}${error.message}` })
    )
    child.on('close', code => resolve({ exitCode: code ?? 1, ...out }))
  })
}
