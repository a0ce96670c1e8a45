// The statistics behind a verdict. A share measured from sampled profiles varies between windows
// more than binomial sampling alone predicts (bursty requests, GC, JIT), so the variance of a
// share is modelled quasi-binomially: Var(p̂) = φ·p(1−p)/T, with the dispersion φ pooled over the
// functions of one profile from its replicate sub-windows (Pearson χ² / df). φ is in the
// profile's unit, so CPU nanoseconds, allocated bytes and lock delays all work unchanged.
// A run-to-run term (relative c·p) covers what differs between two runs of the same code.

export interface ReplicateSeries {
  /** profile total per replicate window */
  totals: number[]
  /** the function's value per replicate window */
  values: number[]
}

/**
 * Pooled dispersion of a profile: Σ_f Σ_r T_r (v_fr/T_r − p_f)² / Σ_f (R−1)·p_f(1−p_f).
 * Returns undefined when there is nothing to estimate it from (fewer than 2 replicates with data).
 */
export function pooledDispersion(series: ReplicateSeries[]): number | undefined {
  let num = 0
  let den = 0
  for (const s of series) {
    const idx = s.totals.map((t, i) => (t > 0 ? i : -1)).filter((i) => i >= 0)
    if (idx.length < 2) continue
    const T = idx.reduce((a, i) => a + s.totals[i]!, 0)
    const V = idx.reduce((a, i) => a + (s.values[i] ?? 0), 0)
    const p = V / T
    if (p <= 0 || p >= 1) continue
    for (const i of idx) {
      const t = s.totals[i]!
      const d = (s.values[i] ?? 0) / t - p
      num += t * d * d
    }
    den += (idx.length - 1) * p * (1 - p)
  }
  return den > 0 ? num / den : undefined
}

/**
 * One function's own dispersion from its replicates (same estimator, one function): lumpy
 * functions (a few heavy allocation or lock events) vary far more than the profile's average.
 */
export function functionDispersion(series: ReplicateSeries): number | undefined {
  return pooledDispersion([series])
}

/**
 * Quasi-Poisson dispersion from the replicate totals alone (Var(T_r) = φ·mean): the fallback
 * when no share varies (a profile of one function, typical for locks). One event in one window
 * gives φ = its size, i.e. a single sample; contention in every window gives a small φ.
 */
export function totalsDispersion(totals: number[]): number | undefined {
  if (totals.length < 2) return undefined
  const mean = totals.reduce((a, t) => a + t, 0) / totals.length
  if (!(mean > 0)) return undefined
  return totals.reduce((a, t) => a + (t - mean) ** 2, 0) / ((totals.length - 1) * mean)
}

/** Standard normal upper tail P(Z > z) (Abramowitz–Stegun 7.1.26 via erfc; |error| < 1.5e-7). */
export function upperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x)
  return z >= 0 ? erfc / 2 : 1 - erfc / 2
}

export interface ShareEvidence {
  z: number
  /** one-sided p-value in the direction of the change */
  pValue: number
  standardError: number
}

export interface ShareSide {
  share: number
  /** profile total the share was measured on */
  total: number
  /** pooled dispersion of that profile, in its unit */
  dispersion: number
}

/** z test of current vs baseline share, one-sided in the direction of the observed change. */
export function shareChangeEvidence(base: ShareSide, cur: ShareSide, runVariation: number): ShareEvidence {
  const p = (base.share * base.total + cur.share * cur.total) / Math.max(base.total + cur.total, Number.MIN_VALUE)
  const pq = Math.max(p * (1 - p), 1e-12)
  // a side without any events contributes no sampling noise: its share is exactly zero
  const sampling = (base.total > 0 ? (base.dispersion * pq) / base.total : 0) + (cur.total > 0 ? (cur.dispersion * pq) / cur.total : 0)
  const run = (runVariation * base.share) ** 2 + (runVariation * cur.share) ** 2
  return evidenceOf(cur.share - base.share, Math.sqrt(sampling + run))
}

/** z, one-sided p and standard error of an observed change */
function evidenceOf(delta: number, standardError: number): ShareEvidence {
  const z = standardError > 0 ? delta / standardError : delta === 0 ? 0 : Math.sign(delta) * Infinity
  return { z, pValue: upperTail(Math.abs(z)), standardError }
}

export interface RateSide {
  /** the function's value in the profile's unit (share × profile total) */
  value: number
  /** seconds the profile covers */
  seconds: number
  /** dispersion of that profile, in its unit */
  dispersion: number
}

/**
 * z test of a function's work per second (value / seconds), quasi-Poisson: Var(V) = φ·V, with the
 * rate pooled under "no change". A share can grow because everything else shrank; this asks
 * whether the function itself does more work per second, on the samples behind each side (a
 * baseline share resting on two samples says little about the baseline's work rate).
 */
export function rateChangeEvidence(base: RateSide, cur: RateSide, runVariation: number): ShareEvidence {
  const rb = base.value / base.seconds
  const rc = cur.value / cur.seconds
  const pooled = (base.value + cur.value) / (base.seconds + cur.seconds)
  const sampling = (base.dispersion * pooled) / base.seconds + (cur.dispersion * pooled) / cur.seconds
  const run = (runVariation * rb) ** 2 + (runVariation * rc) ** 2
  return evidenceOf(rc - rb, Math.sqrt(sampling + run))
}

/** Holm–Bonferroni step-down adjustment; returns adjusted p-values in input order. */
export function holmAdjust(pValues: number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0])
  const m = pValues.length
  const adjusted = new Array<number>(m)
  let running = 0
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p))
    adjusted[i] = running
  })
  return adjusted
}
