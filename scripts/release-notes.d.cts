// Types of release-notes.cjs for the TypeScript tests.
export class ReleaseError extends Error {}

export interface ReleaseTag {
  /** The tag without its "v": 1.2.3 or 1.3.0-rc.1. */
  version: string
  /** The major tag that follows the release: v1. */
  major: string
  prerelease: boolean
  /** MAJOR, MINOR and PATCH. */
  numbers: [number, number, number]
}

export function parseReleaseTag(tag: string): ReleaseTag
export function changelogSection(text: string, version: string): string
export function releasePlan(options: {
  tag: string
  changelog: string
  packageJson: string
}): ReleaseTag & { notes: string }
export function movesMajor(tag: string, existingTags: string[]): boolean
export function main(argv: string[], options?: { cwd?: string; stdin?: () => string }): string
