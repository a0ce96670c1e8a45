// Server-side diffs of baseline vs current per service and kind (render-diff). The baseline side is
// either its original window, when the run's Pyroscope still holds it, or the baseline's stored
// profiles uploaded into this server under a marker label. I/O edge; the math stays in profile/.
import type { Kind, ProfileStats, Snapshot, TimeWindow } from '../model.js'
import type { DiffTree } from '../profile/diff-tree.js'
import { diffTreeFromTable } from '../profile/diff-tree.js'
import { indexFlamegraph } from '../profile/flame-table.js'
import { rankFunctions } from '../profile/functions.js'
import { uploadBaselineProfiles, waitQueryable, type BaselineItem } from '../pyroscope/baseline-upload.js'
import type { PyroscopeClient, QuerySide } from '../pyroscope/client.js'
import { readBaselineProfile } from '../snapshot/baseline-profiles.js'
import { queryStats, serviceSelector } from '../snapshot/take.js'

export const BASELINE_LABEL = { name: 'profile_gate', value: 'baseline' } as const
/** matcher every current-run query carries, so uploaded baseline profiles never count as current */
export const NOT_BASELINE = `${BASELINE_LABEL.name}!="${BASELINE_LABEL.value}"`
const IS_BASELINE = `${BASELINE_LABEL.name}="${BASELINE_LABEL.value}"`

export interface ServerDiffs {
  source: 'baseline-window' | 'uploaded-profiles' | 'none'
  stats: Map<string, { baseline: ProfileStats; current: ProfileStats }>
  trees: Map<string, DiffTree>
  /** the left side's window and selector matchers, for links */
  baselineWindow?: TimeWindow
  warnings: string[]
}

export interface ServerDiffOptions {
  baselineDir: string
  maxNodes: number
  extraMatchers: string[]
  now: number
  /** how long to wait for uploaded profiles to become queryable */
  queryableTimeoutMs: number
  log: (line: string) => void
}

const key = (service: string, kind: Kind) => `${service}/${kind}`

/** pairs both snapshots hold, with the same profile type on both sides */
function pairs(baseline: Snapshot, current: Snapshot): Array<{ service: string; kind: Kind; profileTypeId: string }> {
  const out: Array<{ service: string; kind: Kind; profileTypeId: string }> = []
  for (const [service, kinds] of Object.entries(current.services)) {
    for (const [kind, cur] of Object.entries(kinds) as [Kind, NonNullable<(typeof kinds)[Kind]>][]) {
      const base = baseline.services[service]?.[kind]
      if (base && base.profileTypeId === cur.profileTypeId) out.push({ service, kind, profileTypeId: cur.profileTypeId })
    }
  }
  return out
}

export async function computeServerDiffs(client: PyroscopeClient, baseline: Snapshot, current: Snapshot, o: ServerDiffOptions): Promise<ServerDiffs> {
  const result: ServerDiffs = { source: 'none', stats: new Map(), trees: new Map(), warnings: [] }
  const todo = pairs(baseline, current)
  if (todo.length === 0) return result

  // 1. a long-lived server may still hold the baseline window: use it when every pair's total
  //    there still equals the baseline's (stored data never changes; a mismatch means it is gone)
  let left: (service: string) => { selector: string; window: TimeWindow } = (service) => ({
    selector: serviceSelector(service, [...o.extraMatchers, NOT_BASELINE]),
    window: baseline.window
  })
  const stillStored = await Promise.all(
    todo.map(async (p) => {
      const expected = baseline.services[p.service]![p.kind]!.total
      const stored = await queryStats(client, p.profileTypeId, left(p.service).selector, baseline.window, 1).catch(() => undefined)
      return stored !== undefined && expected > 0 && Math.abs(stored.total - expected) / expected < 0.001
    })
  )
  if (stillStored.every(Boolean)) {
    result.source = 'baseline-window'
    result.baselineWindow = baseline.window
  } else {
    // 2. upload the baseline's stored profiles, marked with the baseline label
    const items: BaselineItem[] = []
    for (const p of todo) {
      const file = baseline.services[p.service]![p.kind]!.profile
      if (!file) continue
      items.push({ service: p.service, kind: p.kind, profileTypeId: p.profileTypeId, pprofGzip: await readBaselineProfile(o.baselineDir, file) })
    }
    if (items.length === 0) {
      result.warnings.push('the baseline holds no profiles and its window is not on this server: shares come from the snapshots only (refresh the baseline to enable server-side diffs)')
      return result
    }
    if (items.length < todo.length) result.warnings.push(`the baseline holds profiles for ${items.length} of ${todo.length} service/kind pairs; the rest compare snapshots only`)
    const upload = await uploadBaselineProfiles(client, items, { label: BASELINE_LABEL, now: o.now })
    o.log(`uploaded ${items.length} baseline profiles (label ${IS_BASELINE}); waiting until they are queryable`)
    await Promise.all(
      items.map((i) =>
        waitQueryable(client, { profileTypeId: i.profileTypeId, selector: serviceSelector(i.service, [...o.extraMatchers, IS_BASELINE]), window: upload.window, timeoutMs: o.queryableTimeoutMs })
      )
    )
    result.source = 'uploaded-profiles'
    result.baselineWindow = upload.window
    const uploaded = new Set(items.map((i) => key(i.service, i.kind)))
    left = (service) => ({ selector: serviceSelector(service, [...o.extraMatchers, IS_BASELINE]), window: upload.window })
    todo.splice(0, todo.length, ...todo.filter((p) => uploaded.has(key(p.service, p.kind))))
  }

  // 3. one render-diff per pair: left = baseline, right = this run
  await Promise.all(
    todo.map(async (p) => {
      const l = left(p.service)
      const leftSide: QuerySide = { profileTypeId: p.profileTypeId, selector: l.selector, window: l.window }
      const rightSide: QuerySide = { profileTypeId: p.profileTypeId, selector: serviceSelector(p.service, [...o.extraMatchers, NOT_BASELINE]), window: current.window }
      const fg = await client.renderDiff({ left: leftSide, right: rightSide, maxNodes: o.maxNodes })
      const table = indexFlamegraph(fg)
      const stats = { baseline: rankFunctions(table, 'left'), current: rankFunctions(table, 'right') }
      if (stats.baseline.total === 0 || stats.current.total === 0) {
        result.warnings.push(`${p.service} ${p.kind}: the server diff has an empty side; compared snapshots instead`)
        return
      }
      result.stats.set(key(p.service, p.kind), stats)
      result.trees.set(key(p.service, p.kind), diffTreeFromTable(table))
    })
  )
  return result
}
