import { readFileSync } from 'node:fs'

/**
 * The runner's hosts file as text, read once per run; the plan decides from it which hosts the builder reaches
 * only on the host network. No hosts file (or none readable) maps no names.
 */
export function readHostsFile(path = '/etc/hosts'): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
