import { describe, expect, it } from 'vitest'
import { renderComment } from '../../src/report/comment.js'
import { buildJsonReport } from '../../src/report/json.js'
import { renderSummary, SUMMARY_BUDGET } from '../../src/report/summary.js'
import { comparison, fn, kindComparison, reportInput } from './fixtures.js'

describe('renderSummary', () => {
  const functions = Array.from({ length: 300 }, (_, i) => fn({ function: `com/acme/F${i}.run` }))
  const report = buildJsonReport(reportInput(comparison([kindComparison('svc', 'cpu', functions)])))
  const summary = renderSummary(report)

  it('has the comment content without the marker, and every function in the details', () => {
    expect(summary.startsWith('❌ **profile-gate: 300 regressions in 1 service**')).toBe(true)
    expect(summary).not.toContain('<!--')
    const details = summary.slice(summary.indexOf('<details>'))
    for (let i = 0; i < 300; i++) expect(details).toContain(`<code>com/acme/F${i}.run</code>`)
    expect(summary).not.toContain('Shortened')
  })

  it('shares the comment building blocks', () => {
    const comment = renderComment(report, { budget: 10_000_000, maxDetailRows: Infinity })
    expect(comment.slice(comment.indexOf('\n') + 1)).toBe(summary)
  })

  it('fits 1 MiB and points to the artifact when cut', () => {
    const huge = Array.from({ length: 8000 }, (_, i) => fn({ function: `com/acme/${'Deep'.repeat(20)}${i}.run` }))
    const big = renderSummary(buildJsonReport(reportInput(comparison([kindComparison('svc', 'cpu', huge)]))))
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(SUMMARY_BUDGET)
    expect(big).toContain('Shortened to fit')
    expect(big).toContain('The full report is in the report artifact (`report.json`, `report.md`).')
  })
})
