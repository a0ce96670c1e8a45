import { describe, expect, it } from 'vitest'
import { LatencyHistogram } from '../../src/load/histogram.js'

/** deterministic PRNG (mulberry32) so failures are reproducible */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function exact(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] ?? NaN
}

const PS = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]

describe('LatencyHistogram', () => {
  it('matches exact nearest-rank percentiles within 1 % on synthetic data', () => {
    const r = rng(42)
    const datasets: Record<string, number[]> = {
      // log-normal around 10 ms
      lognormal: Array.from({ length: 50_000 }, () => Math.exp(Math.log(10) + 0.8 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()))),
      // bimodal 10 ms / 50 ms, the generator test's server
      bimodal: Array.from({ length: 20_000 }, () => (r() < 0.9 ? 10 : 50) + r()),
      // the full range, 1 µs .. 60 s
      wide: Array.from({ length: 20_000 }, () => Math.pow(10, -3 + r() * Math.log10(60_000 / 0.001)))
    }
    for (const [name, data] of Object.entries(datasets)) {
      const h = new LatencyHistogram()
      for (const v of data) h.record(v)
      const sorted = [...data].sort((a, b) => a - b)
      expect(h.count).toBe(data.length)
      expect(h.max).toBe(sorted[sorted.length - 1])
      expect(h.min).toBe(sorted[0])
      for (const p of PS) {
        const want = exact(sorted, p)
        const got = h.percentile(p)
        expect(Math.abs(got - want) / want, `${name} p${p}: got ${got}, want ${want}`).toBeLessThanOrEqual(0.01)
      }
    }
  })

  it('merges to the same result as recording everything in one', () => {
    const r = rng(7)
    const a = new LatencyHistogram()
    const b = new LatencyHistogram()
    const all = new LatencyHistogram()
    for (let i = 0; i < 5_000; i++) {
      const v = r() * 100
      ;(i % 3 === 0 ? a : b).record(v)
      all.record(v)
    }
    a.merge(b)
    expect(a.count).toBe(all.count)
    expect(a.max).toBe(all.max)
    for (const p of PS) expect(a.percentile(p)).toBe(all.percentile(p))
    expect(() => a.merge(new LatencyHistogram({ relativeAccuracy: 0.01 }))).toThrow(/different configurations/)
  })

  it('handles empty, zero, out-of-range and weighted records', () => {
    const h = new LatencyHistogram()
    expect(h.summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 })
    h.record(0, 3)
    h.record(120_000) // above 60 s: top bucket, exact max kept
    expect(h.count).toBe(4)
    expect(h.percentile(50)).toBe(0)
    expect(h.percentile(100)).toBe(120_000)
    expect(h.max).toBe(120_000)
    expect(h.mean).toBe(30_000)
    expect(() => h.record(-1)).toThrow(RangeError)
    expect(() => h.record(Number.NaN)).toThrow(RangeError)
    expect(() => h.percentile(101)).toThrow(RangeError)
  })
})
