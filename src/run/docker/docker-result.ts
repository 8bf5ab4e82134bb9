/**
 * What a finished docker command gave back. Its own module, importing nothing, so that post's early removal
 * (which runs before @actions/exec and the log's code load) and docker() share it.
 */
export interface DockerResult {
  exitCode: number
  stdout: string
  /** stderr, trimmed to its last part so a long build log cannot exhaust memory. */
  stderr: string
}

/** How much of stderr a result keeps: the end, where the error is. */
export const KEEP_STDERR = 256 * 1024
