/** One table of the job summary: a heading and rows of cell text, header row first, every cell HTML-escaped. */
export interface SummaryTable {
  heading: string
  level: 3 | 4
  rows: string[][]
}
