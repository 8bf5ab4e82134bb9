/** The start of a line is all the step patterns read; the rest of a longer line is not kept. */
const MAX_LINE = 1024

/**
 * Counts Dockerfile steps in buildx's plain progress output: a step is a vertex named like
 * "[linux/amd64 2/3] RUN …" or "[2/3] COPY …" (FROM aside); it was cached when buildx printed "#N CACHED" for it.
 * Fed chunk by chunk, so a long build log is never held in memory for this.
 */
export class StepCounter {
  private partial = ''
  /** The unfinished line was cut at MAX_LINE, so it cannot be a bare "#N CACHED". */
  private partialCut = false
  private readonly steps = new Set<string>()
  private readonly cached = new Set<string>()
  /** Cache import/export vertices by number, and the ones that failed (their error, '' when not printed). */
  private readonly cacheVertices = new Map<string, string>()
  private readonly cacheFailed = new Map<string, string>()

  add(chunk: string): void {
    // Only the chunk is searched for line ends: re-reading a long unfinished line with every chunk of it
    // was quadratic in its length.
    let start = 0
    for (let end = chunk.indexOf('\n'); end >= 0; end = chunk.indexOf('\n', start)) {
      this.append(chunk.slice(start, end))
      this.finishLine()
      start = end + 1
    }
    this.append(chunk.slice(start))
  }

  private append(text: string): void {
    const room = MAX_LINE - this.partial.length
    if (text.length > room) {
      this.partialCut = true
      if (room > 0) this.partial += text.slice(0, room)
    } else {
      this.partial += text
    }
  }

  private finishLine(): void {
    const line = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial
    this.read(line, this.partialCut)
    this.partial = ''
    this.partialCut = false
  }

  private read(line: string, cut: boolean): void {
    // FROM only resolves the base image (it shows as DONE even on a fully cached build), so it is not counted.
    const named = /^#(\d+) \[[^\]]*\b\d+\/\d+\] (?!FROM )/.exec(line)
    if (named) this.steps.add(named[1])
    const cached = cut ? null : /^#(\d+) CACHED\s*$/.exec(line)
    if (cached) this.cached.add(cached[1])
    if (cut) return
    const cache = /^#(\d+) (importing cache manifest from \S+|exporting cache to \S+)\s*$/.exec(line)
    if (cache) this.cacheVertices.set(cache[1], cache[2])
    const error = /^#(\d+) ERROR: (.*)$/.exec(line)
    const name = error && this.cacheVertices.get(error[1])
    if (error && name) this.cacheFailed.set(name, error[2])
    // Errors that did not fail the build (ignore-error, a cache import) are listed again at the end.
    const listed = /^ > (importing cache manifest from \S+|exporting cache to \S+):$/.exec(line)
    if (listed && !this.cacheFailed.has(listed[1])) this.cacheFailed.set(listed[1], '')
  }

  /** Cache imports and exports that failed without failing the build. */
  cacheFailures(): { step: string; error: string }[] {
    return [...this.cacheFailed].map(([step, error]) => ({ step, error }))
  }

  totals(): { steps: number; cached: number; executed: number } {
    if (this.partial !== '') this.finishLine()
    const cached = [...this.steps].filter(step => this.cached.has(step)).length
    return { steps: this.steps.size, cached, executed: this.steps.size - cached }
  }
}
