import * as core from '@actions/core'
import * as exec from '@actions/exec'

export interface DockerResult {
  exitCode: number
  stdout: string
  /** stderr, trimmed to its last part so a long build log cannot exhaust memory. */
  stderr: string
}

export interface DockerOptions {
  /** Extra variables on top of the step environment. */
  env?: Record<string, string>
  /** When false (default), the command line and its output go to the job log as they come. */
  silent?: boolean
  /** Replaces secrets in the echoed command line ([secret, shown instead]); the runner's masking is a second line of defence. */
  redactions?: [string, string][]
  /** Sees stderr as it comes (e.g. to count build steps without keeping the whole log). */
  onStderr?: (chunk: string) => void
}

const KEEP_STDERR = 256 * 1024

/** Runs `docker ARGS` without a shell; never throws on a non-zero exit code. */
export async function docker(args: string[], options: DockerOptions = {}): Promise<DockerResult> {
  let stdout = ''
  let stderr = ''
  const show = !options.silent
  // What buildx prints can repeat a secret too (inspect lists the driver options with the proxy URLs).
  const redactions = options.redactions ?? []
  const line = `docker ${redact(args, redactions).join(' ')}`
  if (show) process.stdout.write(`[command]${line}\n`)
  else core.debug(line)
  const exitCode = await exec.exec('docker', args, {
    env: { ...(process.env as Record<string, string>), ...options.env },
    // exec's own echo would print the unredacted argv, so output is relayed here instead.
    silent: true,
    ignoreReturnCode: true,
    listeners: {
      stdout: (data: Buffer) => {
        stdout += data.toString()
        if (show) process.stdout.write(redactText(data.toString(), redactions))
      },
      stderr: (data: Buffer) => {
        options.onStderr?.(data.toString())
        stderr += data.toString()
        if (stderr.length > 2 * KEEP_STDERR) stderr = stderr.slice(-KEEP_STDERR)
        if (show) process.stderr.write(redactText(data.toString(), redactions))
      }
    }
  })
  return {
    exitCode,
    stdout: redactText(stdout, redactions),
    stderr: redactText(stderr.slice(-KEEP_STDERR), redactions)
  }
}

export function redact(args: string[], redactions: [string, string][]): string[] {
  return args.map(arg => redactText(arg, redactions))
}

function redactText(text: string, redactions: [string, string][]): string {
  return redactions.reduce((result, [secret, shown]) => result.split(secret).join(shown), text)
}
