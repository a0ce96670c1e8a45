import { describe, expect, it } from 'vitest'
import { buildAnnotations } from '../../src/report/annotations.js'
import { buildJsonReport } from '../../src/report/json.js'
import { comparison, fn, kindComparison, reportInput } from './fixtures.js'

describe('buildAnnotations', () => {
  const functions = Array.from({ length: 15 }, (_, i) => fn({ function: `F${i}`, baselineShare: 0.1, currentShare: 0.1 + i / 100 }))
  const warnOnly = fn({ function: 'W', failing: false, baselineShare: 0.1, currentShare: 0.9 })

  it('gives at most 10, worst delta first, errors for failing ones', () => {
    const a = buildAnnotations(buildJsonReport(reportInput(comparison([kindComparison('svc', 'cpu', [...functions, warnOnly])]))))
    expect(a).toHaveLength(10)
    expect(a[0]).toEqual({
      level: 'error',
      title: 'profile-gate: regression in svc (cpu)',
      message: 'F14: 10.0 % → 24.0 % self (+14.0 pp). +50 % relative, above 20 %; p=0.001'
    })
    expect(a.map((x) => x.message.split(':')[0])).toEqual(['F14', 'F13', 'F12', 'F11', 'F10', 'F9', 'F8', 'F7', 'F6', 'F5'])
  })

  it('puts missing data first and warns for regressions fail-on lets pass', () => {
    const c = comparison([kindComparison('svc', 'cpu', [warnOnly])], { failures: ['svc/alloc: no current data'] })
    const a = buildAnnotations(buildJsonReport(reportInput(c)))
    expect(a.map((x) => x.level)).toEqual(['error', 'warning'])
    expect(a[0]!.message).toBe('svc/alloc: no current data')
  })

  it('keeps hostile names on one line and bounded', () => {
    const c = comparison([kindComparison('s\nvc', 'cpu', [fn({ function: `evil\n::error::x\r\n${'y'.repeat(5000)}` })])])
    const [a] = buildAnnotations(buildJsonReport(reportInput(c)))
    expect(a!.title).not.toMatch(/[\r\n]/)
    expect(a!.message).not.toMatch(/[\r\n]/)
    expect(a!.message.length).toBeLessThanOrEqual(1000)
  })
})
