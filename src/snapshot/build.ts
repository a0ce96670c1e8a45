// Builds one service/kind entry of a snapshot from the ranked full window and its replicate
// sub-windows. Pure.
import type { FunctionStat, KindSnapshot, ProfileStats } from '../model.js'

export interface KindSnapshotInput {
  profileTypeId: string
  full: ProfileStats
  /** one ranked profile per replicate sub-window, in window order */
  replicates: ProfileStats[]
  windowSeconds: number
  topN: number
}

/** the unit is the third part of a profile type ID (name:sampleType:sampleUnit:periodType:periodUnit) */
export function unitOf(profileTypeId: string): string {
  return profileTypeId.split(':')[2] ?? ''
}

/**
 * Keeps the top-N functions by self value plus the top-N by total (the total metric needs those),
 * each with its per-replicate values so the compare stage can estimate noise.
 */
export function buildKindSnapshot(input: KindSnapshotInput): KindSnapshot {
  const { full, replicates, topN } = input
  const bySelf = full.functions.slice(0, topN)
  const byTotal = [...full.functions].sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1)).slice(0, topN)
  const keep = new Map<string, FunctionStat>()
  for (const f of [...bySelf, ...byTotal]) keep.set(f.name, f)
  const replicateMaps = replicates.map((r) => new Map(r.functions.map((f) => [f.name, f])))
  const functions = [...keep.values()]
    .sort((a, b) => b.self - a.self || b.total - a.total || (a.name < b.name ? -1 : 1))
    .map((f) => ({
      ...f,
      replicateSelf: replicateMaps.map((m) => m.get(f.name)?.self ?? 0),
      replicateTotal: replicateMaps.map((m) => m.get(f.name)?.total ?? 0)
    }))
  // a function not kept has a self share at most that of the last one kept by self
  const cutoffShare = full.functions.length > topN ? (bySelf[bySelf.length - 1]?.selfShare ?? 0) : 0
  return {
    profileTypeId: input.profileTypeId,
    unit: unitOf(input.profileTypeId),
    total: full.total,
    totalPerSecond: input.windowSeconds > 0 ? full.total / input.windowSeconds : 0,
    truncatedShare: full.truncatedShare,
    replicateTotals: replicates.map((r) => r.total),
    cutoffShare,
    functions
  }
}

/** Splits a window into `count` equal, contiguous sub-windows (ms, integer bounds). */
export function splitWindow(window: { from: number; until: number }, count: number): Array<{ from: number; until: number }> {
  const n = Math.max(1, Math.floor(count))
  const span = window.until - window.from
  const out: Array<{ from: number; until: number }> = []
  for (let i = 0; i < n; i++) {
    const from = window.from + Math.round((span * i) / n)
    const until = window.from + Math.round((span * (i + 1)) / n)
    if (until > from) out.push({ from, until })
  }
  return out
}
