// Puts the committed baseline profiles into the run's (usually fresh) Pyroscope so the server can
// diff them against the current run (issue 5). Profiles are restamped into the accepted ingestion
// window (the server rejects profiles older than 1 h) and labelled as baseline.
import type { Kind } from '../model.js'
import type { Flamegraph } from '../profile/flamegraph.js'
import type { PushSeries, QuerySide, TimeWindow } from './client.js'
import { parseProfileTypeId } from './discovery.js'
import { decodeProfile, encodeProfile, gzip, internString, restampProfile, sampleTypes, type Profile } from './pprof.js'

export interface BaselineItem {
  service: string
  kind: Kind
  profileTypeId: string
  /** pprof bytes, gzipped (as stored under baseline/) or raw */
  pprofGzip: Uint8Array
}

export interface UploadOptions {
  /** the label that marks baseline series, e.g. {name: 'profile_gate', value: 'baseline'} */
  label: { name: string; value: string }
  /** Unix ms "now" (injected so the function stays deterministic) */
  now: number
  /** how far before `now` to stamp the profiles, default 60 s (inside the 1 h window) */
  ageMs?: number
}

export interface UploadResult {
  /** the window that contains the uploaded profiles; query it with the baseline label */
  window: TimeWindow
  uploaded: { service: string; kind: Kind; profileTypeId: string; labels: Record<string, string> }[]
}

// durations beyond this are artefacts of merging (golden files carry duration = timestamp)
const MAX_PLAUSIBLE_DURATION_NS = 3_600_000_000_000n

/**
 * Prepares one profile for upload: restamped at `timeNanos`, and with `period_type` set from the
 * profile type ID when missing, because the server derives the series' type ID from `__name__`,
 * the sample type and the period type — a merged pprof without period would land under
 * `<name>:<type>:<unit>::` and never match the query.
 */
export function prepareBaselineProfile(profile: Profile, profileTypeId: string, timeNanos: bigint): Profile {
  const t = parseProfileTypeId(profileTypeId)
  const types = sampleTypes(profile)
  if (!types.some((st) => st.type === t.sampleType && st.unit === t.sampleUnit)) {
    throw new Error(
      `baseline profile has sample types ${types.map((st) => `${st.type}:${st.unit}`).join(', ') || '(none)'}, expected ${t.sampleType}:${t.sampleUnit} for ${profileTypeId}`
    )
  }
  let out = restampProfile(profile, timeNanos)
  if (out.durationNanos <= 0n || out.durationNanos > MAX_PLAUSIBLE_DURATION_NS) out = { ...out, durationNanos: 10_000_000_000n }
  if (!out.periodType && t.periodType) {
    const table = [...out.stringTable]
    const periodType = { type: internString(table, t.periodType), unit: internString(table, t.periodUnit) }
    out = { ...out, stringTable: table, periodType }
  }
  return out
}

/** Labels for a pushed baseline series: service_name, __name__, __delta__ and the baseline marker. */
export function baselineLabels(service: string, profileTypeId: string, label: { name: string; value: string }): Record<string, string> {
  if (!service) throw new Error('baseline upload: service name is empty (the server requires service_name)')
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label.name) || label.name.startsWith('__')) {
    throw new Error(`baseline upload: label name ${JSON.stringify(label.name)} is not a valid user label name`)
  }
  return {
    // the server requires a valid metric name in __name__: the profile name part of the type ID
    __name__: parseProfileTypeId(profileTypeId).name,
    // JFR-derived profiles are already deltas; stop the server from diffing consecutive uploads
    __delta__: 'false',
    service_name: service,
    [label.name]: label.value
  }
}

/**
 * Restamps each profile to `now - ageMs`, pushes them all in one request and returns the window
 * to query them in ([stamp - 1 s, now + 1 s]: narrow so that the current run's data is not in it
 * by accident, even if its selector forgets the baseline label).
 */
export async function uploadBaselineProfiles(
  client: { push(series: readonly PushSeries[]): Promise<void> },
  items: readonly BaselineItem[],
  opts: UploadOptions
): Promise<UploadResult> {
  const ageMs = opts.ageMs ?? 60_000
  if (ageMs < 0 || ageMs > 50 * 60_000) throw new Error(`baseline upload: ageMs ${ageMs} is outside the server's 1 h ingestion window`)
  const stampMs = Math.floor(opts.now - ageMs)
  const timeNanos = BigInt(stampMs) * 1_000_000n
  const series: PushSeries[] = []
  const uploaded: UploadResult['uploaded'] = []
  for (const item of items) {
    const labels = baselineLabels(item.service, item.profileTypeId, opts.label)
    let profile: Profile
    try {
      profile = prepareBaselineProfile(decodeProfile(item.pprofGzip), item.profileTypeId, timeNanos)
    } catch (err) {
      throw new Error(`baseline upload ${item.service}/${item.kind}: ${(err as Error).message}`)
    }
    series.push({ labels, profileGzip: gzip(encodeProfile(profile)) })
    uploaded.push({ service: item.service, kind: item.kind, profileTypeId: item.profileTypeId, labels })
  }
  await client.push(series)
  return { window: { from: stampMs - 1_000, until: Math.ceil(opts.now) + 1_000 }, uploaded }
}

/**
 * Polls render until the uploaded profile is visible (total > 0): the v2 write path makes data
 * queryable only after a segment flush (≈ 1 s). Throws after `timeoutMs`.
 */
export async function waitQueryable(
  client: { render(opts: QuerySide & { maxNodes: number }): Promise<Flamegraph> },
  opts: QuerySide & { timeoutMs?: number; intervalMs?: number; maxNodes?: number }
): Promise<Flamegraph> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const intervalMs = opts.intervalMs ?? 500
  const started = Date.now()
  for (let polls = 1; ; polls++) {
    const fg = await client.render({
      profileTypeId: opts.profileTypeId,
      selector: opts.selector,
      window: opts.window,
      maxNodes: opts.maxNodes ?? 8192
    })
    if (fg.total > 0) return fg
    const elapsed = Date.now() - started
    if (elapsed + intervalMs > timeoutMs) {
      throw new Error(
        `uploaded profile ${opts.profileTypeId}${opts.selector} not queryable after ${elapsed} ms (${polls} polls, window ${opts.window.from}..${opts.window.until})`
      )
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
