import * as core from '@actions/core'
import { runMain } from './main-run'
import { runPost } from './post'
import { isPost } from './state'

/** The runner starts this file twice: as `main`, then as `post` (which runs even when main failed). */
async function run(): Promise<void> {
  try {
    await (isPost() ? runPost() : runMain())
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

void run()
