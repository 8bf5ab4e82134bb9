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
