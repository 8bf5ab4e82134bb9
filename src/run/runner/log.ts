import * as core from '@actions/core'
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import { maskCredentials } from '../../model/credentials'

/**
 * The only writer of the job log. The runner reads every line a step prints for workflow commands: "::name::"
 * at the start of a line (after any spaces) and the legacy "##[name]" anywhere in one, with a bare CR starting
 * a new line. Input values reach our own lines (command echoes, the config, tables), so those lines are
 * neutralised; what docker prints (a RUN step can print anything) is relayed between ::stop-commands:: and a
 * token only this process knows. ESLint keeps every other module away from core's log calls and stdout.
 */

/**
 * One line of ours: URL credentials masked, then every control and invisible character written as an escape,
 * then the two command prefixes broken with a backslash. The invisible ones matter: the runner finds "::" and
 * "##[" with .NET's culture-aware search, which skips characters such as U+200B, so ":\u200b:" counts as "::".
 * Its TrimStart also removes U+0085, which JavaScript's \s does not know. Line breaks are shown escaped too,
 * so the result is always one line.
 */
export function oneLine(line: string): string {
  return maskCredentials(line)
    .replace(INVISIBLE, escapeControl)
    .replace(/^([\s\u0085]*):(?=:)/, '$1\\:')
    .replaceAll('##[', '##\\[')
}

/** Controls (tab aside) and the code points Unicode says to render invisibly, which collation ignores. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\p{Default_Ignorable_Code_Point}\u2028\u2029]/gu

/** Text of ours over any number of lines (CR, LF or CRLF), each line neutralised; lines end in LF. */
export function neutralize(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(oneLine)
    .join('\n')
}

function escapeControl(char: string): string {
  const named: Record<string, string> = { '\r': '\\r', '\n': '\\n' }
  const code = char.codePointAt(0) ?? 0
  return named[char] ?? `\\u{${code.toString(16)}}`
}

/** `docker ARGS` (or another program's) as one line for the log, with secrets replaced ([secret, shown instead]) first. */
export function formatCommand(
  args: string[],
  redactions: [string, string][] = [],
  program = 'docker'
): string {
  return `${oneLine(program)} ${args.map(arg => oneLine(redact(arg, redactions))).join(' ')}`
}

export function redact(text: string, redactions: [string, string][]): string {
  return redactions.reduce((result, [secret, shown]) => result.split(secret).join(shown), text)
}

export function info(text: string): void {
  emit(() => core.info(neutralize(text)))
}

/**
 * The text of an annotation or debug line: command data, whose line breaks @actions/core escapes. A "::" in it
 * is broken with a zero-width space for act, whose pattern takes the last "::" on the line as the end of the
 * command name and would lose the message. (GitHub's runner ends the name at the first one: no harm there.)
 */
function commandData(text: string): string {
  return maskCredentials(text).replaceAll('::', ':\u200b:')
}

export function notice(text: string): void {
  emit(() => core.notice(commandData(text)))
}

export function warning(text: string, properties?: core.AnnotationProperties): void {
  emit(() => core.warning(commandData(text), properties))
}

export function error(text: string, properties?: core.AnnotationProperties): void {
  emit(() => core.error(commandData(text), properties))
}

export function debug(text: string): void {
  emit(() => core.debug(commandData(text)))
}

export function fail(text: string): void {
  emit(() => core.setFailed(commandData(text)))
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  emit(() => core.startGroup(maskCredentials(name)))
  try {
    return await fn()
  } finally {
    emit(() => core.endGroup())
  }
}

/** What a held run wrote, in order, until it is released; relayed output beyond HELD_LIMIT is counted, not kept. */
interface Held {
  writes: (() => void)[]
  released: boolean
  bytes: number
  dropped: number
}

const holding = new AsyncLocalStorage<Held>()
const HELD_LIMIT = 1024 * 1024

/** Every write to the job log passes here: now, or, inside a held run, when that run is released. */
function emit(write: () => void): void {
  const held = holding.getStore()
  if (!held || held.released) write()
  else held.writes.push(write)
}

/** Relayed program output: like emit, but a held run keeps at most HELD_LIMIT bytes of it. */
function emitOutput(text: string): void {
  const held = holding.getStore()
  if (held && !held.released) {
    if (held.bytes + text.length > HELD_LIMIT) {
      held.dropped += text.length
      return
    }
    held.bytes += text.length
  }
  emit(() => process.stdout.write(text))
}

/**
 * Runs fn with everything it writes to the log held back, so work that runs alongside a log group (a builder
 * booting during the preflight) does not interleave with it. `release` writes it all, in order, and lets
 * anything fn started that is still running write directly from then on.
 */
export function holdOutput<T>(fn: () => Promise<T>): { result: Promise<T>; release: () => void } {
  const held: Held = { writes: [], released: false, bytes: 0, dropped: 0 }
  const result = holding.run(held, fn)
  return {
    result,
    release: () => {
      held.released = true
      held.writes.splice(0).forEach(write => write())
      if (held.dropped > 0) info(`(${held.dropped} more bytes of that output are not shown)`)
    }
  }
}

/**
 * Relays a program's output to the job log with every workflow command in it inert: stdout and stderr both go
 * to our stdout (the runner reads its two pipes independently, so stderr could outrun the closing token), in
 * whole lines (so a secret split across two chunks is still replaced), between `::stop-commands::TOKEN` and
 * `::TOKEN::`. The token is new for every relay and never derived from anything a build can see.
 */
export class FencedRelay {
  private readonly token = randomBytes(16).toString('hex')
  private readonly partial = new Map<string, string>()

  constructor(private readonly redactions: [string, string][] = []) {
    emit(() => process.stdout.write(`::stop-commands::${this.token}\n`))
  }

  /** A line of ours inside the fence (the echoed command). */
  line(text: string): void {
    emit(() => process.stdout.write(`${oneLine(text)}\n`))
  }

  /** A chunk of one stream; complete lines are written now, the rest when the stream's next line ends. */
  write(stream: string, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk
    const end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'))
    // A line that never ends is still relayed once it is long, so memory stays bounded.
    const cut = end >= 0 ? end + 1 : text.length > 64 * 1024 ? text.length : 0
    if (cut > 0) emitOutput(redact(text.slice(0, cut), this.redactions))
    this.partial.set(stream, text.slice(cut))
  }

  /** Writes what is left of each stream on lines of its own, then resumes command processing. */
  close(): void {
    for (const rest of this.partial.values()) {
      if (rest !== '') emitOutput(`${redact(rest, this.redactions)}\n`)
    }
    this.partial.clear()
    emit(() => process.stdout.write(`::${this.token}::\n`))
  }
}
