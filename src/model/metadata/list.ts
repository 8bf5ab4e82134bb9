/**
 * The metadata inputs as metadata-action reads them: each input is one CSV text (getInputList with ignoreComma,
 * '#' comment lines), a record's fields are joined back with "," into one entry per line, and each tag, flavor
 * or image entry is then read again as one strict CSV record of key=value fields.
 */
import { InputError } from '../input-error'

/** More than this is a paste gone wrong, not a list of tags. */
export const MAX_INPUT_LENGTH = 65536
export const MAX_ENTRIES = 256

/**
 * The entries of an input text. csv-parse with relax_quotes, comment '#' at the start of a record only,
 * skip_empty_lines: a quote opens a quoted field only as its first character ("" inside is one quote); a quote
 * anywhere else, or a closing quote followed by more text, is kept as written.
 */
export function listEntries(input: string, text: string): string[] {
  if (text.length > MAX_INPUT_LENGTH) {
    throw new InputError(input, text, `is longer than ${MAX_INPUT_LENGTH} characters`, 'Check the value.')
  }
  const entries: string[] = []
  const add = (record: string[]): void => {
    const entry = record.join(',').trim()
    if (entry === '') return
    if (entries.length === MAX_ENTRIES) {
      throw new InputError(input, text, `has more than ${MAX_ENTRIES} entries`, 'Check the value.')
    }
    // A quoted field can span lines; the entry would then be read again as several records, the rest lost.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(entry)) {
      throw new InputError(
        input,
        entry,
        'has a line break or control character inside one entry',
        'Write one entry per line, without quotes around line breaks.'
      )
    }
    entries.push(entry)
  }
  let record: string[] = []
  let fieldText = ''
  let quoted = false
  let wasQuoted = false
  let comment = false
  let lineBreak = ''
  const breakAt = (at: number): number => {
    // Like csv-parse, the first line break found sets the record delimiter for the rest of the text.
    if (lineBreak === '') {
      if (text.startsWith('\r\n', at)) lineBreak = '\r\n'
      else if (text[at] === '\n' || text[at] === '\r') lineBreak = text[at]
    }
    return lineBreak !== '' && text.startsWith(lineBreak, at) ? lineBreak.length : 0
  }
  const endField = (): void => {
    record.push(fieldText)
    fieldText = ''
    wasQuoted = false
  }
  const endRecord = (): void => {
    if (record.length > 0 || fieldText !== '' || wasQuoted) {
      endField()
      add(record)
    }
    record = []
    fieldText = ''
    wasQuoted = false
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char !== '"') {
        fieldText += char
      } else if (text[i + 1] === '"') {
        fieldText += '"'
        i++
      } else {
        quoted = false
        wasQuoted = true
        const next = i + 1
        const closes = next >= text.length || text[next] === ',' || text[next] === '#' || breakAt(next) > 0
        // Relaxed: a quote that does not end the field was text, both quotes stay.
        if (!closes) fieldText = `"${fieldText}"`
      }
      continue
    }
    const lineBreakLength = breakAt(i)
    if (lineBreakLength > 0) {
      if (comment) comment = false
      else endRecord()
      i += lineBreakLength - 1
    } else if (comment) {
      continue
    } else if (char === '#' && record.length === 0 && fieldText === '' && !wasQuoted) {
      comment = true
    } else if (char === '"' && fieldText === '' && !wasQuoted) {
      quoted = true
    } else if (char === ',') {
      endField()
    } else {
      fieldText += char
    }
  }
  if (quoted) {
    throw new InputError(input, text, 'has a quote that is never closed', 'Close the quote or remove it.')
  }
  if (!comment) endRecord()
  return entries
}

/**
 * The fields of one entry, read as one strict CSV record (csv-parse without relax_quotes): a quote may only
 * open a field and close it before a comma or the end.
 */
export function entryFields(input: string, entry: string): string[] {
  const fields: string[] = []
  let i = 0
  const refuse = (reason: string): never => {
    throw new InputError(
      input,
      entry,
      reason,
      'Quote a whole field ("key=a,b") or none of it; metadata-action reads each line as CSV.'
    )
  }
  for (;;) {
    let value = ''
    if (entry[i] === '"') {
      for (i++; ; i++) {
        if (i >= entry.length) refuse('has a quote that is never closed')
        if (entry[i] !== '"') value += entry[i]
        else if (entry[i + 1] === '"') {
          value += '"'
          i++
        } else break
      }
      i++
      if (i < entry.length && entry[i] !== ',') refuse('has text after a closing quote')
    } else {
      const end = entry.indexOf(',', i)
      value = entry.slice(i, end < 0 ? entry.length : end)
      if (value.includes('"')) refuse('has a quote inside a field')
      i += value.length
    }
    fields.push(value)
    if (i >= entry.length) return fields
    i++ // the comma
  }
}
