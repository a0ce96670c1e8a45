// The sticky PR comment: the report blocks fitted under GitHub's comment limit, behind a hidden
// marker that lets the publisher find and update its own comment.
import { fitBlocks } from './budget.js'
import { markdownLink } from './escape.js'
import type { JsonReport } from './json.js'
import { reportBlocks, reportFooter } from './markdown.js'

/** GitHub rejects comment bodies over 65,536 characters; the budget leaves room for the marker. */
export const COMMENT_BUDGET = 60_000
/** Rows per kind in the comment's details sections (the job summary shows all). */
export const COMMENT_DETAIL_ROWS = 50

export interface CommentOptions {
  budget?: number
  maxDetailRows?: number
}

/**
 * `<!-- profile-gate:<gateName> -->`. The name is percent-encoded: it can hold neither `>` (which
 * would end the HTML comment) nor spaces, so one gate's marker never matches another's.
 */
export function commentMarker(gateName: string): string {
  return `<!-- profile-gate:${encodeURIComponent(gateName)} -->`
}

function fullReportPointer(report: JsonReport): string {
  const summary = report.links.runUrl === undefined ? 'the job summary' : markdownLink('job summary', report.links.runUrl)
  const artifact = report.links.artifactUrl === undefined ? 'the report artifact' : markdownLink('report artifact', report.links.artifactUrl)
  return `The full report is in the ${summary} and in ${artifact} (\`report.json\`).`
}

export function renderComment(report: JsonReport, options: CommentOptions = {}): string {
  const marker = commentMarker(report.gateName)
  const blocks = reportBlocks(report, { maxDetailRows: options.maxDetailRows ?? COMMENT_DETAIL_ROWS })
  const budget = (options.budget ?? COMMENT_BUDGET) - marker.length - 1
  const fitted = fitBlocks(blocks, budget, (cuts) => reportFooter(report, cuts, fullReportPointer(report)))
  return `${marker}\n${fitted.text}\n`
}
