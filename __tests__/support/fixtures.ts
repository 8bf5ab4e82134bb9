import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A file of __tests__/fixtures as text: output captured from the real stack, kept byte for byte. */
export const fixture = (path: string): string => readFileSync(join(__dirname, '../fixtures', path), 'utf8')
