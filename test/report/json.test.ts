import { describe, expect, it } from 'vitest'
import { renderComment } from '../../src/report/comment.js'
import { buildJsonReport, JsonReportError, JsonReportSchema, parseJsonReport } from '../../src/report/json.js'
import { renderSummary } from '../../src/report/summary.js'
import { BASELINE_WINDOW, CURRENT_WINDOW, comparison, fn, kindComparison, load, reportInput, snapshot } from './fixtures.js'

const input = reportInput(
  comparison([
    kindComparison('checkout', 'cpu', [
      fn({ function: 'a' }),
      fn({ function: 'new', verdict: 'new-hotspot', baselineShare: undefined, currentShare: 0.04, relativeDelta: Infinity }),
      fn({ function: 'nan', verdict: 'unchanged', failing: false, evidence: { test: 't', z: NaN, pValue: 1, adjustedP: 1, reason: 'no data' } })
    ]),
    kindComparison('cart', 'alloc', [fn({ function: 'b', failing: false })])
  ]),
  {
    pyroscopeUiUrl: 'http://localhost:4040/',
    artifactUrl: 'https://github.com/acme/shop/actions/runs/1/artifacts/9',
    artifacts: { 'checkout/cpu': { svg: 'checkout/cpu.svg' } },
    baseline: snapshot(BASELINE_WINDOW, {}, load(100, 20)),
    current: snapshot(CURRENT_WINDOW, {}, load(90, 25))
  }
)

/** What the comment stage does: read the file from the artifact and validate it. */
function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value))
}

describe('buildJsonReport', () => {
  const report = buildJsonReport(input)

  it('is versioned and states verdict, counts, windows, load, provenance and artifacts', () => {
    expect(report.schemaVersion).toBe(1)
    expect(report.verdict).toBe('fail')
    expect(report.counts).toEqual({ regressions: 2, newHotspots: 1, improvements: 0, missing: 0, failing: 2, failingServices: 1 })
    expect(report.windows.baseline.window).toEqual(BASELINE_WINDOW)
    expect(report.windows.current.window).toEqual(CURRENT_WINDOW)
    expect(report.load.current?.throughput).toBe(90)
    expect(report.provenance.baseline.commit).toBe('0123456789abcdef0123456789abcdef01234567')
    expect(report.artifacts['checkout/cpu']?.svg).toBe('checkout/cpu.svg')
    expect(report.kinds.flatMap((k) => k.functions)).toHaveLength(4)
  })

  it('stores non-finite numbers as null, since JSON cannot hold them', () => {
    const functions = report.kinds[0]!.functions
    expect(functions[1]!.relativeDelta).toBeNull()
    expect(functions[2]!.evidence.z).toBeNull()
    expect(functions[1]).not.toHaveProperty('baselineShare')
  })

  it('passes its own schema after a trip through a file', () => {
    expect(parseJsonReport(roundTrip(report))).toEqual(report)
  })

  it('keeps the offset of a regression that its service total outweighs', () => {
    const offset = { totalChange: -0.39, pValue: 0.0004 }
    const r = buildJsonReport(reportInput(comparison([kindComparison('account', 'alloc', [fn({ function: 'x', failing: false, offset })])])))
    const parsed = parseJsonReport(roundTrip(r))
    expect(parsed.kinds[0]!.functions[0]!.offset).toEqual(offset)
    expect([parsed.verdict, parsed.passed]).toEqual(['warn', true])
  })

  it('renders the same comment and summary from the parsed artifact as in process', () => {
    const parsed = parseJsonReport(roundTrip(report))
    expect(renderComment(parsed)).toBe(renderComment(report))
    expect(renderSummary(parsed)).toBe(renderSummary(report))
  })

  it('drops links that are not http(s) instead of writing an invalid report', () => {
    const odd = buildJsonReport({ ...input, runUrl: 'javascript:alert(1)', pyroscopeUiUrl: 'file:///etc' })
    expect(odd.links).toEqual({ artifactUrl: 'https://github.com/acme/shop/actions/runs/1/artifacts/9' })
    expect(JsonReportSchema.safeParse(odd).success).toBe(true)
  })

  it('says warn when fail-on lets the regressions pass, pass when there are none', () => {
    const warn = comparison([kindComparison('x', 'cpu', [fn({ function: 'f', failing: false })])])
    expect(buildJsonReport(reportInput(warn, { failOn: 'never' })).verdict).toBe('warn')
    const pass = comparison([kindComparison('x', 'cpu', [fn({ function: 'f', failing: false, verdict: 'improvement' })])])
    expect(buildJsonReport(reportInput(pass)).verdict).toBe('pass')
  })
})

describe('parseJsonReport', () => {
  const report = roundTrip(buildJsonReport(input)) as Record<string, unknown>

  it('rejects a foreign or newer file, naming the field', () => {
    expect(() => parseJsonReport({ ...report, schemaVersion: 2 })).toThrow(JsonReportError)
    expect(() => parseJsonReport({ ...report, schemaVersion: 2 })).toThrow(/schemaVersion/)
    expect(() => parseJsonReport([])).toThrow(/not a profile-gate JSON report/)
  })

  it('rejects non-http links planted in an untrusted artifact', () => {
    expect(() => parseJsonReport({ ...report, links: { runUrl: 'javascript:alert(1)' } })).toThrow(/links\.runUrl/)
  })

  it('rejects out-of-range shares', () => {
    const kinds = structuredClone(report.kinds) as { functions: { currentShare: number }[] }[]
    kinds[0]!.functions[0]!.currentShare = 7
    expect(() => parseJsonReport({ ...report, kinds })).toThrow(/kinds\.0\.functions\.0\.currentShare/)
  })
})
