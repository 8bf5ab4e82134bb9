import * as log from './log'
import { diagnose, explainFailure } from '../../model/diagnosis'

/**
 * The one place a failed command becomes an explained error: each known cause is annotated with the input to
 * change, and the error keeps the lines of the output that matter.
 */
export function failure(what: string, output: string): Error {
  for (const { title, cause, fix } of diagnose(output)) log.error(`${cause} ${fix}`, { title })
  return new Error(`${what}:\n${explainFailure(output).join('\n')}`)
}
