// Latency histogram with bounded relative error (the DDSketch bucketing: logarithmic buckets of
// ratio γ = (1+α)/(1-α), so every value in a bucket is within α of the bucket's representative).
// Dense and fixed-size: 1 µs .. 60 s at α = 0.5 % is ~1 800 buckets. Pure.

export interface HistogramOptions {
  /** relative accuracy α of percentiles (default 0.005 = 0.5 %) */
  relativeAccuracy?: number
  /** smallest value with the accuracy guarantee, ms (default 0.001 = 1 µs); smaller values count as this */
  minMs?: number
  /** largest value with the accuracy guarantee, ms (default 60 000); larger values count in the top bucket */
  maxMs?: number
}

export interface LatencySummary {
  p50: number
  p95: number
  p99: number
  max: number
}

export class LatencyHistogram {
  readonly relativeAccuracy: number
  readonly minMs: number
  readonly maxMs: number
  private readonly gamma: number
  private readonly logGamma: number
  private readonly offset: number
  private readonly counts: Float64Array
  private zeroCount = 0
  private total = 0
  private sum = 0
  private minSeen = Infinity
  private maxSeen = -Infinity

  constructor(opts: HistogramOptions = {}) {
    const a = opts.relativeAccuracy ?? 0.005
    const lo = opts.minMs ?? 0.001
    const hi = opts.maxMs ?? 60_000
    if (!(a > 0 && a < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${a}`)
    if (!(lo > 0 && hi > lo)) throw new RangeError(`need 0 < minMs < maxMs, got ${lo}, ${hi}`)
    this.relativeAccuracy = a
    this.minMs = lo
    this.maxMs = hi
    this.gamma = (1 + a) / (1 - a)
    this.logGamma = Math.log(this.gamma)
    this.offset = this.rawIndex(lo)
    this.counts = new Float64Array(this.rawIndex(hi) - this.offset + 1)
  }

  private rawIndex(v: number): number {
    return Math.ceil(Math.log(v) / this.logGamma)
  }

  private index(v: number): number {
    const i = this.rawIndex(Math.min(Math.max(v, this.minMs), this.maxMs)) - this.offset
    return Math.min(Math.max(i, 0), this.counts.length - 1)
  }

  /** the value within α of everything in bucket i */
  private value(i: number): number {
    return (2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1)
  }

  /** Records `n` occurrences of a latency in ms (≥ 0). */
  record(ms: number, n = 1): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`latency must be a finite number ≥ 0, got ${ms}`)
    if (!(n > 0)) return
    if (ms === 0) this.zeroCount += n
    else {
      const i = this.index(ms)
      this.counts[i] = (this.counts[i] ?? 0) + n
    }
    this.total += n
    this.sum += ms * n
    if (ms < this.minSeen) this.minSeen = ms
    if (ms > this.maxSeen) this.maxSeen = ms
  }

  /** Adds another histogram's counts (same configuration required). */
  merge(other: LatencyHistogram): this {
    if (other.relativeAccuracy !== this.relativeAccuracy || other.minMs !== this.minMs || other.maxMs !== this.maxMs) {
      throw new RangeError('cannot merge histograms with different configurations')
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0)
    this.zeroCount += other.zeroCount
    this.total += other.total
    this.sum += other.sum
    this.minSeen = Math.min(this.minSeen, other.minSeen)
    this.maxSeen = Math.max(this.maxSeen, other.maxSeen)
    return this
  }

  get count(): number {
    return this.total
  }

  /** exact maximum, 0 when empty */
  get max(): number {
    return this.total === 0 ? 0 : this.maxSeen
  }

  /** exact minimum, 0 when empty */
  get min(): number {
    return this.total === 0 ? 0 : this.minSeen
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total
  }

  /**
   * Nearest-rank percentile (the value at rank ⌈p/100 · count⌉), within the relative accuracy for
   * values inside [minMs, maxMs]; clamped to the exact min and max. 0 when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`)
    if (this.total === 0) return 0
    const rank = Math.max(1, Math.ceil((p / 100) * this.total))
    // the extremes are known exactly
    if (rank >= this.total) return this.maxSeen
    if (rank === 1) return this.minSeen
    let seen = this.zeroCount
    if (seen >= rank) return 0
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0
      if (seen >= rank) {
        // the top bucket also holds everything above maxMs: only the exact max bounds it
        if (i === this.counts.length - 1 && this.maxSeen > this.maxMs) return this.maxSeen
        return Math.min(Math.max(this.value(i), this.minSeen), this.maxSeen)
      }
    }
    return this.maxSeen
  }

  summary(): LatencySummary {
    return { p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99), max: this.max }
  }
}
