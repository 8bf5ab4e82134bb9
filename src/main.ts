import { isPostStep } from './model/saved-state'
import { startRemoval } from './run/docker/early-removal'

/**
 * The runner starts this file twice: as `main`, then as `post` (which runs even when main failed). Each loads
 * only its own code, so post does not pay for parsing inputs, planning and building. Nothing here loads the job
 * log's code (@actions/core and what it brings), so post's slowest step, the builder's removal, starts first.
 */
async function run(): Promise<void> {
  const post = isPostStep(process.env)
  const removal = post ? startRemoval() : undefined
  try {
    if (post) await (await import('./steps/post-step')).runPost(removal)
    else await (await import('./steps/main-step')).runMain()
  } catch (error) {
    const log = await import('./run/runner/log')
    const message = error instanceof Error ? error.message : String(error)
    // Post only cleans up: what it could not do is a warning, and the build's result stands.
    if (post) log.warning(`Cleanup failed: ${message}`)
    else log.fail(message)
    // The message is for everyone; the stack only for whoever turns on debug logging.
    if (error instanceof Error && error.stack) log.debug(error.stack)
  }
}

/**
 * Cancellation (SIGINT, then SIGTERM, from the runner): main first stops the docker commands it started, so that
 * none of them goes on after post has cleaned up, then exits as cancelled. Post runs to its end.
 */
function onCancel(name: NodeJS.Signals): void {
  process.once(name, () => {
    if (isPostStep(process.env)) return
    void import('./run/runner/log')
      .then(log => log.warning(`Cancelled (${name}): stopping the docker commands this step started.`))
      .then(() => import('./run/docker/cancel'))
      .then(({ stopChildren }) => stopChildren())
      .finally(() => process.exit(1))
  })
}

onCancel('SIGINT')
onCancel('SIGTERM')
void run()
