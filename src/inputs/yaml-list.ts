import { Composer, CST, ErrorCode, LineCounter, Parser } from 'yaml'
import { InputError } from '../model/input-error'

/** A list of registries or nodes is a few kilobytes; more is a paste gone wrong, refused before any parsing. */
export const MAX_YAML_CHARS = 32 * 1024
/**
 * The lists nest three levels (list, entry, driver-opts); the YAML composer recurses once per level, so depth
 * is bounded before it runs: 100,000 "[" overflow its stack, and V8 can abort the process on the next parse.
 */
export const MAX_YAML_DEPTH = 16

export interface YamlListOptions {
  /** Values are text as written (no numbers, booleans or nulls), and anchors, aliases and tags are refused. */
  plain?: boolean
}

/**
 * A YAML list input (`append`, `registry-auth`): the parsed list, or an InputError naming the input. An error
 * gives the line, column and kind of the problem, never the parser's message, which quotes the text (an alias
 * `*name` is echoed without its "*", where no mask of the value matches). `shown` is what the error says was
 * given (the first line of the text, or a placeholder for an input that holds passwords).
 */
export function parseYamlList(
  input: string,
  text: string,
  shown: string,
  what: string,
  hint: string,
  options: YamlListOptions = {}
): unknown[] {
  const refuse = (reason: string): never => {
    throw new InputError(input, shown, reason, hint)
  }
  if (text.length > MAX_YAML_CHARS) refuse(`is longer than ${MAX_YAML_CHARS} characters`)
  const lines = new LineCounter()
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset)
    return `line ${line}, column ${col}`
  }
  // The concrete syntax tree is built without recursion, so its depth can be measured before composing.
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text))
  const { deep, property } = walk(tokens)
  if (deep !== undefined) refuse(`nests deeper than ${MAX_YAML_DEPTH} levels at ${at(deep)}`)
  if (options.plain && property !== undefined)
    refuse(
      `not valid here at ${at(property)}: an alias, anchor or tag (a value starting with *, & or !); quote the value`
    )
  const composer = new Composer(options.plain ? { schema: 'failsafe' } : {})
  const documents = Array.from(composer.compose(tokens, true, text.length))
  if (documents.length > 1)
    refuse(`holds more than one YAML document (a second starts at ${at(documents[1].range[0])})`)
  // Warnings (an unknown tag) are not printed either: the library would write them, text and all, to stderr.
  const error = documents[0].errors[0]
  if (error) refuse(`not valid YAML at ${at(error.pos[0])}: ${errorKind(error.code)}`)
  let value: unknown
  try {
    value = documents[0].toJS({ maxAliasCount: 100 })
  } catch {
    // An alias to no anchor, or too many aliases: the library's message names the alias.
    refuse('not valid YAML: an alias that cannot be resolved, or too many aliases')
  }
  if (!Array.isArray(value)) refuse(`not a YAML list of ${what}`)
  return value as unknown[]
}

/**
 * Walks the syntax tree with a stack: the offset of the first collection nested deeper than MAX_YAML_DEPTH,
 * and of the first alias, anchor or tag.
 */
function walk(tokens: CST.Token[]): { deep?: number; property?: number } {
  let property: number | undefined
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map(token => ({
    token,
    depth: 0
  }))
  const push = (list: CST.Token[] | undefined, depth: number) =>
    list?.forEach(token => stack.push({ token, depth }))
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next
    if (!token) continue
    if (token.type === 'alias' || token.type === 'anchor' || token.type === 'tag')
      property = Math.min(property ?? token.offset, token.offset)
    if (token.type === 'document') {
      push(token.start, depth)
      stack.push({ token: token.value, depth })
    }
    if (token.type === 'block-scalar') push(token.props, depth)
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_YAML_DEPTH) return { deep: token.offset }
      for (const item of token.items) {
        push(item.start, depth + 1)
        push(item.sep, depth + 1)
        stack.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 })
      }
    }
  }
  return { property }
}

/** The parser's error codes in words; the code names the kind of problem and never holds input text. */
const KINDS: Partial<Record<ErrorCode, string>> = {
  BAD_DQ_ESCAPE: 'an unknown escape in a double-quoted value',
  BAD_INDENT: 'wrong indentation',
  BAD_SCALAR_START: 'a value starting with a reserved character such as @ or `; quote it',
  DUPLICATE_KEY: 'a key written twice in one entry',
  MISSING_CHAR: 'a quote or bracket that is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key that spans lines',
  TAB_AS_INDENT: 'a tab used for indentation',
  UNEXPECTED_TOKEN: 'unexpected text'
}

function errorKind(code: ErrorCode): string {
  return KINDS[code] ?? code.toLowerCase().replace(/_/g, ' ')
}
