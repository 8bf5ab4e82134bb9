import * as log from '../log'
import { explainFailure } from './explain'
import { diagnose } from './diagnose'

/** Annotates each known cause with the input to change, and returns the error with the lines that matter. */
export function failure(what: string, output: string): Error {
  for (const { title, cause, fix } of diagnose(output)) log.error(`${cause} ${fix}`, { title })
  return new Error(`${what}:\n${explainFailure(output).join('\n')}`)
}
