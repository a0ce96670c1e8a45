// Joins a baseline and a current snapshot function by function and decides, per function, whether
// it regressed, became a new hotspot, improved or stayed within noise. Pure.
import type { Comparison, FunctionComparison, FunctionStat, Kind, KindComparison, KindSnapshot, ProfileStats, Snapshot, Verdict } from '../model.js'
import { resolveRule, type GateRules } from './rules.js'
import { functionDispersion, holmAdjust, pooledDispersion, rateChangeEvidence, shareChangeEvidence, totalsDispersion } from './stats.js'

export type FailOn = 'regression' | 'new-hotspot' | 'missing'

export interface CompareOptions {
  rules: GateRules
  failOn: ReadonlySet<FailOn>
  /** per `${service}/${kind}`: shares from the server-side diff of the full profiles (issue 5) */
  serverDiff?: ReadonlyMap<string, { baseline: ProfileStats; current: ProfileStats }>
  /** functions below this share on both sides are left out of the details (fraction) */
  reportFloor?: number
}

type Metric = 'self' | 'total'

interface Candidate {
  row: FunctionComparison
  direction: 'up' | 'down'
  /** an increase smaller than a significant fall of its kind's total per second */
  offset?: { totalChange: number; pValue: number; workDelta: number }
}

export function compareSnapshots(baseline: Snapshot, current: Snapshot, options: CompareOptions): Comparison {
  const { rules, failOn } = options
  const kinds: KindComparison[] = []
  const failures: string[] = []
  const warnings: string[] = []
  const candidates: Candidate[] = []
  const services = [...new Set([...Object.keys(baseline.services), ...Object.keys(current.services)])].sort()

  for (const service of services) {
    for (const kind of rules.kinds) {
      const base = baseline.services[service]?.[kind]
      const cur = current.services[service]?.[kind]
      if (!base && !cur) continue
      const kindRule = resolveRule(rules, service, kind)
      const kc: KindComparison = {
        service,
        kind,
        profileTypeId: (cur ?? base)!.profileTypeId,
        status: 'compared',
        optional: kindRule.optional,
        baselineTotalPerSecond: base?.totalPerSecond,
        currentTotalPerSecond: cur?.totalPerSecond,
        truncatedShare: { baseline: base?.truncatedShare, current: cur?.truncatedShare },
        source: 'snapshot',
        functions: [],
        warnings: []
      }
      kinds.push(kc)
      if (kindRule.ignore) {
        kc.status = 'ignored'
        continue
      }
      const baseSide = base && base.total > 0 ? base : eventKindWithoutEvents(baseline, service, kind, cur)
      const curSide = cur && cur.total > 0 ? cur : eventKindWithoutEvents(current, service, kind, base)
      if (!baseSide) {
        kc.status = 'missing-baseline'
        const msg = `${service} ${kind}: the baseline has no ${kind} profile for this service; refresh the baseline (mode: baseline) or mark it optional in the config`
        ;(kindRule.optional ? warnings : failures).push(msg)
        continue
      }
      if (!curSide) {
        kc.status = 'missing-current'
        const msg = `${service} ${kind}: the baseline has ${kind} data but this run has none in the query window (did the service run under load with the agent attached, and did its uploads reach Pyroscope?)`
        ;(kindRule.optional ? warnings : failures).push(msg)
        continue
      }
      for (const [side, k] of [['baseline', baseSide], ['this run', curSide]] as const) {
        if (k.total === 0) kc.warnings.push(`no ${kind} events in ${side} while the agent reported the service's other profiles: no contention there`)
      }
      const diff = baseSide.total > 0 && curSide.total > 0 ? options.serverDiff?.get(`${service}/${kind}`) : undefined
      if (diff) kc.source = 'server-diff'
      for (const t of [baseSide.truncatedShare, curSide.truncatedShare]) {
        if (t > 0.05) kc.warnings.push(`${(t * 100).toFixed(1)} % of the profile was folded into "other" by truncation: raise max-nodes for exact shares`)
      }
      const metrics: Metric[] = rules.metric === 'both' ? ['self', 'total'] : [rules.metric]
      for (const metric of metrics) {
        compareKind(service, kind, metric, baseSide, curSide, diff, kc, candidates, options)
      }
    }
  }

  // Holm over every function that passed the effect-size thresholds, across the whole gate
  const adjusted = holmAdjust(candidates.map((c) => c.row.evidence.pValue))
  candidates.forEach((c, i) => {
    const row = c.row
    row.evidence.adjustedP = adjusted[i]!
    if (adjusted[i]! < rules.alpha) {
      row.verdict = c.direction === 'down' ? 'improvement' : row.baselineShare === undefined ? 'new-hotspot' : 'regression'
      row.evidence.reason = `${row.evidence.reason}, p = ${formatP(adjusted[i]!)} (Holm)`
      if (c.offset && c.direction === 'up') {
        row.offset = { totalChange: c.offset.totalChange, pValue: c.offset.pValue }
        const fell = `${(-c.offset.totalChange * 100).toFixed(0)} %`
        row.evidence.reason += `; offset, not failing: the service's ${row.kind} per second fell ${fell} (p = ${formatP(c.offset.pValue)}), more than this function added (${formatPp(c.offset.workDelta)} of the baseline's)`
      }
    } else {
      row.evidence.reason = `within noise: ${row.evidence.reason}, p = ${formatP(adjusted[i]!)} (Holm) ≥ ${rules.alpha}`
    }
  })

  const counts = { regressions: 0, newHotspots: 0, improvements: 0, missing: 0 }
  for (const kc of kinds) {
    if ((kc.status === 'missing-baseline' || kc.status === 'missing-current') && !kc.optional) counts.missing++
    for (const f of kc.functions) {
      if (f.verdict === 'regression') counts.regressions++
      if (f.verdict === 'new-hotspot') counts.newHotspots++
      if (f.verdict === 'improvement') counts.improvements++
      f.failing = f.offset === undefined && ((f.verdict === 'regression' && failOn.has('regression')) || (f.verdict === 'new-hotspot' && failOn.has('new-hotspot')))
    }
    kc.functions.sort(byVerdictThenDelta)
  }
  if (Object.keys(current.services).length === 0) failures.push('the current snapshot holds no service at all')
  const failingFunctions = kinds.some((k) => k.functions.some((f) => f.failing))
  const passed = !failingFunctions && !(failures.length > 0 && failOn.has('missing'))
  return { passed, kinds, failures, warnings, counts }
}

function compareKind(
  service: string,
  kind: Kind,
  metric: Metric,
  base: KindSnapshot,
  cur: KindSnapshot,
  diff: { baseline: ProfileStats; current: ProfileStats } | undefined,
  kc: KindComparison,
  candidates: Candidate[],
  options: CompareOptions
): void {
  const { rules } = options
  const shareOf = (f: FunctionStat) => (metric === 'self' ? f.selfShare : f.totalShare)
  const baseFns = new Map((diff ? diff.baseline.functions : base.functions).map((f) => [f.name, f]))
  const curFns = new Map((diff ? diff.current.functions : cur.functions).map((f) => [f.name, f]))
  // a function absent from a snapshot's top list is below that list's cut-off; a server diff is complete
  const baseBound = diff ? 0 : base.cutoffShare
  const curBound = diff ? 0 : cur.cutoffShare
  // no share varies (one function holds everything, typical for locks): the totals' variation
  // between windows says how many independent events there were
  const phiBase = dispersionOf(base, metric) ?? totalsDispersion(base.replicateTotals)
  const phiCur = dispersionOf(cur, metric) ?? totalsDispersion(cur.replicateTotals)
  // without any replicate variation at all no change can be told from chance: reported, never flagged
  const untestable = phiBase === undefined && phiCur === undefined
  const dispersionBase = phiBase ?? phiCur ?? 0
  const dispersionCur = phiCur ?? phiBase ?? 0
  const replicateSeries = (k: KindSnapshot, name: string) => {
    const f = k.functions.find((x) => x.name === name)
    const values = metric === 'self' ? f?.replicateSelf : f?.replicateTotal
    return values && values.length === k.replicateTotals.length ? { totals: k.replicateTotals, values } : undefined
  }
  const floor = options.reportFloor ?? 0.005
  // seconds each profile covers; an event kind without events borrows the other side's
  const secondsOf = (k: KindSnapshot) => (k.totalPerSecond > 0 ? k.total / k.totalPerSecond : undefined)
  const baseSeconds = secondsOf(base) ?? secondsOf(cur) ?? 1
  const curSeconds = secondsOf(cur) ?? secondsOf(base) ?? 1

  // Net change of the kind: a fix that removes a dominant allocator often adds a small site of its
  // own (a new Integer.toString). When the service's total per second fell beyond noise by more
  // than such a function added, the change is a net improvement: shown, not failing.
  const totalChange = base.totalPerSecond > 0 ? cur.totalPerSecond / base.totalPerSecond - 1 : 0
  const totals = rateChangeEvidence(
    { value: base.total, seconds: baseSeconds, dispersion: totalsDispersion(base.replicateTotals) ?? dispersionBase },
    { value: cur.total, seconds: curSeconds, dispersion: totalsDispersion(cur.replicateTotals) ?? dispersionCur },
    rules.runVariation
  )
  const netFall = totalChange < 0 && totals.z < 0 && totals.pValue < rules.alpha ? { totalChange, pValue: totals.pValue } : undefined

  const names = [...new Set([...baseFns.keys(), ...curFns.keys()])]
  for (const name of names) {
    const rule = resolveRule(rules, service, kind, name)
    if (rule.ignore) continue
    const b = baseFns.get(name)
    const c = curFns.get(name)
    const baselineShare = b ? shareOf(b) : undefined
    const currentShare = c ? shareOf(c) : undefined
    const bs = baselineShare ?? baseBound
    const cs = currentShare ?? curBound
    if (Math.max(bs, cs) < floor) continue
    const delta = cs - bs
    const relativeDelta = bs > 0 ? delta / bs : delta > 0 ? Infinity : 0
    const workRatio = (cs * cur.totalPerSecond) / Math.max(bs * base.totalPerSecond, Number.MIN_VALUE)
    // the change in the function's work per second, as a share of the baseline profile's work: a
    // fix that removes the dominant allocator leaves its small new sites with large shares of a
    // small total, but they do not make the service do min-absolute more work than before
    const workDelta = base.totalPerSecond > 0 ? (cs * cur.totalPerSecond - bs * base.totalPerSecond) / base.totalPerSecond : delta
    const { minAbsolute, minRelative, minShare } = rule.thresholds
    // a function's own replicate variation, when larger than the profile's, is the honest noise level
    const baseSeries = replicateSeries(base, name)
    const curSeries = replicateSeries(cur, name)
    const own = Math.max(baseSeries ? (functionDispersion(baseSeries) ?? 0) : 0, curSeries ? (functionDispersion(curSeries) ?? 0) : 0)
    const evidence = shareChangeEvidence(
      { share: bs, total: base.total, dispersion: Math.max(dispersionBase, own) },
      { share: cs, total: cur.total, dispersion: Math.max(dispersionCur, own) },
      rules.runVariation
    )
    const rate = rateChangeEvidence(
      { value: bs * base.total, seconds: baseSeconds, dispersion: Math.max(dispersionBase, own) },
      { value: cs * cur.total, seconds: curSeconds, dispersion: Math.max(dispersionCur, own) },
      rules.runVariation
    )
    // a verdict needs both the share and the work per second to have changed (intersection–union
    // test: its p-value is the larger of the two)
    const pValue = Math.sign(rate.z) === Math.sign(evidence.z) ? Math.max(evidence.pValue, rate.pValue) : 1
    const effect = `${formatPp(delta)} (${formatRel(relativeDelta)}), z = ${evidence.z.toFixed(1)}, work/s ×${formatRatio(workRatio)} (z = ${rate.z.toFixed(1)})`
    const row: FunctionComparison = {
      service,
      kind,
      function: name,
      metric,
      baselineShare,
      currentShare,
      delta,
      relativeDelta,
      evidence: { test: 'quasi-binomial z of the share and quasi-Poisson z of the work per second (pooled replicate dispersion)', z: evidence.z, pValue, adjustedP: 1, reason: effect },
      verdict: 'unchanged',
      threshold: minAbsolute,
      failing: false
    }
    kc.functions.push(row)
    // a share can also grow because everything else shrank: a regression must be more work per second
    const up = delta >= minAbsolute && relativeDelta >= minRelative && cs >= minShare && workRatio >= 1 + minRelative / 2 && workDelta >= minAbsolute
    const down = -delta >= minAbsolute && -relativeDelta >= minRelative && bs >= minShare && workRatio <= 1 - minRelative / 2 && -workDelta >= minAbsolute
    // independent samples behind the larger side's share (value / dispersion): a "hotspot" made of
    // one or two lock events is chance, however large its share
    const samples = up ? (cs * cur.total) / Math.max(dispersionCur, own, Number.MIN_VALUE) : (bs * base.total) / Math.max(dispersionBase, own, Number.MIN_VALUE)
    if ((up || down) && (untestable || samples < MIN_SAMPLES)) {
      row.evidence.reason = `too few samples to tell from noise (${untestable ? 'no variation between the replicate windows' : `about ${samples.toFixed(1)} independent samples, fewer than ${MIN_SAMPLES}`}): ${effect}`
    } else if (up || down) {
      const offset = up && netFall && workDelta <= -netFall.totalChange ? { ...netFall, workDelta } : undefined
      candidates.push({ row, direction: up ? 'up' : 'down', ...(offset ? { offset } : {}) })
    } else {
      row.evidence.reason = `below thresholds: ${effect}; needs ≥ ${formatPp(minAbsolute)}, ≥ ${formatRel(minRelative)}, share ≥ ${(minShare * 100).toFixed(1)} %, ≥ ${formatRel(minRelative / 2)} work per second and a change of ≥ ${formatPp(minAbsolute)} of the baseline's work per second (${formatPp(workDelta)})`
    }
  }
}

/** the fewest independent samples a flagged share must rest on */
const MIN_SAMPLES = 5

/** kinds recorded only when something happens (a contended lock): zero events is a valid result */
export const EVENT_KINDS: ReadonlySet<Kind> = new Set<Kind>(['mutex', 'block'])

/**
 * An empty profile for an event kind the agent had nothing to report for, provided it reported the
 * service's other kinds (so the agent works and the service was profiled); otherwise undefined,
 * and the data counts as missing.
 */
function eventKindWithoutEvents(snapshot: Snapshot, service: string, kind: Kind, other: KindSnapshot | undefined): KindSnapshot | undefined {
  if (!EVENT_KINDS.has(kind) || !other || other.total === 0) return undefined
  const kinds = snapshot.services[service]
  const profiled = kinds && Object.entries(kinds).some(([k, v]) => k !== kind && v && v.total > 0)
  if (!profiled) return undefined
  return { profileTypeId: other.profileTypeId, unit: other.unit, total: 0, totalPerSecond: 0, truncatedShare: 0, replicateTotals: other.replicateTotals.map(() => 0), cutoffShare: 0, functions: [] }
}

function dispersionOf(k: KindSnapshot, metric: Metric): number | undefined {
  return pooledDispersion(
    k.functions
      .map((f) => (metric === 'self' ? f.replicateSelf : f.replicateTotal))
      .filter((v): v is number[] => Array.isArray(v) && v.length === k.replicateTotals.length)
      .map((values) => ({ totals: k.replicateTotals, values }))
  )
}

const VERDICT_ORDER: Record<Verdict, number> = { regression: 0, 'new-hotspot': 1, missing: 2, improvement: 3, unchanged: 4 }
function byVerdictThenDelta(a: FunctionComparison, b: FunctionComparison): number {
  return VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || Math.abs(b.delta) - Math.abs(a.delta) || (a.function < b.function ? -1 : 1)
}

export const formatPp = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp`
export const formatRel = (r: number) => (Number.isFinite(r) ? `${r >= 0 ? '+' : '−'}${Math.abs(r * 100).toFixed(0)} %` : 'new')
const formatRatio = (r: number) => (Number.isFinite(r) ? r.toFixed(2) : '∞')
const formatP = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4))
