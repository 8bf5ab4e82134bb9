/**
 * Counts Dockerfile steps in buildx's plain progress output: a step is a vertex named like
 * "[linux/amd64 2/3] RUN …" or "[2/3] COPY …" (FROM aside); it was cached when buildx printed "#N CACHED" for it.
 * Fed chunk by chunk, so a long build log is never held in memory for this.
 */
export class StepCounter {
  private partial = ''
  private readonly steps = new Set<string>()
  private readonly cached = new Set<string>()

  add(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n/)
    this.partial = lines.pop() ?? ''
    for (const line of lines) this.read(line)
  }

  private read(line: string): void {
    // FROM only resolves the base image (it shows as DONE even on a fully cached build), so it is not counted.
    const named = /^#(\d+) \[[^\]]*\b\d+\/\d+\] (?!FROM )/.exec(line)
    if (named) this.steps.add(named[1])
    const cached = /^#(\d+) CACHED\s*$/.exec(line)
    if (cached) this.cached.add(cached[1])
  }

  totals(): { steps: number; cached: number; executed: number } {
    if (this.partial !== '') {
      this.read(this.partial)
      this.partial = ''
    }
    const cached = [...this.steps].filter(step => this.cached.has(step)).length
    return { steps: this.steps.size, cached, executed: this.steps.size - cached }
  }
}
