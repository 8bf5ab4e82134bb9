// The base images a build will pull, read from its Dockerfile (pure): a helper pulls them while the cache mounts
// are restored, so the build finds them on the builder. Only what can be known for sure is returned; a stage
// whose base depends on anything else is left for the build to pull itself.
import { splitCsvLine } from './csv'
import { Instruction, instructionsOf, leadingFlags, words } from './dockerfile-instructions'

export interface BaseImage {
  /** The reference with the global ARGs put in, as the build resolves it. */
  ref: string
  /** The FROM's `--platform` as written: `$BUILDPLATFORM`, `$TARGETPLATFORM` or `os/arch[/variant]`. */
  platform?: string
}

interface Stage {
  name?: string
  base: string
  platform?: string
  /** The stages it reads from: FROM, COPY --from and RUN --mount from=, by name or index. */
  uses: string[]
}

/** At most this many images: a helper that pulls more would compete with the restore it hides behind. */
const MAX_IMAGES = 8
// A reference as the registry grammar writes one: no blank, quote, `$` or line break can reach a generated file.
const SAFE_REF = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,254}$/
const SAFE_PLATFORM =
  /^(\$\{?(BUILDPLATFORM|TARGETPLATFORM)\}?|[a-z0-9]{1,20}\/[a-z0-9_]{1,20}(\/[a-z0-9]{1,10})?)$/

/**
 * The base images of the stages the build needs (the target, else the last stage, and the stages it reads from),
 * each once, in stage order. `scratch`, earlier stages and bases that use a variable other than a global ARG
 * (set by a default or a build arg) are left out.
 */
export function findBaseImages(text: string, given: { buildArgs: string[]; target: string }): BaseImage[] {
  const { instructions } = instructionsOf(text)
  const first = instructions.findIndex(instruction => instruction.keyword === 'FROM')
  if (first < 0) return []
  const globals = globalArgs(instructions.slice(0, first), given.buildArgs)
  const stages = stagesOf(instructions.slice(first))
  const images: BaseImage[] = []
  for (const stage of needed(stages, given.target)) {
    if (stages.some(other => other.name === stage.base.toLowerCase())) continue
    const ref = expand(stage.base, globals)
    if (ref === undefined || ref.toLowerCase() === 'scratch' || !SAFE_REF.test(ref)) continue
    if (stage.platform !== undefined && !SAFE_PLATFORM.test(stage.platform)) continue
    const image = { ref, ...(stage.platform !== undefined ? { platform: stage.platform } : {}) }
    if (!images.some(known => known.ref === image.ref && known.platform === image.platform))
      images.push(image)
  }
  return images.slice(0, MAX_IMAGES)
}

/** The ARGs before the first FROM, with their defaults, and the build args that set them. */
function globalArgs(instructions: Instruction[], buildArgs: string[]): Map<string, string> {
  const given = new Map(
    buildArgs.map(entry => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])
  )
  const values = new Map<string, string>()
  for (const { keyword, rest } of instructions) {
    if (keyword !== 'ARG') continue
    for (const word of words(rest)) {
      const found = /^([A-Za-z_][A-Za-z0-9_]*)(=(.*))?$/s.exec(word)
      if (!found) continue
      const value = given.get(found[1]) ?? found[3]
      // A default that itself uses a variable is not followed.
      if (value !== undefined && (given.has(found[1]) || !value.includes('$'))) values.set(found[1], value)
    }
  }
  return values
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = []
  for (const { keyword, rest } of instructions) {
    if (keyword === 'FROM') {
      const { flags, rest: after } = leadingFlags(rest)
      const [base = '', as, name] = after.trim().split(/\s+/)
      const platform = flags.find(flag => flag.startsWith('--platform='))?.slice('--platform='.length)
      stages.push({
        base,
        ...(as?.toLowerCase() === 'as' && name ? { name: name.toLowerCase() } : {}),
        ...(platform !== undefined ? { platform } : {}),
        uses: [base.toLowerCase()]
      })
      continue
    }
    const stage = stages.at(-1)
    if (!stage) continue
    for (const flag of leadingFlags(rest).flags) {
      const from = /^--from=(.*)$/is.exec(flag)
      if (from && (keyword === 'COPY' || keyword === 'ADD')) stage.uses.push(from[1].toLowerCase())
      const mount = /^--mount=(.*)$/is.exec(flag)
      if (mount && keyword === 'RUN')
        for (const field of splitCsvLine(mount[1]))
          if (/^from=/i.test(field)) stage.uses.push(field.slice(5).toLowerCase())
    }
  }
  return stages
}

/** The target stage (by name), else the last, and every stage it reads from, in stage order. */
function needed(stages: Stage[], target: string): Stage[] {
  const start = target ? stages.findIndex(stage => stage.name === target.toLowerCase()) : stages.length - 1
  if (start < 0) return []
  const marked = new Set<number>()
  const visit = (index: number): void => {
    if (marked.has(index)) return
    marked.add(index)
    for (const use of stages[index].uses) {
      const named = stages.findIndex((stage, at) => at < index && stage.name === use)
      const numbered = /^\d{1,4}$/.test(use) && Number(use) < index ? Number(use) : -1
      if (named >= 0) visit(named)
      else if (numbered >= 0) visit(numbered)
    }
  }
  visit(start)
  return stages.filter((_, index) => marked.has(index))
}

/** `$NAME` and `${NAME}` of the global ARGs put in; undefined when anything else with `$` is left. */
function expand(text: string, globals: Map<string, string>): string | undefined {
  let unknown = false
  const expanded = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, a, b) => {
    const value = globals.get(a ?? b)
    if (value === undefined) unknown = true
    return value ?? ''
  })
  return unknown || expanded.includes('$') || expanded.includes('\\') ? undefined : expanded
}
