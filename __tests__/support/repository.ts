import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

/** The repository's root folder. */
export const ROOT = join(__dirname, '../..')

/** action.yml as YAML reads it: its inputs with their defaults, and its outputs. */
export const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}
