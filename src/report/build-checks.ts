import { isAbsolute, posix, relative, resolve } from 'node:path'
import type { WorkflowRun } from '../inputs/workflow-run'

/**
 * Dockerfile build-check warnings (https://docs.docker.com/build/checks/) as buildx writes them into the
 * --metadata-file under "buildx.build.warnings" when BUILDX_METADATA_WARNINGS is true: BuildKit's
 * VertexWarning, with the texts base64-encoded.
 */
export interface BuildCheckWarning {
  /** e.g. "StageNameCasing: Stage name 'Build' should be lowercase (line 1)". */
  short: string
  /** The rule's description, e.g. "Stage names should be lowercase". */
  detail: string
  url: string
  /** First line of the first range (1-based); undefined when BuildKit gave none. */
  line?: number
  /** The name BuildKit read the source under (the Dockerfile's base name) and that source's text. */
  sourceName: string
  sourceText?: string
}

/** The metadata file is written by a build a pull request may control: bounded, and every field checked. */
const MAX_WARNINGS = 50
const MAX_TEXT = 1000

export function parseBuildWarnings(metadata: string): { warnings: BuildCheckWarning[]; omitted: number } {
  let json: unknown
  try {
    json = JSON.parse(metadata)
  } catch {
    return { warnings: [], omitted: 0 }
  }
  const list = record(json)?.['buildx.build.warnings']
  if (!Array.isArray(list)) return { warnings: [], omitted: 0 }
  const warnings: BuildCheckWarning[] = []
  for (const entry of list.slice(0, MAX_WARNINGS)) {
    const warning = record(entry)
    const short = decode(warning?.short)
    if (!warning || short === '') continue
    const source = record(warning.sourceInfo)
    const range = Array.isArray(warning.range) ? record(warning.range[0]) : undefined
    const line = record(record(range?.start))?.line
    warnings.push({
      short: short.slice(0, MAX_TEXT),
      detail: (Array.isArray(warning.detail)
        ? warning.detail.map(decode).filter(Boolean).join(' ')
        : ''
      ).slice(0, MAX_TEXT),
      url:
        typeof warning.url === 'string' && /^https:\/\/\S+$/.test(warning.url)
          ? warning.url.slice(0, MAX_TEXT)
          : '',
      line: typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : undefined,
      sourceName: typeof source?.filename === 'string' ? source.filename : '',
      sourceText: typeof source?.data === 'string' ? base64Text(source.data) : undefined
    })
  }
  return { warnings, omitted: Math.max(0, list.length - MAX_WARNINGS) }
}

/** Where the annotations point: the Dockerfile as a path in the repository, and its text when it is local. */
export interface AnnotatedDockerfile {
  /** Relative to the workspace (local) or to the repository root (the workflow's own Git context). */
  path: string
  /** Known for a local Dockerfile: a warning is put on it only if BuildKit read this very text. */
  text?: string
}

export interface CheckAnnotation {
  message: string
  properties: { title?: string; file?: string; startLine?: number }
}

/**
 * One warning annotation per build check. It points at the Dockerfile (file and line) when BuildKit read the
 * warning's source under the Dockerfile's name (and, for a local one, with the same text); otherwise it is
 * shown without a place rather than on a wrong line.
 */
export function checkAnnotations(
  warnings: BuildCheckWarning[],
  dockerfile: AnnotatedDockerfile | undefined
): CheckAnnotation[] {
  return warnings.map(warning => {
    const more = warning.url ? `\nSee ${warning.url}` : ''
    const title = warning.detail || undefined
    const matches =
      dockerfile !== undefined &&
      warning.sourceName !== '' &&
      posix.basename(dockerfile.path) === warning.sourceName &&
      (dockerfile.text === undefined || dockerfile.text === warning.sourceText)
    if (!matches) return { message: `${warning.short}${more}`, properties: { title } }
    return {
      // The line is in the annotation itself; the message drops BuildKit's "(line N)".
      message: `${warning.short.replace(/\s\(line \d+\)$/, '')}${more}`,
      properties: { title, file: dockerfile.path, startLine: warning.line }
    }
  })
}

/**
 * The Dockerfile of the build as GitHub locates annotations. buildx reads a relative --file from the working
 * directory for a local context, and from the context's root (after any :subdir) for a Git one; a Git context
 * is only located when it is the workflow's own repository. Undefined when the file is elsewhere.
 */
export function annotatedDockerfilePath(options: {
  context: string
  file: string
  workspace: string
  cwd: string
  run: Pick<WorkflowRun, 'serverUrl' | 'repository'>
}): { path: string; local: boolean } | undefined {
  const { context, file, workspace, cwd, run } = options
  if (!isGitContext(context) || isAbsolute(file)) {
    const absolute = file !== '' ? resolve(cwd, file) : resolve(cwd, context, 'Dockerfile')
    const path = relative(resolve(workspace), absolute)
    if (path === '' || path.startsWith('..') || isAbsolute(path)) return undefined
    return { path: path.split('\\').join('/'), local: true }
  }
  const own = `${run.serverUrl}/${run.repository}.git`
  if (run.repository === '' || !(context === own || context.startsWith(`${own}#`))) return undefined
  const fragment = context.slice(own.length + 1)
  const subdir = fragment.includes(':') ? fragment.slice(fragment.indexOf(':') + 1) : ''
  const path = posix.normalize(posix.join(subdir || '.', file || 'Dockerfile'))
  return path.startsWith('..') || path.startsWith('/') ? undefined : { path, local: false }
}

/** The forms buildx takes for a remote context; a Git URL is never a folder in the workspace. */
function isGitContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || /^github\.com\//.test(context)
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function decode(value: unknown): string {
  return typeof value === 'string' ? base64Text(value).trim() : ''
}

function base64Text(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8')
}
