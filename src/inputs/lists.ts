import { InputError } from '../model/input-error'
import { InputName, INPUTS } from './input-table'
import type { ListRule } from './list-rule'
import { csvRecords, splitCsvLine } from '../model/csv'

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

/** The spellings of a boolean input the runner's own parser accepts. */
const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (TRUE.includes(value)) return true
  if (FALSE.includes(value)) return false
  throw new InputError(input, value, 'not a boolean', 'Use true or false.')
}

/** A value that docker takes as a positional argument: argv puts "--" before it, and "-" first is refused too. */
export function positionalValue(input: string, value: string, hint: string): string {
  if (value.startsWith('-')) throw new InputError(input, value, 'starts with "-"', hint)
  return singleValue(input, value)
}

/** Every list input and its rule, from the input table: the one place that says which inputs split on commas. */
export const LIST_RULES = Object.fromEntries(
  Object.entries(INPUTS).flatMap(([name, spec]) => ('list' in spec ? [[name, spec.list]] : []))
) as Record<ListInput, ListRule>

export type ListInput = {
  [Name in InputName]: (typeof INPUTS)[Name] extends { list: ListRule } ? Name : never
}[InputName]

/** The entries of a list input, by its rule in LIST_RULES. */
export function readList(input: ListInput, value: string): string[] {
  const rule: ListRule = LIST_RULES[input]
  return rule.reading === 'lines' ? parseList(value, rule) : csvEntries(value, rule)
}

/**
 * Entries as getInputList makes them from CSV records: a one-field record is split on every comma (so a quoted
 * "a,b" still gives two entries), a longer one gives its fields; without commas a record's fields are joined
 * back with ",". Blank entries are dropped (getInputList would pass a whitespace-only one on as "").
 */
export function csvEntries(value: string, rule: Omit<ListRule, 'reading'>): string[] {
  const entries: string[] = []
  const add = (entry: string): void => {
    if (entry.trim() !== '') entries.push(rule.trim ? entry.trim() : entry)
  }
  for (const record of csvRecords(value, rule.quotes)) {
    if (!rule.commas) add(record.join(','))
    else if (record.length === 1) record[0].split(',').forEach(add)
    else record.forEach(add)
  }
  return entries
}

/**
 * Splits a multi-line input into entries, one line at a time (this action's own lists). Blank lines and
 * surrounding whitespace are dropped and CRLF is accepted. With `commas`, a line may also hold several entries
 * separated by commas, and an entry that itself contains a comma is written in double quotes ("a,b").
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

export function oneOf<T extends string>(input: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback
  const match = allowed.find(option => option === value.toLowerCase())
  if (match) return match
  throw new InputError(
    input,
    value,
    `not one of ${allowed.join(', ')}`,
    `Set "${input}" to ${allowed.map(a => `"${a}"`).join(' or ')}.`
  )
}
