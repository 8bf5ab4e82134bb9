/**
 * The line of a failed command's output that says why, for a one-line reason: its last non-blank line (or, when
 * one starts with `prefer`, the last of those: buildx ends a failure with `ERROR: …`), trimmed; 'no output' when
 * there is none.
 */
export function lastLine(output: string, prefer?: string): string {
  const lines = output
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
  const preferred = prefer === undefined ? undefined : lines.filter(line => line.startsWith(prefer)).at(-1)
  return preferred ?? lines.at(-1) ?? 'no output'
}
