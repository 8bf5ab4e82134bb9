import * as log from './log'
import { isPost } from './state'

/**
 * The runner starts this file twice: as `main`, then as `post` (which runs even when main failed). Each loads
 * only its own code, so post does not pay for parsing inputs, planning and building.
 */
async function run(): Promise<void> {
  try {
    if (isPost()) await (await import('./post')).runPost()
    else await (await import('./pipeline')).runMain()
  } catch (error) {
    log.fail(error instanceof Error ? error.message : String(error))
  }
}

void run()
