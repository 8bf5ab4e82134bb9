/**
 * A stand-in for @actions/exec in unit tests (mapped in jest.config.cjs): the docker runner is injected by the
 * test with `answerDocker`, and every call is recorded with its argv and the environment it was given.
 */
export interface DockerAnswer {
  exitCode?: number
  stdout?: string
  stderr?: string
  /** The call returns once this settles (a command still running while others start). */
  until?: Promise<unknown>
}

export const calls: { args: string[]; env: Record<string, string> }[] = []
let answer: (args: string[]) => DockerAnswer = () => ({})

export function answerDocker(fn: (args: string[]) => DockerAnswer): void {
  calls.length = 0
  answer = fn
}

interface ExecOptions {
  env?: Record<string, string>
  listeners?: { stdout?: (data: Buffer) => void; stderr?: (data: Buffer) => void }
}

export async function exec(tool: string, argv: string[] = [], options: ExecOptions = {}): Promise<number> {
  // `nice -n 19 docker …` (a low-priority docker command) is docker too.
  const niced = tool === 'nice' && argv[0] === '-n' && argv[2] === 'docker'
  if (tool !== 'docker' && !niced) throw new Error(`exec double: unexpected tool ${tool}`)
  const args = niced ? argv.slice(3) : argv
  calls.push({ args, env: options.env ?? {} })
  const { exitCode = 0, stdout = '', stderr = '', until } = answer(args)
  await until
  if (stdout) options.listeners?.stdout?.(Buffer.from(stdout))
  if (stderr) options.listeners?.stderr?.(Buffer.from(stderr))
  return exitCode
}
