// The job summary: the same blocks as the comment, all rows, fitted under the step summary limit.
import { fitBlocks } from './budget.js'
import { markdownLink } from './escape.js'
import type { JsonReport } from './json.js'
import { reportBlocks, reportFooter } from './markdown.js'

/** GitHub caps a step summary at 1 MiB; the budget keeps a margin. */
export const SUMMARY_BUDGET = 1_000_000

export interface SummaryOptions {
  budget?: number
}

export function renderSummary(report: JsonReport, options: SummaryOptions = {}): string {
  const blocks = reportBlocks(report, { maxDetailRows: Infinity })
  const artifact = report.links.artifactUrl === undefined ? 'the report artifact' : markdownLink('report artifact', report.links.artifactUrl)
  const pointer = `The full report is in ${artifact} (\`report.json\`, \`report.md\`).`
  return `${fitBlocks(blocks, options.budget ?? SUMMARY_BUDGET, (cuts) => reportFooter(report, cuts, pointer)).text}\n`
}
