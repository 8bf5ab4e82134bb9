// Types of runner.cjs for the TypeScript tests.
export type Env = Record<string, string | undefined>

export interface StepFiles {
  output: string
  state: string
  summary: string
}

export interface RunnerFiles {
  runnerTemp: string
  files: StepFiles
  /** GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY and RUNNER_TEMP. */
  env: Record<string, string>
}

export interface MainAndPost<Step> {
  main: Step
  /** Undefined with skipPost. */
  post: Step | undefined
  runPost(): Promise<Step>
  state: Record<string, string>
  outputs: Record<string, string>
  summary: string
}

export function inputEnv(inputs: Record<string, string>): Record<string, string>
export function runnerFiles(dir: string, options?: { runnerTemp?: string }): RunnerFiles
export function parseFileCommand(text: string): Record<string, string>
export function readFileCommand(file: string): Record<string, string>
export function stateEnv(state: Record<string, string>): Record<string, string>
export function withoutState<E extends Env>(env: E): E
export function runMainAndPost<Step, E extends Env = Record<string, string>>(options: {
  env: E
  files: StepFiles
  step: (env: E, which: 'main' | 'post') => Promise<Step>
  skipPost?: boolean
}): Promise<MainAndPost<Step>>
export function node24Prefix(): string
export function node24Path(): string
