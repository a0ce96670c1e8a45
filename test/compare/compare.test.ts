import { describe, expect, it } from 'vitest'
import { compareSnapshots, type FailOn } from '../../src/compare/compare.js'
import { ConfigFileSchema, rulesFromConfig, type GateRules } from '../../src/compare/rules.js'
import { holmAdjust, pooledDispersion, upperTail } from '../../src/compare/stats.js'
import { exactSnapshot, syntheticSnapshot } from '../helpers/snapshots.js'

const rules: GateRules = {
  defaults: { minRelative: 0.2, minAbsolute: 0.01, minShare: 0.02 },
  alpha: 0.01,
  runVariation: 0.1,
  metric: 'self',
  kinds: ['cpu'],
  rules: []
}
const failOn = new Set<FailOn>(['regression', 'new-hotspot', 'missing'])

const shares = { 'app/Fib.fib': 0.3, 'app/Sha.sign': 0.1, 'java/util/HashMap.get': 0.05, 'app/Json.write': 0.15, 'app/Io.read': 0.4 }

describe('compareSnapshots', () => {
  it('A/A: the same code measured twice gives no regression (40 seeded pairs)', () => {
    let flagged = 0
    for (let seed = 1; seed <= 40; seed++) {
      const a = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed, samplesPerReplicate: 300 })
      const b = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed: seed + 1000, samplesPerReplicate: 300 })
      const c = compareSnapshots(a, b, { rules, failOn })
      flagged += c.counts.regressions + c.counts.newHotspots + c.counts.improvements
      expect(c.failures).toEqual([])
    }
    expect(flagged).toBe(0)
  })

  it('A/B: a function whose share doubles is a failing regression; the reverse is an improvement', () => {
    const before = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed: 7 })
    const after = syntheticSnapshot({ services: { svc: { cpu: { ...shares, 'app/Sha.sign': 0.3 } } }, seed: 8, unit: 13_000_000 })
    const c = compareSnapshots(before, after, { rules, failOn })
    const regs = c.kinds.flatMap((k) => k.functions).filter((f) => f.verdict === 'regression')
    expect(regs.map((f) => f.function)).toEqual(['app/Sha.sign'])
    expect(regs[0]!.failing).toBe(true)
    expect(regs[0]!.evidence.reason).toMatch(/Holm/)
    expect(c.passed).toBe(false)
    const back = compareSnapshots(after, before, { rules, failOn })
    const imps = back.kinds.flatMap((k) => k.functions).filter((f) => f.verdict === 'improvement')
    expect(imps.map((f) => f.function)).toContain('app/Sha.sign')
    expect(back.counts.regressions).toBe(0)
  })

  it('a share inflated only because the total shrank (less work per second) is not a regression', () => {
    const before = syntheticSnapshot({ services: { svc: { cpu: { a: 0.1, b: 0.9 } } }, seed: 3 })
    // a's absolute work stays the same, b's work drops: a's share rises to ~0.18 with less total work
    const after = syntheticSnapshot({ services: { svc: { cpu: { a: 0.1, b: 0.45 } } }, seed: 4, unit: 5_500_000 })
    const c = compareSnapshots(before, after, { rules, failOn })
    const a = c.kinds[0]!.functions.find((f) => f.function === 'a')!
    expect(a.currentShare!).toBeGreaterThan(0.15)
    expect(a.verdict).not.toBe('regression')
  })

  it('a share that soars because the dominant function went away is a regression only if its own work per second grew beyond noise', () => {
    // the fix removed 'hog': 'site' goes from 0.6 % of 2,500 samples (15) to 21 % of 100 samples (21),
    // the same work per second within noise (a B/A run measured exactly this shape)
    const before = exactSnapshot({ hog: 0.994, site: 0.006 }, 2500 / 6)
    const same = exactSnapshot({ rest: 0.786, site: 0.214 }, 100 / 6)
    const f = compareSnapshots(before, same, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === 'site')!
    expect(f.currentShare! - f.baselineShare!).toBeGreaterThan(0.2)
    expect(f.verdict, f.evidence.reason).toBe('unchanged')
    expect(f.evidence.reason).toMatch(/z = 8\.\d, work\/s ×1\.4\d \(z = 0\.\d\)/)
    // the same shift with four times the work per second is a regression
    const grew = exactSnapshot({ rest: 0.4, site: 0.6 }, 100 / 6)
    const g = compareSnapshots(before, grew, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === 'site')!
    expect(g.verdict, g.evidence.reason).toBe('regression')
  })

  it("a fix's small new sites are not regressions unless they add min-absolute of the baseline's work", () => {
    // the baseline is dominated by 'hog' (6,000 samples); the fix removes it and the service does a tenth of the work
    const before = exactSnapshot({ hog: 0.95, rest: 0.05 }, 1000)
    const fixed = exactSnapshot({ rest: 0.5, other: 0.42, 'app/New.site': 0.08 }, 100)
    const small = compareSnapshots(before, fixed, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === 'app/New.site')!
    // 8 % of the new profile, but 0.8 % of the baseline's work per second
    expect(small.verdict, small.evidence.reason).toBe('unchanged')
    expect(small.evidence.reason).toMatch(/of the baseline's work per second \(\+0\.8 pp\)/)
    const heavier = exactSnapshot({ rest: 0.4, other: 0.3, 'app/New.site': 0.3 }, 100)
    expect(compareSnapshots(before, heavier, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === 'app/New.site')!.verdict).toBe('new-hotspot')
  })

  it("a fix's new site is shown but does not fail when the service's total fell beyond noise by more than the site added", () => {
    // the B/A shape measured on the stack: the fix removes the String.format allocations (45 % of the
    // service's allocation), the service allocates 39 % less per second, and the replacement code
    // allocates in Integer.toString, a site the baseline did not have (+1.5 pp of its work per second)
    const before = syntheticSnapshot({ services: { svc: { cpu: { 'app/Render.format': 0.45, rest: 0.55 } } }, seed: 21 })
    const site = 'java/lang/Integer.toString'
    const fixed = syntheticSnapshot({ services: { svc: { cpu: { rest: 0.875, 'app/Render.builder': 0.1, [site]: 0.025 } } }, seed: 22, unit: 6_100_000 })
    const c = compareSnapshots(before, fixed, { rules, failOn })
    const f = c.kinds[0]!.functions.find((x) => x.function === site)!
    expect(f.verdict, f.evidence.reason).toBe('new-hotspot')
    expect(f.failing).toBe(false)
    expect(f.offset?.totalChange).toBeCloseTo(-0.39, 2)
    expect(f.evidence.reason).toMatch(/; offset, not failing: the service's cpu per second fell 39 % \(p = [\d.e-]+\), more than this function added \(\+1\.\d pp of the baseline's\)$/)
    expect(c.counts.improvements).toBeGreaterThan(0)
    expect(c.passed).toBe(true)

    // the same new site where the service does as much work as before: it fails
    const same = syntheticSnapshot({ services: { svc: { cpu: { 'app/Render.format': 0.45, rest: 0.52, [site]: 0.03 } } }, seed: 23 })
    const s2 = compareSnapshots(before, same, { rules, failOn })
    const g = s2.kinds[0]!.functions.find((x) => x.function === site)!
    expect([g.verdict, g.failing, g.offset], g.evidence.reason).toEqual(['new-hotspot', true, undefined])
    expect(s2.passed).toBe(false)

    // a fall of the total within the run-to-run variation offsets nothing
    const slightly = syntheticSnapshot({ services: { svc: { cpu: { 'app/Render.format': 0.42, rest: 0.55, [site]: 0.03 } } }, seed: 24, unit: 9_200_000 })
    const h = compareSnapshots(before, slightly, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === site)!
    expect([h.verdict, h.failing, h.offset], h.evidence.reason).toEqual(['new-hotspot', true, undefined])

    // a site that added more (+43 pp of the baseline's work) than the total fell (39 %) still fails
    const bigger = syntheticSnapshot({ services: { svc: { cpu: { rest: 0.3, [site]: 0.7 } } }, seed: 25, unit: 6_100_000 })
    const k = compareSnapshots(before, bigger, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === site)!
    expect([k.verdict, k.failing, k.offset], k.evidence.reason).toEqual(['new-hotspot', true, undefined])
  })

  it('the same observed change fails only when enough samples back it', () => {
    // identical observed shares (4 % -> 6 %), measured on 40 or on 4,000 samples per window
    const at = (samples: number) => {
      const before = exactSnapshot({ a: 0.04, b: 0.96 }, samples)
      const after = exactSnapshot({ a: 0.06, b: 0.94 }, samples)
      return compareSnapshots(before, after, { rules, failOn }).kinds[0]!.functions.find((f) => f.function === 'a')!
    }
    const few = at(40)
    expect(few.verdict).toBe('unchanged')
    expect(few.evidence.reason).toMatch(/^within noise/)
    expect(at(4000).verdict).toBe('regression')
  })

  it('a profile without replicate variation (one rare lock event per run) is reported but never flagged', () => {
    // one lock event in one of the six windows, a different frame in each run
    const one = (name: string, window: number) => {
      const snap = exactSnapshot({ [name]: 1 }, 1)
      const k = snap.services.svc!.cpu!
      k.replicateTotals = k.replicateTotals.map((t, i) => (i === window ? t * 6 : 0))
      k.functions[0]!.replicateSelf = [...k.replicateTotals]
      return snap
    }
    const c = compareSnapshots(one('EPoll.clearInterrupt', 2), one('TaskQueue.run', 4), { rules, failOn })
    const fns = c.kinds[0]!.functions
    expect(fns.map((f) => f.verdict)).toEqual(['unchanged', 'unchanged'])
    expect(fns[0]!.evidence.reason).toMatch(/too few samples to tell from noise \(about 1\.0 independent samples/)
    expect(c.passed).toBe(true)
  })

  it("a lumpy function is judged by its own replicate variation, not the profile's average", () => {
    // 'lumpy' arrives in rare heavy events (all in one window); everything else is smooth
    const make = (lumpyWindows: number[]) => {
      const flat = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`flat${i}`, 0.019]))
      const snap = exactSnapshot({ smooth1: 0.3, smooth2: 0.3, ...flat, lumpy: 0.02 }, 10_000)
      const k = snap.services.svc!.cpu!
      const lumpy = k.functions.find((f) => f.name === 'lumpy')!
      const total = lumpy.self
      lumpy.replicateSelf = k.replicateTotals.map((_, i) => (lumpyWindows.includes(i) ? total / lumpyWindows.length : 0))
      return snap
    }
    const base = make([2])
    const cur = make([4])
    cur.services.svc!.cpu!.functions.find((f) => f.name === 'lumpy')!.selfShare = 0.04
    cur.services.svc!.cpu!.functions.find((f) => f.name === 'lumpy')!.self *= 2
    const f = compareSnapshots(base, cur, { rules, failOn }).kinds[0]!.functions.find((x) => x.function === 'lumpy')!
    expect(f.verdict, f.evidence.reason).toBe('unchanged')
    expect(f.evidence.reason).toMatch(/within noise|too few samples/)
  })

  it('a function that enters the top-N above the minimum share is a new hotspot', () => {
    const before = syntheticSnapshot({ services: { svc: { cpu: { a: 0.5, b: 0.5 } } }, seed: 21 })
    const after = syntheticSnapshot({ services: { svc: { cpu: { a: 0.45, b: 0.4, 'app/New.hot': 0.15 } } }, seed: 22, unit: 12_000_000 })
    const c = compareSnapshots(before, after, { rules, failOn })
    const hot = c.kinds[0]!.functions.find((f) => f.function === 'app/New.hot')!
    expect(hot.verdict).toBe('new-hotspot')
    expect(hot.baselineShare).toBeUndefined()
    expect(c.passed).toBe(false)
    expect(compareSnapshots(before, after, { rules, failOn: new Set<FailOn>(['regression', 'missing']) }).passed).toBe(true)
  })

  it('fails closed when the current run lacks a service or kind the baseline has', () => {
    const before = syntheticSnapshot({ services: { svc: { cpu: shares }, other: { cpu: shares } }, seed: 1 })
    const after = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed: 2 })
    const c = compareSnapshots(before, after, { rules, failOn })
    expect(c.passed).toBe(false)
    expect(c.failures.join('\n')).toMatch(/^other cpu: the baseline has cpu data but this run has none/)
    expect(c.counts.missing).toBe(1)
    // marked optional in the config: a warning, not a failure
    const optional = rulesFromConfig(ConfigFileSchema.parse({ version: 1, rules: [{ service: 'other', optional: true }] }), rules)
    const c2 = compareSnapshots(before, after, { rules: optional, failOn })
    expect(c2.passed).toBe(true)
    expect(c2.warnings.join()).toMatch(/other cpu/)
    // warn-only mode: verdict recorded, gate does not fail
    expect(compareSnapshots(before, after, { rules, failOn: new Set() }).passed).toBe(true)
  })

  it('a lock profile with no events is "no contention" when the service reported its other kinds, not missing data', () => {
    const lockRules = { ...rules, kinds: ['cpu', 'mutex'] as ('cpu' | 'mutex')[] }
    const fixed = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed: 31 })
    const contended = syntheticSnapshot({ services: { svc: { cpu: shares, mutex: { 'app/Ledger.postSynchronized': 0.8, 'app/Other.wait': 0.2 } } }, seed: 32 })
    // the fix removed every contended lock: improvements, the gate passes
    const better = compareSnapshots(contended, fixed, { rules: lockRules, failOn })
    expect(better.failures).toEqual([])
    expect(better.kinds.find((k) => k.kind === 'mutex')!.functions.find((f) => f.function === 'app/Ledger.postSynchronized')!.verdict).toBe('improvement')
    // contention appears where the baseline had none: a new hotspot that fails the gate
    const worse = compareSnapshots(fixed, contended, { rules: lockRules, failOn })
    const hot = worse.kinds.find((k) => k.kind === 'mutex')!.functions.find((f) => f.function === 'app/Ledger.postSynchronized')!
    expect(hot.verdict).toBe('new-hotspot')
    expect(worse.passed).toBe(false)
    // without any profile of the service in this run it is missing data, failing closed
    const gone = syntheticSnapshot({ services: { other: { cpu: shares } }, seed: 33 })
    expect(compareSnapshots(contended, gone, { rules: lockRules, failOn }).failures.join()).toMatch(/svc mutex: the baseline has mutex data but this run has none/)
  })

  it('applies per-function rules: ignore and a higher threshold', () => {
    const before = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed: 7 })
    const after = syntheticSnapshot({ services: { svc: { cpu: { ...shares, 'app/Sha.sign': 0.3 } } }, seed: 8, unit: 13_000_000 })
    const ignored = rulesFromConfig(ConfigFileSchema.parse({ version: 1, rules: [{ function: 'app/Sha.*', ignore: true }] }), rules)
    expect(compareSnapshots(before, after, { rules: ignored, failOn }).counts.regressions).toBe(0)
    const lenient = rulesFromConfig(ConfigFileSchema.parse({ version: 1, rules: [{ service: 'svc', kind: 'cpu', function: 'app/Sha.sign', 'min-relative': 500 }] }), rules)
    expect(compareSnapshots(before, after, { rules: lenient, failOn }).counts.regressions).toBe(0)
  })

  it('rejects a config file with unknown fields or wrong types, naming them', () => {
    const bad = ConfigFileSchema.safeParse({ version: 1, rules: [{ servce: 'x' }] })
    expect(bad.success).toBe(false)
    expect(JSON.stringify(bad.error!.issues)).toMatch(/servce/)
    expect(ConfigFileSchema.safeParse({ version: 2 }).success).toBe(false)
    expect(ConfigFileSchema.safeParse({ version: 1, thresholds: { 'min-relative': 'ten' } }).success).toBe(false)
  })
})

describe('statistics', () => {
  it('upperTail matches known normal quantiles', () => {
    expect(upperTail(0)).toBeCloseTo(0.5, 6)
    expect(upperTail(1.959964)).toBeCloseTo(0.025, 5)
    expect(upperTail(2.326348)).toBeCloseTo(0.01, 5)
    expect(upperTail(-1.644854)).toBeCloseTo(0.95, 5)
  })

  it('Holm adjustment is monotone and matches a hand computation', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06])
  })

  it('pooled dispersion of pure multinomial counts is about the sample weight', () => {
    const s = syntheticSnapshot({ services: { svc: { cpu: shares } }, seed: 5, replicates: 12, samplesPerReplicate: 2000 })
    const k = s.services.svc!.cpu!
    const phi = pooledDispersion(k.functions.map((f) => ({ totals: k.replicateTotals, values: f.replicateSelf! })))!
    expect(phi / 10_000_000).toBeGreaterThan(0.5)
    expect(phi / 10_000_000).toBeLessThan(1.6)
  })
})
