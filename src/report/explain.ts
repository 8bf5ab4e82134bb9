/** A line of the error message is cut here: a RUN step can print one line of any length. */
const MAX_SHOWN = 1000

/**
 * Picks the lines that explain a failed buildx command out of its output: the framed log of the failing
 * step (between "------" rules), the Dockerfile excerpt, and the ERROR lines. The last stderr line alone
 * ("ERROR: failed to build: ...") rarely says what went wrong inside the step. Every test below is anchored
 * at the start of a line, so the whole output is read in one pass.
 */
export function explainFailure(output: string, maxLines = 40): string[] {
  const lines = output.split(/\r?\n/).map(line => line.replace(/^#\d+ /, ''))
  const picked: string[] = []
  let inFrame = false
  for (const line of lines) {
    const trimmed = line.trim()
    if (/^-{6,}$/.test(trimmed)) {
      inFrame = !inFrame
      picked.push(trimmed)
      continue
    }
    if (
      inFrame ||
      /^(ERROR|error):/.test(trimmed) ||
      /^Dockerfile:\d+/.test(trimmed) ||
      /^\s*>>>/.test(line)
    ) {
      picked.push(line)
    }
  }
  const unique = picked.filter((line, index) => index === 0 || line !== picked[index - 1])
  const shown =
    unique.length === 0
      ? lines.filter(line => line.trim() !== '').slice(-10)
      : unique.length > maxLines
        ? unique.slice(-maxLines)
        : unique
  return shown.map(clip)
}

function clip(line: string): string {
  return line.length > MAX_SHOWN
    ? `${line.slice(0, MAX_SHOWN)} … (${line.length - MAX_SHOWN} more characters)`
    : line
}

/** A cache step that failed while the build went on: the image is fine, only the cache was not used or saved. */
export function cacheFailureWarning({ step, error }: { step: string; error: string }): string {
  const effect = step.startsWith('importing')
    ? 'the build ran without that cache'
    : 'the image was pushed, but the cache was not saved'
  return `Build cache: ${step} failed${error ? ` (${error.slice(0, MAX_SHOWN)})` : ''}; ${effect}.`
}
