// Workflow annotations for the worst findings. Plain text (annotations render no markdown); the
// caller hands them to @actions/core, which escapes them for the workflow command. Here they are kept
// on one line and bounded in length.
import { toSingleLine, truncateEnd, truncateMiddle } from './escape.js'
import { formatDeltaPp, formatShare } from './format.js'
import { flatFunctions, type JsonReport } from './json.js'

export const MAX_ANNOTATIONS = 10

export interface AnnotationSpec {
  level: 'error' | 'warning' | 'notice'
  title: string
  message: string
}

function line(s: string, max: number): string {
  return truncateEnd(toSingleLine(s), max)
}

/**
 * Missing-data failures first (errors), then regressions and new hotspots by delta, largest first:
 * errors when they fail the gate, warnings when fail-on lets them pass. At most `limit`.
 */
export function buildAnnotations(report: JsonReport, limit = MAX_ANNOTATIONS): AnnotationSpec[] {
  const failures: AnnotationSpec[] = report.failures.map((f) => ({
    level: 'error',
    title: line(`${report.gateName}: missing profiling data`, 200),
    message: line(f, 1000)
  }))
  const regressions: AnnotationSpec[] = flatFunctions(report)
    .filter((f) => f.verdict === 'regression' || f.verdict === 'new-hotspot')
    .sort((a, b) => Number(b.failing) - Number(a.failing) || b.delta - a.delta)
    .map((f) => ({
      level: f.failing ? 'error' : 'warning',
      title: line(`${report.gateName}: ${f.verdict === 'new-hotspot' ? 'new hotspot' : 'regression'} in ${f.service} (${f.kind})`, 200),
      message: line(
        `${truncateMiddle(f.function, 300)}: ${formatShare(f.baselineShare)} → ${formatShare(f.currentShare)} ${f.metric} (${formatDeltaPp(f.delta)}). ${f.evidence.reason}`,
        1000
      )
    }))
  return [...failures, ...regressions].slice(0, Math.max(0, limit))
}
