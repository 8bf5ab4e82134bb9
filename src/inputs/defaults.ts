import { DEFAULT_BUILDX_DOWNLOAD_URL, PINNED_BUILDX_VERSION } from '../model/buildx-release'

/**
 * What an input means when it is empty: the `default:` action.yml declares for it (a unit test holds the two
 * together). The runner fills these in for a step, but a value set to '' (or a run outside the runner) reaches
 * the parser empty, and then it falls back to the same. Inputs left out here default to ''.
 */
export const INPUT_DEFAULTS = {
  context: '.',
  push: true,
  load: false,
  'no-cache': false,
  pull: false,
  summary: true,
  retries: 2,
  'keep-state': false,
  'buildkit-image': 'moby/buildkit:buildx-stable-1',
  cleanup: true,
  qemu: 'auto',
  'qemu-image': 'tonistiigi/binfmt:latest',
  'buildx-version': `v${PINNED_BUILDX_VERSION}`,
  'buildx-download-url': DEFAULT_BUILDX_DOWNLOAD_URL,
  'buildx-skip-verification': false,
  'mirror-check': 'warn',
  'push-by-digest': false,
  'warm-builder': false,
  'warm-builder-idle': '24h'
} as const

/**
 * Inputs whose action.yml default is a workflow expression: the runner evaluates it, so the action reads the
 * value and has no fallback of its own (an empty github-token sends no token).
 */
export const EXPRESSION_DEFAULTS = {
  'github-token': '${{ github.token }}'
} as const

/** The inputs that are true or false. */
export type BooleanInput = {
  [Name in keyof typeof INPUT_DEFAULTS]: (typeof INPUT_DEFAULTS)[Name] extends boolean ? Name : never
}[keyof typeof INPUT_DEFAULTS]
