// The CSV grammar buildx and the runner's list inputs use: pure, shared by inputs (reading) and plan (quoting).
/**
 * The records of a CSV text, read as csv-parse reads it for getInputList (relax_quotes, skip_empty_lines, any
 * number of fields), in one pass:
 * - the first line break outside quotes (CRLF, LF or CR) is the record separator for the rest of the text;
 * - a quote opens a quoted field only as the field's first character; inside, "" is one quote, and commas and
 *   line breaks are text;
 * - a closing quote must be followed by a comma, the separator or the end; otherwise (relaxed) both quotes stay
 *   as written and the field goes on as plain text;
 * - lines with nothing on them give no record; a line holding only "" gives one empty field.
 * One difference: csv-parse fails on a quote that is never closed; here that quote and all after it are read
 * again as plain text (at most once, so the pass stays linear), and the entry's own check names the mistake.
 */
export function csvRecords(text: string, quotes = true): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let wasQuoted = false
  let openedAt = 0
  let quotesOn = quotes
  let separator = ''
  const lineBreakAt = (at: number): number => {
    if (separator === '') {
      separator = text.startsWith('\r\n', at)
        ? '\r\n'
        : text[at] === '\n' || text[at] === '\r'
          ? text[at]
          : ''
    }
    return separator !== '' && text.startsWith(separator, at) ? separator.length : 0
  }
  const endField = (): void => {
    record.push(field)
    field = ''
    wasQuoted = false
  }
  const endRecord = (): void => {
    if (wasQuoted || record.length > 0 || field !== '') {
      endField()
      records.push(record)
      record = []
    }
  }
  for (let i = 0; ; i++) {
    if (i >= text.length) {
      if (!quoted) break
      // Nothing was recorded since the quote opened: start again there, with quotes as plain text.
      quoted = false
      quotesOn = false
      field = ''
      i = openedAt
    }
    const char = text[i]
    if (quoted) {
      if (char !== '"') {
        field += char
      } else if (text[i + 1] === '"') {
        field += '"'
        i++
      } else {
        quoted = false
        wasQuoted = true
        const next = i + 1
        if (next < text.length && text[next] !== ',' && lineBreakAt(next) === 0) field = `"${field}"`
      }
      continue
    }
    const lineBreak = lineBreakAt(i)
    if (lineBreak > 0) {
      endRecord()
      i += lineBreak - 1
    } else if (char === '"' && quotesOn && field === '') {
      quoted = true
      openedAt = i
    } else if (char === ',') {
      endField()
    } else {
      field += char
    }
  }
  endRecord()
  return records
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
