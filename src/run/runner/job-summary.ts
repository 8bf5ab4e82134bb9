import * as core from '@actions/core'

/** Appends the tables to the job summary (GITHUB_STEP_SUMMARY); nothing when the runner gives no summary file. */
export async function writeSummary(
  tables: { heading: string; level: 3 | 4; rows: string[][] }[]
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  for (const { heading, level, rows } of tables) {
    const [header, ...body] = rows
    core.summary.addHeading(heading, level).addTable([header.map(data => ({ data, header: true })), ...body])
  }
  await core.summary.write()
}
