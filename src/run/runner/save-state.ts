import * as core from '@actions/core'
import { parseState, SavedState, STATE_NAMES } from '../../model/saved-state'

// The step's state with the runner: what main saves for post, and post reads back (checked by model/saved-state).

/** Marks that the next run of the bundle is post; saved first thing in main, as actions/checkout does. */
export function markMainStarted(): void {
  core.saveState(STATE_NAMES.isPost, 'true')
}

export function saveState(state: SavedState): void {
  core.saveState(STATE_NAMES.saved, JSON.stringify(state))
}

/** The saved state, undefined when main saved none; throws when it is not what main writes. */
export function loadState(): SavedState | undefined {
  const text = core.getState(STATE_NAMES.saved)
  return text === '' ? undefined : parseState(text)
}
