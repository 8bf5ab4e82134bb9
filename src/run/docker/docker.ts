import * as exec from '@actions/exec'
import { accessSync, constants } from 'node:fs'
import { basename, delimiter, join } from 'node:path'
import * as log from '../runner/log'
import { DockerResult, KEEP_STDERR } from './docker-result'

export type { DockerResult }

export interface DockerOptions {
  /** Extra variables on top of the step environment. */
  env?: Record<string, string>
  /** When false (default), the command line and its output go to the job log as they come. */
  silent?: boolean
  /** Replaces secrets in the echoed command line ([secret, shown instead]); the runner's masking is a second line of defence. */
  redactions?: [string, string][]
  /** Sees stderr as it comes (e.g. to count build steps without keeping the whole log). */
  onStderr?: (chunk: string) => void
  /** Runs it under `nice`, so it takes no CPU a build running at the same time could use (Linux runners). */
  lowPriority?: boolean
}

/** Variables every docker command of this step gets (the private config of `registry-auth`); set once in main. */
let stepEnv: Record<string, string> = {}

export function setDockerEnv(env: Record<string, string>): void {
  stepEnv = env
}

let nice: boolean | undefined

/** Whether `nice` is on PATH (coreutils or busybox on Linux runners); without it a command runs as it is. */
function niceAvailable(): boolean {
  if (nice === undefined) {
    nice =
      process.platform !== 'win32' &&
      (process.env.PATH ?? '').split(delimiter).some(dir => {
        try {
          accessSync(join(dir || '.', 'nice'), constants.X_OK)
          return true
        } catch {
          return false
        }
      })
  }
  return nice
}

/** Runs `docker ARGS` without a shell; never throws on a non-zero exit code. */
export function docker(args: string[], options: DockerOptions = {}): Promise<DockerResult> {
  return runProgram('docker', args, options)
}

/**
 * Runs `program ARGS` without a shell, as docker commands run: the step environment and this step's Docker config
 * (the registry logins), the command line echoed with secrets redacted and the output fenced. Never throws on a
 * non-zero exit code. The echo names the program by its file name.
 */
export async function runProgram(
  program: string,
  args: string[],
  options: DockerOptions = {}
): Promise<DockerResult> {
  // Kept as bytes until the end: a character split between two chunks must not be decoded in halves.
  const stdout: Buffer[] = []
  let stderr = ''
  // What buildx prints can repeat a secret too (inspect lists the driver options with the proxy URLs).
  const redactions = options.redactions ?? []
  const line = log.formatCommand(args, redactions, basename(program))
  const relay = options.silent ? undefined : new log.FencedRelay(redactions)
  if (relay) relay.line(`[command]${line}`)
  else log.debug(line)
  try {
    const [file, argv] =
      options.lowPriority && niceAvailable() ? ['nice', ['-n', '19', program, ...args]] : [program, args]
    const exitCode = await exec.exec(file, argv, {
      env: { ...(process.env as Record<string, string>), ...stepEnv, ...options.env },
      // exec's own echo would print the unredacted argv, and its relay would not be fenced.
      silent: true,
      ignoreReturnCode: true,
      listeners: {
        stdout: (data: Buffer) => {
          stdout.push(data)
          relay?.write('stdout', data.toString())
        },
        stderr: (data: Buffer) => {
          options.onStderr?.(data.toString())
          stderr += data.toString()
          if (stderr.length > 2 * KEEP_STDERR) stderr = stderr.slice(-KEEP_STDERR)
          relay?.write('stderr', data.toString())
        }
      }
    })
    return {
      exitCode,
      stdout: log.redact(Buffer.concat(stdout).toString('utf8'), redactions),
      stderr: log.redact(stderr.slice(-KEEP_STDERR), redactions)
    }
  } finally {
    relay?.close()
  }
}

/** A docker command that ran with its output kept (started before the log's code loaded), shown as docker() would. */
export function showFinished(args: string[], result: DockerResult): void {
  const relay = new log.FencedRelay()
  relay.line(`[command]${log.formatCommand(args)}`)
  relay.write('stdout', result.stdout)
  relay.write('stderr', result.stderr)
  relay.close()
}
