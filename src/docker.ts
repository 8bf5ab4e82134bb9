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
  /** When false (default), output is streamed to the job log as it comes. */
  silent?: boolean
}

const KEEP_STDERR = 256 * 1024

/** Runs `docker ARGS` without a shell; never throws on a non-zero exit code. */
export async function docker(args: string[], options: DockerOptions = {}): Promise<DockerResult> {
  let stdout = ''
  let stderr = ''
  const env = { ...(process.env as Record<string, string>), ...options.env }
  const exitCode = await exec.exec('docker', args, {
    env,
    silent: options.silent ?? false,
    ignoreReturnCode: true,
    listeners: {
      stdout: (data: Buffer) => {
        stdout += data.toString()
      },
      stderr: (data: Buffer) => {
        stderr += data.toString()
        if (stderr.length > 2 * KEEP_STDERR) stderr = stderr.slice(-KEEP_STDERR)
      }
    }
  })
  return { exitCode, stdout, stderr: stderr.slice(-KEEP_STDERR) }
}
