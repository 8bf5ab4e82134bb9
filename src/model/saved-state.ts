import { isBuilderName } from './names'

/**
 * What post needs from main, saved before main creates anything so post can undo a failed or cancelled main.
 * Post re-checks every field (see steps/post-step.ts): a value that reached the state file some other way must not
 * make it run a command or delete a path that main would not have.
 */
export interface SavedState {
  builder: string
  workDir: string
  cleanup: boolean
  keepState: boolean
  buildxPlugin?: BuildxPluginLink
  /** A warm builder is left running; post releases this job's lease file on it instead. */
  warmLease?: string
}

/** A docker-buildx link this run made in the Docker CLI's plugin folder, and the tool-cache folder it points to. */
export interface BuildxPluginLink {
  path: string
  dir: string
}

/** The names main saves its state under; the runner hands each back to post as the variable STATE_<name>. */
export const STATE_NAMES = { isPost: 'isPost', saved: 'saved' } as const

/** What main saved under `name`, as post's environment holds it ('' when nothing was saved). */
export function savedValue(name: string, env: NodeJS.ProcessEnv): string {
  return env[`STATE_${name}`] ?? ''
}

/** Whether this run of the bundle is post: main marks it first thing (as actions/checkout does). */
export function isPostStep(env: NodeJS.ProcessEnv): boolean {
  return savedValue(STATE_NAMES.isPost, env) === 'true'
}

/** The saved state, checked field by field; throws when it is not what main writes. */
export function parseState(text: string): SavedState {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('the saved state is not JSON')
  }
  const state = value as Partial<Record<keyof SavedState, unknown>>
  const string = (v: unknown): v is string => typeof v === 'string'
  if (typeof value !== 'object' || value === null) throw new Error('the saved state is not an object')
  if (!string(state.builder) || !isBuilderName(state.builder))
    throw new Error('the saved builder name is invalid')
  if (!string(state.workDir)) throw new Error('the saved work dir is invalid')
  if (typeof state.cleanup !== 'boolean' || typeof state.keepState !== 'boolean')
    throw new Error('the saved cleanup flags are invalid')
  const plugin = state.buildxPlugin as { path?: unknown; dir?: unknown } | undefined
  if (plugin !== undefined && !(string(plugin?.path) && string(plugin?.dir)))
    throw new Error('the saved buildx plugin is invalid')
  if (state.warmLease !== undefined && !string(state.warmLease))
    throw new Error('the saved warm lease is invalid')
  return {
    builder: state.builder,
    workDir: state.workDir,
    cleanup: state.cleanup,
    keepState: state.keepState,
    ...(plugin ? { buildxPlugin: { path: plugin.path as string, dir: plugin.dir as string } } : {}),
    ...(string(state.warmLease) ? { warmLease: state.warmLease } : {})
  }
}
