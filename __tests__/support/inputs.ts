import { Inputs, parseInputs } from '../../src/inputs/parse'
import { InputSource } from '../../src/inputs/input-source'

/** Inputs as the runner would give them, a step environment, and workspace files, for parseInputs. */
export function inputSource(
  values: Record<string, string>,
  env: Record<string, string> = {},
  files: Record<string, string> = {}
): InputSource {
  return {
    get: name => values[name] ?? '',
    env,
    readFile: path => {
      if (!(path in files)) throw Object.assign(new Error(`no such file ${path}`), { code: 'ENOENT' })
      return files[path]
    },
    defaultBuilderName: 'builder-test'
  }
}

/** The least a run that pushes needs: one tag. */
export const PUSHABLE = { tags: 'registry.example.com/app:1' }

/** The inputs of these values, the builder named b1 unless builder-name says otherwise. */
export function inputsOf(values: Record<string, string>): Inputs {
  return parseInputs({ ...inputSource(values), defaultBuilderName: 'b1' })
}
