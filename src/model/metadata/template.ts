/**
 * The part of Handlebars that metadata-action's tag, flavor and label values use: text with {{name}},
 * {{{name}}} (not HTML-escaped) and {{date 'FORMAT' tz='Zone'}}. Handlebars HTML-escapes what {{…}} prints
 * (& < > " ' ` =), which then reaches the tag sanitizer; that is kept. Blocks, partials, comments, paths,
 * sub-expressions and escaped braces are refused, as are names the value's scope does not have (Handlebars
 * would print them as '').
 */
import { InputError } from '../input-error'

export interface Expression {
  name: string
  /** Positional arguments: string literals only. */
  args: string[]
  hash: Record<string, string>
  /** {{…}} (true) or {{{…}}} (false). */
  escaped: boolean
  /** As written, for messages. */
  source: string
}

export type Part = string | Expression

/** What a name renders to; it receives its arguments and refuses the ones it does not take. */
export type Helper = (expression: Expression) => string
export type Scope = Readonly<Record<string, Helper>>

/** A value to render, with the input it came from (for errors). */
export interface Source {
  input: string
  /** The entry the value belongs to, quoted in errors. */
  entry: string
}

// Handlebars' ID: anything but whitespace and its punctuation.
const ID = /^[^\s!"#%&'()*+,./;<=>@[\\\]^`{|}~]+/
const HASH_KEY = /^([^\s!"#%&'()*+,./;<=>@[\\\]^`{|}~]+)\s*=\s*/

export function parseTemplate(source: Source, text: string): Part[] {
  const parts: Part[] = []
  let at = 0
  while (at < text.length) {
    const open = text.indexOf('{{', at)
    if (open < 0) {
      parts.push(text.slice(at))
      break
    }
    if (open > 0 && text[open - 1] === '\\') {
      refuse(source, text, 'has an escaped "\\{{"', 'Remove the backslash; literal braces are not supported.')
    }
    if (open > at) parts.push(text.slice(at, open))
    const { expression, end } = parseExpression(source, text, open)
    parts.push(expression)
    at = end
  }
  return parts
}

function parseExpression(
  source: Source,
  text: string,
  open: number
): { expression: Expression; end: number } {
  const triple = text.startsWith('{{{', open)
  const close = triple ? '}}}' : '}}'
  const closeAt = text.indexOf(close, open)
  if (closeAt < 0) refuse(source, text, `has "${triple ? '{{{' : '{{'}" without "${close}"`, TEMPLATE_HINT)
  const end = closeAt + close.length
  const sourceText = text.slice(open, end)
  let body = text.slice(open + (triple ? 3 : 2), closeAt)
  // {{{a}} or {{a}}}: the braces do not pair.
  if (!triple && text[end] === '}')
    refuse(source, text, `has unpaired braces in ${sourceText}}`, TEMPLATE_HINT)
  const name = ID.exec(body.trimStart())?.[0]
  if (name === undefined) {
    refuse(source, text, `has ${sourceText}, which is not a {{name}} expression`, TEMPLATE_HINT)
  }
  body = body.trimStart().slice(name.length)
  if (/^[./[]/.test(body)) refuse(source, text, `has a path in ${sourceText}`, TEMPLATE_HINT)
  const args: string[] = []
  const hash: Record<string, string> = {}
  for (;;) {
    const rest = body.trimStart()
    if (rest === '') break
    if (rest.length === body.length)
      refuse(source, text, `has ${sourceText}, which cannot be read`, TEMPLATE_HINT)
    const key = HASH_KEY.exec(rest)
    const valueText = key ? rest.slice(key[0].length) : rest
    const literal = stringLiteral(valueText)
    if (literal === undefined) {
      refuse(source, text, `has ${sourceText}: arguments must be quoted strings`, TEMPLATE_HINT)
    }
    if (key) hash[key[1]] = literal.value
    else if (Object.keys(hash).length > 0) {
      refuse(source, text, `has ${sourceText}: an argument after key=value`, TEMPLATE_HINT)
    } else args.push(literal.value)
    body = valueText.slice(literal.length)
  }
  return { expression: { name, args, hash, escaped: !triple, source: sourceText }, end }
}

/** A Handlebars string literal at the start of text: '…' or "…", with \' or \" for the quote. */
function stringLiteral(text: string): { value: string; length: number } | undefined {
  const quote = text[0]
  if (quote !== "'" && quote !== '"') return undefined
  let value = ''
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === quote) {
      value += quote
      i++
    } else if (text[i] === quote) {
      // A literal must end the token.
      return i + 1 === text.length || /\s/.test(text[i + 1]) ? { value, length: i + 1 } : undefined
    } else value += text[i]
  }
  return undefined
}

/** metadata-action's isRawStatement: the whole pattern is one {{raw}} (arguments or not). */
export function isRawStatement(parts: Part[]): boolean {
  return parts.length === 1 && typeof parts[0] !== 'string' && parts[0].name === 'raw'
}

export function renderTemplate(source: Source, parts: Part[], scope: Scope): string {
  let out = ''
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part
      continue
    }
    const helper = Object.hasOwn(scope, part.name) ? scope[part.name] : undefined
    if (helper === undefined && Object.hasOwn(NOT_HERE, part.name)) {
      refuse(source, part.source, `has ${part.source}`, NOT_HERE[part.name])
    }
    if (helper === undefined) {
      const names = Object.keys(scope)
        .map(name => `{{${name}}}`)
        .join(', ')
      refuse(
        source,
        part.source,
        `has ${part.source}, which is not known here`,
        `This value can use ${names || 'no expressions'}.`
      )
    }
    const value = helper(part)
    out += part.escaped ? escapeHtml(value) : value
  }
  return out
}

/** parseTemplate then renderTemplate. */
export function render(source: Source, text: string, scope: Scope): string {
  return text.includes('{{') ? renderTemplate(source, parseTemplate(source, text), scope) : text
}

/** For helpers that take nothing: {{branch 'x'}} is refused, not ignored. */
export function noArguments(source: Source, expression: Expression): void {
  if (expression.args.length > 0 || Object.keys(expression.hash).length > 0) {
    refuse(source, expression.source, `has ${expression.source}, which takes no arguments`, TEMPLATE_HINT)
  }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;'
}

/** Handlebars' escapeExpression. */
export function escapeHtml(value: string): string {
  return /[&<>"'`=]/.test(value) ? value.replace(/[&<>"'`=]/g, char => HTML_ESCAPES[char]) : value
}

/** metadata-action expressions this engine does not offer, and why. */
const NOT_HERE: Readonly<Record<string, string>> = {
  commit_date:
    '{{commit_date}} needs the commit time, which metadata-action may ask the GitHub API for; use {{date}}.'
}

const TEMPLATE_HINT = "Write expressions as {{name}} or {{date 'FORMAT' tz='Zone'}}."

export function refuse(source: Source, value: string, reason: string, hint: string): never {
  throw new InputError(source.input, source.entry || value, reason, hint)
}
