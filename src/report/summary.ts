import * as core from '@actions/core'
import { maskCredentials } from '../model/credentials'
import { ProbeResult, probeSummaryRows } from '../plan/preflight'
import { SummaryRow } from './summary-rows'

/**
 * The job summary: one table for the build, one for the network preflight when it ran. core.summary puts
 * cell text into HTML as it is, and names, images and mirrors can come from a PR's inputs or TOML: every
 * cell is escaped here, so a value is always shown as text.
 */
export async function writeSummary(rows: SummaryRow[], probes: ProbeResult[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  core.summary.addHeading('Multi-platform build', 3).addTable([
    [
      { data: 'Item', header: true },
      { data: 'Value', header: true }
    ],
    ...rows.map(row => [escapeHtml(row.label), escapeHtml(row.value)])
  ])
  if (probes.length > 0) {
    const [header, ...body] = probeSummaryRows(probes)
    core.summary
      .addHeading('Network preflight', 4)
      .addTable([
        header.map(data => ({ data: escapeHtml(data), header: true })),
        ...body.map(row => row.map(escapeHtml))
      ])
  }
  await core.summary.write()
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text as HTML text, credentials masked. Line breaks become <br>: a blank line would end the HTML block, and
 * GitHub would read what follows as markdown (images, links).
 */
export function escapeHtml(text: string): string {
  return maskCredentials(text)
    .replace(/[&<>"']/g, char => HTML[char])
    .replace(/\r\n|\r|\n/g, '<br>')
}
