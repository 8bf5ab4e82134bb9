/**
 * Picks the lines that explain a failed buildx command out of its output: the framed log of the failing
 * step (between "------" rules), the Dockerfile excerpt, and the ERROR lines. The last stderr line alone
 * ("ERROR: failed to build: ...") rarely says what went wrong inside the step.
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
  if (unique.length === 0) {
    return lines.filter(line => line.trim() !== '').slice(-10)
  }
  return unique.length > maxLines ? unique.slice(-maxLines) : unique
}
