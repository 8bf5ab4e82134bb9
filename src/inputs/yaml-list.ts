import { parse } from 'yaml'
import { InputError } from './input-error'

/**
 * A YAML list input (`append`, `registry-auth`): the parsed list, or an InputError naming the input. Only the
 * parser's first message line is kept; later lines quote the text. `shown` is what the error says was given
 * (the first line of the text, or a placeholder for an input that holds passwords).
 */
export function parseYamlList(
  input: string,
  text: string,
  shown: string,
  what: string,
  hint: string
): unknown[] {
  let value: unknown
  try {
    value = parse(text)
  } catch (error) {
    throw new InputError(input, shown, `not valid YAML: ${(error as Error).message.split('\n')[0]}`, hint)
  }
  if (!Array.isArray(value)) throw new InputError(input, shown, `not a YAML list of ${what}`, hint)
  return value
}
