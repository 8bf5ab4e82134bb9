/** The scopes a workflow's `permissions:` value grants, as "scope: level" ("read-all" and "write-all" as themselves). */
export function granted(permissions: unknown): string[] {
  if (typeof permissions === 'string') return [permissions]
  return Object.entries((permissions ?? {}) as Record<string, string>)
    .filter(([, level]) => level !== 'none')
    .map(([scope, level]) => `${scope}: ${level}`)
    .sort()
}
