/** argv (after `docker`) that removes a builder: its container and, unless keepState, its state volume. */
export function removeBuilderArgs(builder: string, keepState = false): string[] {
  return keepState ? ['buildx', 'rm', '--keep-state', '--', builder] : ['buildx', 'rm', '--', builder]
}
