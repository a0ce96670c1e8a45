import { describe, expect, it } from 'vitest'
import { COMMENT_BUDGET, commentMarker, renderComment } from '../../src/report/comment.js'
import { buildJsonReport } from '../../src/report/json.js'
import type { ReportInput } from '../../src/report/model.js'
import { decodeEntities, BASELINE_WINDOW, CURRENT_WINDOW, HOSTILE_NAMES, comparison, fn, kindComparison, load, reportInput, snapshot } from './fixtures.js'

function comment(input: ReportInput): string {
  return renderComment(buildJsonReport(input))
}

const ALLOWED_TAGS = /^<(!-- profile-gate:[^>]*--|\/?(code|details|summary|b|sub))>/

/** Every `<` opens one of the tags the renderer itself writes. */
function assertOnlyOwnHtml(md: string): void {
  for (let i = md.indexOf('<'); i >= 0; i = md.indexOf('<', i + 1)) expect(md.slice(i, i + 200)).toMatch(ALLOWED_TAGS)
}

/** Each table's rows have exactly as many cell separators as its header. */
function assertTablesIntact(md: string): number {
  let tables = 0
  const lines = md.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !lines[i + 1]?.startsWith('|---')) continue
    tables++
    const pipes = lines[i]!.split('|').length
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) expect(lines[j]!.split('|').length, lines[j]).toBe(pipes)
    for (let j = i + 1; j < lines.length && lines[j] !== ''; j++) expect(lines[j]!.startsWith('|'), `row broke out of the table: ${lines[j]}`).toBe(true)
  }
  return tables
}

const regression = fn({ function: 'com/acme/Checkout.pay', baselineShare: 0.1, currentShare: 0.141 })

describe('verdict line', () => {
  it('passes', () => {
    const md = comment(reportInput(comparison([kindComparison('checkout', 'cpu', [fn({ function: 'f', verdict: 'unchanged', failing: false, currentShare: 0.1 })])])))
    expect(md.split('\n')[1]).toBe('✅ **profile-gate: no regressions**')
  })

  it('counts improvements on a pass', () => {
    const md = comment(reportInput(comparison([kindComparison('checkout', 'cpu', [fn({ function: 'f', verdict: 'improvement', failing: false, currentShare: 0.05 })])])))
    expect(md.split('\n')[1]).toBe('✅ **profile-gate: no regressions** (1 improvement)')
  })

  it('fails on regressions, counting services', () => {
    const c = comparison([
      kindComparison('checkout', 'cpu', [regression, fn({ function: 'g', verdict: 'new-hotspot', baselineShare: undefined, currentShare: 0.03 })]),
      kindComparison('cart', 'alloc', [fn({ function: 'h' })])
    ])
    expect(comment(reportInput(c)).split('\n')[1]).toBe('❌ **profile-gate: 2 regressions and 1 new hotspot in 2 services**')
  })

  it('warns when fail-on lets regressions pass', () => {
    const c = comparison([kindComparison('checkout', 'cpu', [fn({ function: 'f', failing: false })])])
    const line = comment(reportInput(c, { failOn: 'never' })).split('\n')[1]
    expect(line).toBe('⚠️ **profile-gate: warn-only, 1 regression in 1 service** (fail-on <code>never</code> does not fail the gate)')
  })

  it('names a regression offset by a larger fall of its service total as such, in the line and its row', () => {
    const offset = fn({ function: 'java/lang/Integer.toString', verdict: 'new-hotspot', baselineShare: undefined, currentShare: 0.021, failing: false, offset: { totalChange: -0.39, pValue: 0.0004 } })
    const c = comparison([kindComparison('account', 'alloc', [offset, fn({ function: 'String.format', verdict: 'improvement', failing: false, baselineShare: 0.4, currentShare: 0 })])])
    const md = comment(reportInput(c))
    expect(md.split('\n')[1]).toBe("⚠️ **profile-gate: 1 new hotspot in 1 service, each offset by a larger fall of its service's total** (a net improvement: not failing)")
    expect(md).toContain('⚠️ new hotspot (offset)')
    // with a failing regression beside it, the line is about the failure
    const both = comparison([kindComparison('account', 'alloc', [offset]), kindComparison('cart', 'cpu', [regression])])
    expect(comment(reportInput(both)).split('\n')[1]).toBe('❌ **profile-gate: 1 regression in 1 service**')
  })

  it('fails on missing data and lists the failures prominently, before the regressions', () => {
    const c = comparison(
      [kindComparison('checkout', 'cpu', [regression]), kindComparison('cart', 'cpu', [], { status: 'missing-current' })],
      { failures: ['cart/cpu: the baseline has it, the current run has no data'] }
    )
    const md = comment(reportInput(c))
    expect(md.split('\n')[1]).toBe('❌ **profile-gate: missing data** — 1 check could not run, and 1 regression in 1 service')
    const failures = md.indexOf('### ❌ Missing data: the gate failed closed')
    expect(failures).toBeGreaterThan(0)
    expect(md.indexOf('- cart/cpu&#58; the baseline has it')).toBeGreaterThan(failures)
    expect(failures).toBeLessThan(md.indexOf('### Regressions'))
    expect(md).toContain('❌ no current data')
  })
})

describe('renderComment', () => {
  const c = comparison([
    kindComparison('checkout', 'cpu', [
      regression,
      fn({ function: 'com/acme/Checkout.slow', verdict: 'new-hotspot', baselineShare: undefined, currentShare: 0.031, relativeDelta: Infinity }),
      fn({ function: 'com/acme/Checkout.fast', verdict: 'improvement', failing: false, baselineShare: 0.2, currentShare: 0.1 }),
      fn({ function: 'com/acme/Checkout.same', verdict: 'unchanged', failing: false, baselineShare: 0.05, currentShare: 0.05 })
    ], { warnings: ['12.0 % of the current profile was truncated into other'] })
  ])
  const input = reportInput(c, {
    pyroscopeUiUrl: 'http://localhost:4040',
    artifactUrl: 'https://github.com/acme/shop/actions/runs/1/artifacts/9',
    artifacts: { 'checkout/cpu': { svg: 'flamegraphs/checkout/cpu.svg', html: 'flamegraphs/checkout/cpu.html', json: 'flamegraphs/checkout/cpu.json' } },
    baseline: snapshot(BASELINE_WINDOW, {}, load(100, 20)),
    current: snapshot(CURRENT_WINDOW, { commit: 'fedcba9876543210' }, load(90, 25))
  })
  const md = comment(input)

  it('starts with the hidden marker', () => {
    expect(md.startsWith('<!-- profile-gate:profile-gate -->\n')).toBe(true)
    expect(commentMarker('my gate-->x')).toBe('<!-- profile-gate:my%20gate--%3Ex -->')
  })

  it('tabulates regressions with shares, delta in pp and the reason', () => {
    expect(md).toContain(
      '| ❌ regression | checkout | cpu | <code>com/acme/Checkout.pay</code> | 10.0 % | 14.1 % | **+4.1 pp** | +50 % relative, above 20 %; p=0.001 |'
    )
    expect(md).toContain('| ❌ new hotspot | checkout | cpu | <code>com/acme/Checkout.slow</code> | – | 3.1 % | **+3.1 pp** |')
    expect(md.indexOf('Checkout.pay')).toBeLessThan(md.indexOf('Checkout.slow'))
  })

  it('lists improvements compactly', () => {
    expect(md).toContain('### Improvements')
    expect(md).toContain('| checkout | cpu | <code>com/acme/Checkout.fast</code> | 20.0 % → 10.0 % | -10.0 pp |')
  })

  it('links the Pyroscope comparison views for the exact windows', () => {
    const links = [...md.matchAll(/\]\((http:\/\/localhost:4040\/comparison[^)]*)\)/g)].map((m) => new URL(m[1]!))
    expect(links.map((u) => u.pathname)).toContain('/comparison')
    expect(links.map((u) => u.pathname)).toContain('/comparison-diff')
    const p = links[0]!.searchParams
    expect(p.get('leftQuery')).toBe('process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name="checkout"}')
    expect(p.get('rightQuery')).toBe(p.get('leftQuery'))
    expect([p.get('leftFrom'), p.get('leftUntil'), p.get('rightFrom'), p.get('rightUntil')]).toEqual(
      [BASELINE_WINDOW.from, BASELINE_WINDOW.until, CURRENT_WINDOW.from, CURRENT_WINDOW.until].map(String)
    )
  })

  it('skips Pyroscope links without a browser-reachable UI', () => {
    const without = comment({ ...input, pyroscopeUiUrl: undefined })
    expect(without).not.toContain('/comparison')
    expect(without).toContain('Checkout.pay')
  })

  it('links the diff artifacts', () => {
    expect(md).toContain('[flame graph](https://github.com/acme/shop/actions/runs/1/artifacts/9)')
    expect(md).toContain('<code>flamegraphs/checkout/cpu.html</code>')
  })

  it('shows per-service details with all functions, truncation, rate change and warnings', () => {
    const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'))
    expect(details).toContain('<summary><b>checkout</b>: 2 regressions, 1 improvement</summary>')
    expect(details).toContain('<code>com/acme/Checkout.same</code>')
    expect(details).toContain('total rate +10.0 %')
    expect(details).toContain('truncated 1.0 % → 1.2 %')
    expect(details).toContain('> ⚠️ 12.0 % of the current profile was truncated into other')
  })

  it('states the baseline commit and date and the current commit', () => {
    expect(md).toContain('**Baseline:** commit <code>0123456789ab</code> on <code>main</code> recorded 2026-11-20T10&#58;00&#58;00Z')
    expect(md).toContain('**Current:** commit <code>fedcba987654</code>')
  })

  it('compares load side by side', () => {
    expect(md).toContain('### Load (baseline → current)')
    expect(md).toContain('| **all** | 100 → 90 (-10.0 %) | – | – | – | 2 → 2 (+0.0 %) |')
    expect(md).toMatch(/<code>POST \/pay<\/code> \| 100 → 90 \(-10\.0 %\) \| 3 → 3 \(\+0\.0 %\) \| 20 → 25 \(\+25\.0 %\) \| 40 → 50 \(\+25\.0 %\) \| 2 → 2 \(\+0\.0 %\) \|/)
  })

  it('keeps every table intact and writes only its own HTML', () => {
    expect(assertTablesIntact(md)).toBeGreaterThanOrEqual(4)
    assertOnlyOwnHtml(md)
  })

  it('ends with the run link and no truncation note when it fits', () => {
    expect(md).toContain('[workflow run](https://github.com/acme/shop/actions/runs/1)')
    expect(md).not.toContain('Shortened to fit')
  })
})

describe('hostile names', () => {
  const names = HOSTILE_NAMES
  const c = comparison([
    kindComparison('@org/team|svc', 'cpu', names.map((name) => fn({ function: name })), { warnings: ['<b>@octocat</b> #1'] }),
    kindComparison('svc', 'cpu', names.map((name) => fn({ function: name, verdict: 'improvement', failing: false, currentShare: 0.01 })))
  ], { failures: ['@org/team lost #12 <script>'], warnings: ['| @x |'] })
  const input = reportInput(c, { gateName: '@octocat gate</sub>', failOn: '`@x`' })
  const md = comment(input)

  it('cannot break a table row', () => {
    expect(assertTablesIntact(md)).toBeGreaterThanOrEqual(3)
  })

  it('cannot write an @, an issue reference or HTML', () => {
    expect(md).not.toContain('@')
    // GitHub finds mentions and references in the decoded text: both are broken by a zero-width space
    const shown = decodeEntities(md)
    expect(shown).not.toMatch(/@[^\u200B]/)
    expect(shown).not.toMatch(/#\d/)
    expect(shown).toContain('@\u200Borg/team')
    assertOnlyOwnHtml(md)
    expect(md).toContain('&lt;script&gt;')
  })

  it('cannot close a code span or the details element', () => {
    expect(md.split('<code>').length).toBe(md.split('</code>').length)
    expect(md.split('<details>').length).toBe(md.split('</details>').length)
  })

  it('truncates the 10k-character name', () => {
    expect(md).not.toContain('x'.repeat(300))
    expect(md).toContain('x'.repeat(50) + '…')
  })
})

describe('size budget', () => {
  const many = (n: number, service: string) =>
    Array.from({ length: n }, (_, i) => fn({ function: `com/acme/${service}/generated/VeryLongClassName${i}$$Lambda$${i}/0x0000000800${i}.apply`, currentShare: 0.1 + i / 1e6 }))
  const services = Array.from({ length: 6 }, (_, s) => `service-${s}`)
  const c = comparison(services.map((s) => kindComparison(s, 'cpu', many(1000, s))))
  const input = reportInput(c, { artifactUrl: 'https://github.com/acme/shop/actions/runs/1/artifacts/9' })
  const md = comment(input)

  it('stays under GitHub 65,536-character limit with thousands of functions', () => {
    expect(md.length).toBeLessThanOrEqual(65_536)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(COMMENT_BUDGET)
    expect(Buffer.byteLength(md)).toBeGreaterThan(COMMENT_BUDGET - 2000) // uses the room it has
  })

  it('drops the details first, then cuts rows, and points to the full report', () => {
    expect(md).not.toContain('<details>')
    expect(md).toMatch(/✂️ \*\*Shortened to fit:\*\* 6 details sections and \d+ rows left out\./)
    expect(md).toContain('The full report is in the [job summary](https://github.com/acme/shop/actions/runs/1) and in [report artifact](https://github.com/acme/shop/actions/runs/1/artifacts/9)')
    expect(md).toMatch(/\| … \d+ regressions more in the full report \|/)
    expect(md.split('\n')[1]).toBe('❌ **profile-gate: 6000 regressions in 6 services**')
    assertTablesIntact(md)
  })

  it('drops only what it must, the last details section first', () => {
    const report = buildJsonReport(reportInput(comparison(services.slice(0, 3).map((s) => kindComparison(s, 'cpu', many(20, s))))))
    const full = renderComment(report, { budget: 1_000_000 })
    expect(full).not.toContain('Shortened')
    expect(renderComment(report, { budget: Buffer.byteLength(full) })).toBe(full)
    const cut = renderComment(report, { budget: Buffer.byteLength(full) - 10 })
    expect(cut).toMatch(/1 details section left out/)
    expect(cut).toContain('<summary><b>service-1</b>')
    expect(cut).not.toContain('<summary><b>service-2</b>')
    expect(cut).not.toMatch(/more in the full report/)
  })

  it('shows at most 50 functions per kind in a details table', () => {
    const one = comment(reportInput(comparison([kindComparison('svc', 'cpu', many(80, 'svc'))])))
    expect(one).toContain('… 30 functions more in the full report')
  })
})
