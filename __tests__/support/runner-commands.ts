/**
 * How a workflow runner turns a step's output into workflow commands, emulated so tests can show that nothing
 * the action prints becomes one. Two runners: GitHub's (actions/runner, C#, the 'github' flavour) and nektos/act
 * (Go, the 'act' flavour). Every rule below was read in their sources, cited by path; nothing is copied.
 *
 * One call takes one stream. The GitHub runner reads stdout and stderr on their own pipes but keeps one
 * stop-commands state per step for both, so which stream's line comes first is up to thread timing; act feeds
 * both streams into one line buffer and keeps one state per container (a job container's lasts the whole job).
 *
 * Reported as commands even where the runner then refuses them: set-env and add-path without
 * ACTIONS_ALLOW_UNSECURE_COMMANDS, and notice on a server without enhanced annotations.
 */

export type Flavour = 'github' | 'act'

export interface RunnerCommand {
  /** Lower-cased for 'github', whose runner matches names ignoring case; as written for 'act'. */
  name: string
  /** 'github': case-insensitive keys, kept in the spelling first seen (the runner's dictionary does that). */
  properties: Record<string, string>
  data: string
  /** 1-based index into `lines`. */
  line: number
}

export interface RunnerOutput {
  /** What the runner acts on, in order: stop-commands and the resume line included, ignored lines left out. */
  commands: RunnerCommand[]
  /** Values the runner's masker was given: add-mask values and, for 'github', stop tokens over six characters. */
  masks: string[]
  /** The lines the runner hands to its parser. */
  lines: string[]
}

export interface RunnerOptions {
  flavour?: Flavour
}

/** src/Runner.Common/ExtensionManager.cs; internal-set-repo-path is registered only while a runner plugin runs. */
export const GITHUB_COMMANDS = [
  'set-env',
  'set-output',
  'save-state',
  'add-path',
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands'
]

export function parseRunnerOutput(text: string, options: RunnerOptions = {}): RunnerOutput {
  const { commands, masks, lines } = run(text, options.flavour ?? 'github')
  return { commands, masks, lines }
}

/**
 * The log as the runner would show it: every line it read, masked with `secrets` (registered before the step,
 * as workflow secrets are) and with each add-mask value from the line that adds it on. Processed command lines
 * are mostly not printed at all; printing them masked is the cautious upper bound.
 */
export function maskedLog(text: string, secrets: string[], options: RunnerOptions = {}): string {
  const flavour = options.flavour ?? 'github'
  const { lines, masks, maskCounts } = run(text, flavour)
  if (flavour === 'act')
    return lines.map((line, i) => actMask(line, [...secrets, ...masks.slice(0, maskCounts[i])])).join('\n')
  const registered = secrets.flatMap(workflowSecretValues)
  return lines
    .map((line, i) => githubMask(line, [...registered, ...masks.slice(0, maskCounts[i])]))
    .join('\n')
}

interface Run extends RunnerOutput {
  /** How many of `masks` are in force when line i is logged. */
  maskCounts: number[]
}

function run(text: string, flavour: Flavour): Run {
  const lines = splitLines(text, flavour)
  const out: Run = { commands: [], masks: [], lines, maskCounts: [] }
  const step = flavour === 'github' ? githubStep() : actStep()
  lines.forEach((line, i) => {
    step(line, i + 1, out)
    out.maskCounts.push(out.masks.length)
  })
  return out
}

/** The masker keeps each value once. */
function addMasks(out: RunnerOutput, ...values: string[]): void {
  for (const value of values) if (!out.masks.includes(value)) out.masks.push(value)
}

function splitLines(text: string, flavour: Flavour): string[] {
  if (flavour === 'act') {
    // pkg/common/line_writer.go: only LF ends a line, and a last line without one is never handled.
    const parts = text.split('\n')
    parts.pop()
    return parts
  }
  // .NET's Process reader detects encoding from a byte-order mark, so one at the very start is dropped.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  // src/Runner.Sdk/ProcessInvoker.cs reads with StreamReader.ReadLine: CR, LF and CRLF each end a line, the last
  // line needs no terminator, and no empty line follows a final one.
  const parts = body.split(/\r\n|\r|\n/)
  if (parts[parts.length - 1] === '') parts.pop()
  return parts
}

// ---- GitHub: src/Runner.Worker/ActionCommandManager.cs and src/Runner.Common/ActionCommand.cs ----

interface Parsed {
  name: string
  properties: Record<string, string>
  data: string
}

function githubStep(): (line: string, lineNo: number, out: RunnerOutput) => void {
  const registered = new Set(GITHUB_COMMANDS.map(foldCase))
  let stopToken: string | undefined
  // While stopped, the token is registered as a command name so that it can parse.
  const known = (name: string) =>
    registered.has(foldCase(name)) || (stopToken !== undefined && foldCase(name) === foldCase(stopToken))

  return (line, lineNo, out) => {
    // TryProcessCommand tries the "::" form first and the legacy form only when that fails.
    const parsed = parseV2(line, known) ?? parseLegacy(line, known)
    if (!parsed) return
    const command = { ...parsed, name: asciiLower(parsed.name), line: lineNo }
    if (stopToken !== undefined) {
      // Stopped: only the token resumes; every other command line is printed as plain output.
      if (foldCase(parsed.name) === foldCase(stopToken)) {
        out.commands.push(command)
        stopToken = undefined
      }
      return
    }
    out.commands.push(command)
    if (command.name === 'stop-commands') {
      // An empty token, a command name or pause-logging makes the runner throw (the step fails); nothing stops.
      const token = parsed.data
      const invalid =
        token === '' || registered.has(foldCase(token)) || foldCase(token) === foldCase('pause-logging')
      if (invalid) return
      stopToken = token
      if (token.length > 6) addMasks(out, token)
    } else if (command.name === 'add-mask' && trimDotnet(parsed.data) !== '') {
      // The whole value, then each of its lines trimmed: log lines never hold a line break.
      addMasks(out, parsed.data, ...lineValues(parsed.data))
    }
  }
}

/** "::name k=v,k=v::data" after leading white space (TryParseV2). */
function parseV2(line: string, known: (name: string) => boolean): Parsed | null {
  const message = line.replace(DOTNET_LEADING_SPACE, '')
  if (!message.startsWith('::')) return null
  const end = findNameEnd(message)
  if (end < 0) return null
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const name = space < 0 ? info : info.slice(0, space)
  if (!known(name)) return null
  const properties =
    space > 0 ? parseProperties(trimDotnet(info.slice(space + 1)), ',', PROPERTY_ESCAPES) : emptyRecord()
  // Data starts two characters after the match even when ICU matched more than two.
  return { name, properties, data: unescape(message.slice(end + 2), DATA_ESCAPES) }
}

/** "##[name k=v;k=v]data" at the first "##[" anywhere in the line (TryParse). */
function parseLegacy(line: string, known: (name: string) => boolean): Parsed | null {
  const start = line.indexOf('##[')
  if (start < 0) return null
  const close = line.indexOf(']', start)
  if (close < 0) return null
  const info = line.slice(start + 3, close)
  const space = info.indexOf(' ')
  const name = space < 0 ? info : info.slice(0, space)
  if (!known(name)) return null
  const properties = space > 0 ? parseProperties(info.slice(space + 1), ';', LEGACY_ESCAPES) : emptyRecord()
  return { name, properties, data: unescape(line.slice(close + 1), LEGACY_ESCAPES) }
}

// .NET's string.IndexOf(string) is culture-sensitive. On Linux it runs ICU's root collation, which skips
// characters it finds completely ignorable (NUL and most controls, ZERO WIDTH SPACE, soft hyphen, ...), so the
// "::" that ends a command name may have them between its colons. The start of the line is no loophole: the
// name is read from a fixed offset of two. The legacy "##[" search can only miss more under ICU, so it stays
// ordinal here. Node's own ICU says which characters are ignorable; the runner's may be a few versions apart.
const collator = new Intl.Collator('und', { sensitivity: 'variant' })
const ignorable = new Map<string, boolean>()

function icuIgnorable(char: string): boolean {
  if (char >= ' ' && char <= '~') return false
  let answer = ignorable.get(char)
  if (answer === undefined) {
    answer = collator.compare(`:${char}:`, '::') === 0
    ignorable.set(char, answer)
  }
  return answer
}

function findNameEnd(message: string): number {
  for (let i = 2; i < message.length; i++) {
    if (message[i] !== ':') continue
    let next = i + 1
    while (next < message.length) {
      const char = String.fromCodePoint(message.codePointAt(next)!)
      if (!icuIgnorable(char)) break
      next += char.length
    }
    if (message[next] === ':') return i
  }
  return -1
}

function parseProperties(text: string, separator: string, escapes: Escapes): Record<string, string> {
  const properties = emptyRecord()
  const spelling = new Map<string, string>()
  for (const piece of text.split(separator)) {
    const pair = splitPair(piece)
    if (!pair) continue
    const key = spelling.get(foldCase(pair[0])) ?? pair[0]
    spelling.set(foldCase(key), key)
    properties[key] = unescape(pair[1], escapes)
  }
  return properties
}

/**
 * .NET's Split('=', 2, RemoveEmptyEntries): the key is the first non-empty piece, the value all that follows the
 * run of '=' after it, and a pair without a value is dropped.
 */
function splitPair(piece: string): [string, string] | null {
  const match = /^=*([^=]+)=+([^=][\s\S]*)$/.exec(piece)
  return match ? [match[1], match[2]] : null
}

type Escapes = [string, string][]

// Applied one after another with "%25" last, so "%250A" comes out as "%0A", not as a line break.
const DATA_ESCAPES: Escapes = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY_ESCAPES: Escapes = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]
const LEGACY_ESCAPES: Escapes = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
]

function unescape(text: string, escapes: Escapes): string {
  return escapes.reduce((value, [code, char]) => value.replaceAll(code, char), text)
}

// char.IsWhiteSpace, which Trim and TrimStart use: unlike JavaScript's \s it has U+0085 and lacks U+FEFF.
const DOTNET_SPACE =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const DOTNET_LEADING_SPACE = new RegExp(`^${DOTNET_SPACE}+`)
const DOTNET_TRAILING_SPACE = new RegExp(`${DOTNET_SPACE}+$`)

function trimDotnet(text: string): string {
  return text.replace(DOTNET_LEADING_SPACE, '').replace(DOTNET_TRAILING_SPACE, '')
}

/** StringComparer.OrdinalIgnoreCase on ICU: simple upper case per character, but ı and ſ stay themselves. */
function foldCase(text: string): string {
  let folded = ''
  for (const char of text) {
    const upper = char.toUpperCase()
    folded += char === '\u0131' || char === '\u017f' || [...upper].length !== 1 ? char : upper
  }
  return folded
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, char => char.toLowerCase())
}

function emptyRecord(): Record<string, string> {
  // No prototype: "__proto__" is a property name like any other here.
  return Object.create(null) as Record<string, string>
}

// ---- GitHub's masking: src/Sdk/DTLogging/Logging/SecretMasker.cs, ValueSecret.cs, ValueEncoders.cs ----

/** src/Runner.Worker/Worker.cs registers a workflow secret trimmed, then each of its lines trimmed. */
function workflowSecretValues(secret: string): string[] {
  const value = trimDotnet(secret)
  return value === '' ? [] : [value, ...lineValues(value)]
}

function lineValues(value: string): string[] {
  return value
    .split(/[\r\n]/)
    .map(trimDotnet)
    .filter(piece => piece !== '')
}

/**
 * Each log line is masked on its own (ExecutionContext.Write): every occurrence of every value and of its
 * encoded spellings, overlapping or touching ones merged, each run replaced by one "***".
 */
function githubMask(line: string, values: string[]): string {
  const spans: [number, number][] = []
  for (const value of new Set(values.flatMap(withEncodings))) {
    for (let at = line.indexOf(value); at >= 0; at = line.indexOf(value, at + 1))
      spans.push([at, at + value.length])
  }
  spans.sort((a, b) => a[0] - b[0])
  const runs: [number, number][] = []
  for (const [start, end] of spans) {
    const last = runs[runs.length - 1]
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else runs.push([start, end])
  }
  let masked = ''
  let done = 0
  for (const [start, end] of runs) {
    masked += `${line.slice(done, start)}***`
    done = end
  }
  return masked + line.slice(done)
}

/** The value and the spellings src/Runner.Common/HostContext.cs has the masker add for it. */
function withEncodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const base64 = (skip: number) => (bytes.length > skip ? bytes.subarray(skip) : bytes).toString('base64')
  return [
    value,
    base64(0),
    base64(1),
    base64(2),
    value.replaceAll('"', '\\"'),
    value.replaceAll("'", "''"),
    jsonEscape(value),
    uriEscape(value),
    value.replace(/[<>"'&]/g, char => XML_ENTITIES[char]),
    value.length > 8 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : '',
    ...powershellSections(value)
  ].filter(encoded => encoded !== '')
}

const XML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '&': '&amp;'
}
const JSON_SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
}

/** Newtonsoft's JsonConvert.ToString without the quotes. */
function jsonEscape(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f"\\\u0085\u2028\u2029]/g, char => {
    return JSON_SHORT[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** Uri.EscapeDataString: only A-Z a-z 0-9 - _ . ~ stay; a lone surrogate is written as U+FFFD. */
function uriEscape(value: string): string {
  const wellFormed = value.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd'
  )
  return encodeURIComponent(wellFormed).replace(
    /[!'()*]/g,
    char => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** The two halves of an "&"-joined value that PowerShell may print apart, each kept if 6 characters or more. */
function powershellSections(value: string): string[] {
  if (!value.includes('&')) return []
  const joined = value.indexOf('&+')
  const head = joined >= 0 ? value.slice(0, joined + 2) : value.slice(0, value.lastIndexOf('&') + 1)
  let tail = ''
  if (joined < 0) tail = value.slice(value.lastIndexOf('&') + 1)
  // After "&+" the next character is skipped: PowerShell colours it separately.
  else if (value.length > joined + 3) tail = value.slice(joined + 3)
  return [head, tail].filter(section => section.length >= 6)
}

// ---- act: pkg/runner/command.go ----

// Anchored at the start of the line, which still ends in its LF. Go's "." is any character but LF.
const ACT_V2 = /^::([^ ]+)( ([^\n]+))?::([^\r\n]*)[\r\n]+$/
const ACT_LEGACY = /^##\[([^ ]+)( ([^\n]+))?\]([^\r\n]*)[\r\n]+$/
// The switch cases act reaches before it compares with the resume token.
const ACT_BEFORE_RESUME = [
  'set-env',
  'set-output',
  'add-path',
  'debug',
  'warning',
  'error',
  'add-mask',
  'stop-commands'
]

function actStep(): (line: string, lineNo: number, out: RunnerOutput) => void {
  let resume = ''
  return (line, lineNo, out) => {
    const v2 = ACT_V2.exec(`${line}\n`)
    const match = v2 ?? ACT_LEGACY.exec(`${line}\n`)
    if (!match) return
    const name = match[1]
    // Stopped: every command but the token is only logged. Names are compared exactly.
    if (resume !== '' && name !== resume) return
    const properties = emptyRecord()
    for (const pair of (match[3] ?? '').split(v2 ? ',' : ';')) {
      const parts = pair.split('=')
      if (parts.length === 2) properties[parts[0]] = unescape(parts[1], PROPERTY_ESCAPES)
    }
    // act decodes in Go map order, which varies from run to run; "%25" last is one of the orders it may take.
    const data = unescape(match[4], DATA_ESCAPES)
    out.commands.push({ name, properties, data, line: lineNo })
    if (ACT_BEFORE_RESUME.includes(name)) {
      if (name === 'add-mask' && data !== '') addMasks(out, data)
      if (name === 'stop-commands') resume = data
    } else if (name === resume) {
      resume = ''
    }
  }
}

/** pkg/runner/logger.go: each secret (in map order), then each mask, replaced in turn in the line with its LF. */
function actMask(line: string, values: string[]): string {
  const message = values.reduce(
    (text, value) => (value === '' ? text : text.replaceAll(value, '***')),
    `${line}\n`
  )
  return message.endsWith('\n') ? message.slice(0, -1) : message
}
