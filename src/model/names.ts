/** Names this action gives to what it creates, and how post recognises them again. */

/** What buildx accepts as a builder name and docker in the container name made from it. */
export function isBuilderName(name: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(name)
}

const WORK_DIR = /^multi-platform-build-[0-9a-f]{12}$/

/** This run's private folder under RUNNER_TEMP: a new random name, so nothing planted there can be reused. */
export function workDirName(randomHex: string): string {
  const name = `multi-platform-build-${randomHex}`
  if (!WORK_DIR.test(name)) throw new Error(`not a work dir name: ${name}`)
  return name
}

export function isWorkDirName(name: string): boolean {
  return WORK_DIR.test(name)
}
