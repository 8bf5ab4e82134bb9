// A Dockerfile as BuildKit's frontend splits it: parser directives, then instructions with their line
// continuations joined and heredoc bodies passed over (pure).

export interface Instruction {
  keyword: string
  rest: string
  line: number
}

/** Parser directives at the top (`# syntax=`, `# escape=`), then the instructions with continuations joined. */
export function instructionsOf(text: string): {
  directives: Record<string, string>
  instructions: Instruction[]
} {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const directives: Record<string, string> = {}
  let at = 0
  for (; at < lines.length; at += 1) {
    const directive = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[at])
    if (!directive || directives[directive[1].toLowerCase()] !== undefined) break
    directives[directive[1].toLowerCase()] = directive[2]
  }
  const escape = directives.escape === '`' ? '`' : '\\'
  const instructions: Instruction[] = []
  while (at < lines.length) {
    const line = at + 1
    if (/^\s*(#|$)/.test(lines[at])) {
      at += 1
      continue
    }
    let joined = ''
    let current = lines[at]
    at += 1
    // A line ending in the escape character goes on; comment and empty lines inside are dropped.
    while (current.trimEnd().endsWith(escape) && at <= lines.length) {
      joined += current.trimEnd().slice(0, -1)
      while (at < lines.length && /^\s*(#|$)/.test(lines[at])) at += 1
      if (at >= lines.length) {
        current = ''
        break
      }
      current = lines[at]
      at += 1
    }
    joined += current
    const match = /^\s*(\S+)\s*(.*)$/s.exec(joined)
    if (!match) continue
    const instruction = { keyword: match[1].toUpperCase(), rest: match[2], line }
    instructions.push(instruction)
    at = skipHeredocs(instruction.rest, lines, at)
  }
  return { directives, instructions }
}

/** Past the bodies of the heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`), each up to its word. */
function skipHeredocs(rest: string, lines: string[], at: number): number {
  const words = [...rest.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)].map(found => found[3])
  for (const word of words) {
    while (at < lines.length && lines[at].replace(/^\t+/, '').trimEnd() !== word) at += 1
    at += 1
  }
  return at
}

/**
 * The flag words that open an instruction's arguments (`--mount=…`, `--from=…`, `--platform=…`; flags end at the
 * first word that is not one), each with its quotes taken away as BuildKit does, and what follows them.
 */
export function leadingFlags(rest: string): { flags: string[]; rest: string } {
  const flags: string[] = []
  let at = skipBlanks(rest, 0)
  while (rest.startsWith('--', at)) {
    const { word, end } = wordAt(rest, at)
    flags.push(word)
    at = skipBlanks(rest, end)
  }
  return { flags, rest: rest.slice(at) }
}

/** An instruction's words, split on blanks outside quotes, with the quotes taken away. */
export function words(rest: string): string[] {
  const found: string[] = []
  for (let at = skipBlanks(rest, 0); at < rest.length;) {
    const { word, end } = wordAt(rest, at)
    found.push(word)
    at = skipBlanks(rest, end)
  }
  return found
}

function skipBlanks(rest: string, at: number): number {
  while (at < rest.length && /\s/.test(rest[at])) at += 1
  return at
}

/** The word that starts at `at`: up to the next blank outside quotes, the quotes taken away as BuildKit does. */
function wordAt(rest: string, at: number): { word: string; end: number } {
  let word = ''
  let quote = ''
  for (; at < rest.length && (quote !== '' || !/\s/.test(rest[at])); at += 1) {
    const char = rest[at]
    if (quote === '' && (char === '"' || char === "'")) quote = char
    else if (char === quote) quote = ''
    else word += char
  }
  return { word, end: at }
}
