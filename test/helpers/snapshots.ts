// Synthetic snapshots sampled from known function shares (multinomial per replicate window), so
// compare tests exercise the same noise the gate sees on real runs.
import type { Kind, Snapshot } from '../../src/model.js'
import type { ProfileStats } from '../../src/model.js'
import { buildKindSnapshot } from '../../src/snapshot/build.js'

export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** one replicate: `samples` draws from `shares`, each worth `unit` */
export function sampleProfile(shares: Record<string, number>, samples: number, rand: () => number, unit = 10_000_000): ProfileStats {
  const names = Object.keys(shares)
  const cum: number[] = []
  let acc = 0
  for (const n of names) cum.push((acc += shares[n]!))
  const counts = new Map<string, number>()
  for (let i = 0; i < samples; i++) {
    const r = rand() * acc
    const idx = cum.findIndex((c) => r < c)
    const n = names[idx === -1 ? names.length - 1 : idx]!
    counts.set(n, (counts.get(n) ?? 0) + 1)
  }
  const total = samples * unit
  const functions = [...counts.entries()]
    .map(([name, c]) => ({ name, self: c * unit, total: c * unit, selfShare: c / samples, totalShare: c / samples }))
    .sort((a, b) => b.self - a.self || (a.name < b.name ? -1 : 1))
  return { total, truncatedShare: 0, functions, nodeCount: functions.length + 1 }
}

export function mergeStats(parts: ProfileStats[]): ProfileStats {
  const total = parts.reduce((a, p) => a + p.total, 0)
  const acc = new Map<string, { self: number; total: number }>()
  for (const p of parts) for (const f of p.functions) {
    const e = acc.get(f.name) ?? { self: 0, total: 0 }
    e.self += f.self
    e.total += f.total
    acc.set(f.name, e)
  }
  const functions = [...acc.entries()]
    .map(([name, v]) => ({ name, self: v.self, total: v.total, selfShare: v.self / total, totalShare: v.total / total }))
    .sort((a, b) => b.self - a.self || (a.name < b.name ? -1 : 1))
  return { total, truncatedShare: 0, functions, nodeCount: functions.length + 1 }
}

export interface SyntheticSpec {
  services: Record<string, Partial<Record<Kind, Record<string, number>>>>
  samplesPerReplicate?: number
  replicates?: number
  seed: number
  topN?: number
  /** scales every sample's weight: less work per second */
  unit?: number
}

export function syntheticSnapshot(spec: SyntheticSpec): Snapshot {
  const rand = prng(spec.seed)
  const R = spec.replicates ?? 6
  const windowSeconds = 120
  const services: Snapshot['services'] = {}
  for (const [service, kinds] of Object.entries(spec.services)) {
    services[service] = {}
    for (const [kind, shares] of Object.entries(kinds)) {
      const reps = Array.from({ length: R }, () => sampleProfile(shares!, spec.samplesPerReplicate ?? 1000, rand, spec.unit))
      services[service]![kind as Kind] = buildKindSnapshot({
        profileTypeId: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
        full: mergeStats(reps),
        replicates: reps,
        windowSeconds,
        topN: spec.topN ?? 50
      })
    }
  }
  return {
    schemaVersion: 1,
    provenance: { tool: 'profile-gate test', createdAt: '2026-12-01T00:00:00.000Z', commit: 'abc123', settings: {} },
    window: { from: 1_780_000_000_000, until: 1_780_000_120_000 },
    replicates: [],
    services
  }
}

/**
 * A snapshot whose replicates hold exactly `share × samples` samples per function, with a
 * binomial-sized wobble of alternating sign between windows (deterministic noise).
 */
export function exactSnapshot(shares: Record<string, number>, samples: number, replicates = 6, unit = 10_000_000): Snapshot {
  const reps: ProfileStats[] = []
  const names = Object.keys(shares)
  for (let r = 0; r < replicates; r++) {
    const sign = r % 2 === 0 ? 1 : -1
    const first = names[0]!
    const p = shares[first]!
    const wobble = sign * Math.sqrt(samples * p * (1 - p))
    const counts = names.map((n, i) => (i === 0 ? samples * p + wobble : i === 1 ? samples * shares[n]! - wobble : samples * shares[n]!))
    const total = samples * unit
    const functions = names
      .map((name, i) => ({ name, self: counts[i]! * unit, total: counts[i]! * unit, selfShare: counts[i]! / samples, totalShare: counts[i]! / samples }))
      .sort((a, b) => b.self - a.self)
    reps.push({ total, truncatedShare: 0, functions, nodeCount: names.length + 1 })
  }
  const snapshot = syntheticSnapshot({ services: {}, seed: 1 })
  snapshot.services.svc = { cpu: buildKindSnapshot({ profileTypeId: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds', full: mergeStats(reps), replicates: reps, windowSeconds: 120, topN: 50 }) }
  return snapshot
}
