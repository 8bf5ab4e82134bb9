import * as core from '@actions/core'
import { ProbeResult, probeSummaryRows } from './preflight'
import { SummaryRow } from './report'

/** The job summary: one table for the build, one for the network preflight when it ran. */
export async function writeSummary(rows: SummaryRow[], probes: ProbeResult[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  core.summary.addHeading('Multi-platform build', 3).addTable([
    [
      { data: 'Item', header: true },
      { data: 'Value', header: true }
    ],
    ...rows.map(row => [row.label, row.value])
  ])
  if (probes.length > 0) {
    const [header, ...body] = probeSummaryRows(probes)
    core.summary
      .addHeading('Network preflight', 4)
      .addTable([header.map(data => ({ data, header: true })), ...body])
  }
  await core.summary.write()
}
