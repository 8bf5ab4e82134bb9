import { InputError } from './errors'

/** The longest single value any input takes (a token, a URL, a path); longer ones are pasted by mistake. */
const MAX_SINGLE_VALUE = 8192

/** A one-line value: a line break or control character in it would end up splitting a log line or argument. */
export function singleValue(input: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f\u2028\u2029]/.exec(value)
  if (control) {
    throw new InputError(
      input,
      value,
      'holds a line break or control character',
      'This input takes one value on one line.'
    )
  }
  if (value.length > MAX_SINGLE_VALUE) {
    throw new InputError(input, value, `is longer than ${MAX_SINGLE_VALUE} characters`, 'Check the value.')
  }
  return value
}

/** A value that docker takes as a positional argument: argv puts "--" before it, and "-" first is refused too. */
export function positionalValue(input: string, value: string, hint: string): string {
  if (value.startsWith('-')) throw new InputError(input, value, 'starts with "-"', hint)
  return singleValue(input, value)
}

/**
 * Splits a multi-line input into entries. Blank lines and surrounding whitespace are dropped and CRLF is
 * accepted. With `commas`, a line may also hold several entries separated by commas, and an entry that
 * itself contains a comma is written in double quotes ("a,b"), as in CSV.
 */
export function parseList(value: string, options: { commas: boolean }): string[] {
  const entries: string[] = []
  for (const line of value.split(/\r?\n|\r/)) {
    const parts = options.commas ? splitCsvLine(line) : [line]
    for (const part of parts) {
      const entry = part.trim()
      if (entry !== '') entries.push(entry)
    }
  }
  return entries
}

/** Splits one line on commas that are outside double quotes; quotes are removed, "" stands for ". */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  let quoteStart = 0
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        field += char
      }
    } else if (char === '"' && field.trim() === '') {
      field = ''
      quoted = true
      quoteStart = i
    } else if (char === ',') {
      fields.push(field)
      field = ''
    } else {
      field += char
    }
  }
  // An unclosed quote is no quote: the rest of the line stays as written, so the entry's check refuses it
  // instead of a stray " vanishing and a typo passing as a valid value.
  fields.push(quoted ? line.slice(quoteStart) : field)
  return fields
}

/** Quotes a value for buildx options that are read as CSV (driver-opts, --secret, ...) when it needs it. */
export function csvQuote(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}
