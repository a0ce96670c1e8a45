// Links into the Pyroscope UI for the exact baseline and current windows (UI routes `/comparison` and
// `/comparison-diff`, docs/pyroscope-api.md §2.1; times as Unix ms, §4.4).
import type { TimeWindow } from '../model.js'

export type ComparisonView = 'comparison' | 'comparison-diff'

export interface ComparisonTarget {
  profileTypeId: string
  service: string
  baseline: TimeWindow
  current: TimeWindow
}

/** `<profileTypeId>{service_name="<service>"}` with the label value quoted as PromQL expects. */
export function serviceQuery(profileTypeId: string, service: string): string {
  return `${profileTypeId}{service_name="${service.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}`
}

/** The UI URL, or undefined without a browser-reachable base URL. */
export function pyroscopeComparisonUrl(uiBaseUrl: string | undefined, target: ComparisonTarget, view: ComparisonView): string | undefined {
  if (uiBaseUrl === undefined) return undefined
  let url: URL
  try {
    url = new URL(view, uiBaseUrl.endsWith('/') ? uiBaseUrl : `${uiBaseUrl}/`)
  } catch {
    return undefined
  }
  const query = serviceQuery(target.profileTypeId, target.service)
  const params = new URLSearchParams({
    query,
    // the timeline on top spans both windows
    from: String(Math.min(target.baseline.from, target.current.from)),
    until: String(Math.max(target.baseline.until, target.current.until)),
    leftQuery: query,
    leftFrom: String(target.baseline.from),
    leftUntil: String(target.baseline.until),
    rightQuery: query,
    rightFrom: String(target.current.from),
    rightUntil: String(target.current.until)
  })
  url.search = params.toString()
  return url.href
}
