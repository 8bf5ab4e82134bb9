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
