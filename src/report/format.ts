// Number formatting shared by every report, so a share reads the same in the comment, the SVG and the
// HTML page. Shares are fractions (0..1); they are shown in percent, deltas in percentage points.
// Precision: 1 decimal from 1 unit up, 2 below (a 0.25 % function must not read as 0.3 %).

function fixed(value: number): string {
  const abs = Math.abs(value)
  return abs >= 1 || abs === 0 ? value.toFixed(1) : value.toFixed(2)
}

/** `12.3 %`, `0.25 %`; `–` when the function was below the cut-off on that side. */
export function formatShare(share: number | undefined | null): string {
  if (share === undefined || share === null || !Number.isFinite(share)) return '–'
  return `${fixed(share * 100)} %`
}

/** `+4.1 pp`, `-0.35 pp`, `+0.0 pp`. */
export function formatDeltaPp(delta: number): string {
  if (!Number.isFinite(delta)) return '–'
  const text = fixed(delta * 100)
  return `${delta >= 0 && !text.startsWith('-') ? '+' : ''}${text} pp`
}

/** Relative change of a rate: `+12.3 %`; `new` for an infinite (from zero) change; `–` when unknown. */
export function formatRelative(relative: number | undefined | null): string {
  if (relative === undefined || relative === null || Number.isNaN(relative)) return '–'
  if (!Number.isFinite(relative)) return relative > 0 ? 'new' : '–'
  const text = fixed(relative * 100)
  return `${relative >= 0 && !text.startsWith('-') ? '+' : ''}${text} %`
}

/** Relative change from a to b, undefined when either is unknown or a is 0. */
export function relativeChange(a: number | undefined | null, b: number | undefined | null): number | undefined {
  if (a === undefined || a === null || b === undefined || b === null || a === 0) return undefined
  return b / a - 1
}

/** A plain number with a bounded number of decimals: `1234.5`, `0.123`. */
export function formatNumber(value: number, decimals = 1): string {
  if (!Number.isFinite(value)) return '–'
  return Number.isInteger(value) ? String(value) : value.toFixed(decimals)
}

/** Unix ms as an ISO-8601 UTC timestamp without milliseconds. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? '–' : date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Duration in seconds between two Unix ms timestamps: `300 s`. */
export function formatDuration(fromMs: number, untilMs: number): string {
  return `${formatNumber((untilMs - fromMs) / 1000, 0)} s`
}
