import * as core from '@actions/core'

/** What post needs from main, saved before main creates anything so post can undo a failed or cancelled main. */
export interface SavedState {
  builder: string
  workDir: string
  cleanup: boolean
  /** argv of the removal (with --keep-state when asked), so post repeats exactly what main planned. */
  removeArgs: string[]
  /** A docker-buildx link this run made in the Docker CLI's plugin folder, and the tool-cache folder it points to. */
  buildxPlugin?: { path: string; dir: string }
}

const IS_POST = 'isPost'
const SAVED = 'saved'

export function isPost(): boolean {
  return core.getState(IS_POST) === 'true'
}

/** Marks that the next run of the bundle is post; saved first thing in main, as actions/checkout does. */
export function markMainStarted(): void {
  core.saveState(IS_POST, 'true')
}

export function saveState(state: SavedState): void {
  core.saveState(SAVED, JSON.stringify(state))
}

export function loadState(): SavedState | undefined {
  const text = core.getState(SAVED)
  return text === '' ? undefined : (JSON.parse(text) as SavedState)
}
