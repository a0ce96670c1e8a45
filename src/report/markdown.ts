// The markdown building blocks of the PR comment and the job summary. Both documents are the same
// blocks fitted to different budgets (comment.ts, summary.ts); every untrusted string goes through
// escape.ts here.
import type { EndpointLoad } from '../model.js'
import type { Block, Cuts } from './budget.js'
import { escapeInline, escapeMarkdownCell, markdownCode, markdownLink } from './escape.js'
import { formatDeltaPp, formatDuration, formatNumber, formatRelative, formatShare, formatTimestamp, relativeChange } from './format.js'
import { flatFunctions, type FlatFunction, type FunctionReport, type JsonReport, type KindReport } from './json.js'
import { artifactKey } from './model.js'
import { pyroscopeComparisonUrl, type ComparisonView } from './pyroscope-links.js'

export interface BlockOptions {
  /** rows per kind in the per-service details tables */
  maxDetailRows: number
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

function isFlagged(f: FunctionReport): boolean {
  return f.verdict === 'regression' || f.verdict === 'new-hotspot'
}

function tableHead(columns: string[]): string {
  return `| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

function moreTableRow(columns: number, what: string): (omitted: number) => string {
  return (omitted) => tableRow([`… ${plural(omitted, what)} more in the full report`, ...Array<string>(columns - 1).fill('')])
}

const VERDICT_LABEL: Record<FunctionReport['verdict'], string> = {
  regression: 'regression',
  'new-hotspot': 'new hotspot',
  improvement: 'improvement',
  unchanged: 'unchanged',
  missing: 'missing'
}

function verdictCell(f: FunctionReport): string {
  if (f.failing) return `❌ ${VERDICT_LABEL[f.verdict]}`
  if (isFlagged(f) && f.offset !== undefined) return `⚠️ ${VERDICT_LABEL[f.verdict]} (offset)`
  if (isFlagged(f)) return `⚠️ ${VERDICT_LABEL[f.verdict]}`
  if (f.verdict === 'improvement') return `🟢 ${VERDICT_LABEL[f.verdict]}`
  if (f.verdict === 'missing') return `❔ ${VERDICT_LABEL[f.verdict]}`
  return VERDICT_LABEL[f.verdict]
}

/** Failing first, then by delta, largest growth first; ties by name for a stable order. */
function byWorst(a: FunctionReport, b: FunctionReport): number {
  return Number(b.failing) - Number(a.failing) || b.delta - a.delta || (a.function < b.function ? -1 : a.function > b.function ? 1 : 0)
}

// ---- verdict ----------------------------------------------------------------------------------

function flaggedSummary(functions: FlatFunction[]): string {
  const services = new Set(functions.map((f) => f.service))
  const hot = functions.filter((f) => f.verdict === 'new-hotspot').length
  const parts = [functions.length - hot > 0 ? plural(functions.length - hot, 'regression') : '', hot > 0 ? plural(hot, 'new hotspot') : ''].filter(Boolean)
  return `${parts.join(' and ')} in ${plural(services.size, 'service')}`
}

/** The one-line verdict that opens both documents. */
export function verdictLine(report: JsonReport): string {
  const functions = flatFunctions(report)
  const failing = functions.filter((f) => f.failing)
  const flagged = functions.filter(isFlagged)
  const gate = escapeInline(report.gateName, 100)
  if (report.verdict === 'fail' && report.failures.length > 0) {
    const also = failing.length > 0 ? `, and ${flaggedSummary(failing)}` : ''
    return `❌ **${gate}: missing data** — ${plural(report.failures.length, 'check')} could not run${also}`
  }
  if (report.verdict === 'fail') return `❌ **${gate}: ${flaggedSummary(failing)}**`
  if (report.verdict === 'warn' && flagged.every((f) => f.offset !== undefined))
    return `⚠️ **${gate}: ${flaggedSummary(flagged)}, each offset by a larger fall of its service's total** (a net improvement: not failing)`
  if (report.verdict === 'warn')
    return `⚠️ **${gate}: warn-only, ${flaggedSummary(flagged)}** (fail-on ${markdownCode(report.failOn, 50)} does not fail the gate)`
  const improvements = functions.filter((f) => f.verdict === 'improvement').length
  return `✅ **${gate}: no regressions**${improvements > 0 ? ` (${plural(improvements, 'improvement')})` : ''}`
}

// ---- failures ---------------------------------------------------------------------------------

function failuresBlock(report: JsonReport): Block | undefined {
  if (report.failures.length === 0) return undefined
  return {
    head: '### ❌ Missing data: the gate failed closed',
    rows: report.failures.map((f) => `- ${escapeInline(f)}`),
    moreRow: (n) => `- … ${plural(n, 'failure')} more in the full report`
  }
}

// ---- links ------------------------------------------------------------------------------------

function kindUiUrl(report: JsonReport, kind: KindReport, view: ComparisonView): string | undefined {
  return pyroscopeComparisonUrl(
    report.links.pyroscopeUiUrl,
    { profileTypeId: kind.profileTypeId, service: kind.service, baseline: report.windows.baseline.window, current: report.windows.current.window },
    view
  )
}

/** Links of one service/kind: the Pyroscope UI views and the diff flame graph files. */
function kindLinks(report: JsonReport, kind: KindReport, compact: boolean): string[] {
  const links: string[] = []
  const comparison = kindUiUrl(report, kind, 'comparison')
  const diff = kindUiUrl(report, kind, 'comparison-diff')
  if (comparison !== undefined && !compact) links.push(markdownLink('Pyroscope comparison', comparison))
  if (diff !== undefined) links.push(markdownLink(compact ? 'Pyroscope' : 'Pyroscope diff', diff))
  const files = report.artifacts[artifactKey(kind.service, kind.kind)]
  if (files !== undefined) {
    const paths = [files.html, files.svg, files.json].filter((p): p is string => p !== undefined)
    if (report.links.artifactUrl !== undefined && paths.length > 0) links.push(markdownLink('flame graph', report.links.artifactUrl))
    if (!compact || report.links.artifactUrl === undefined) links.push(...paths.slice(0, compact ? 1 : 3).map((p) => markdownCode(p, 120)))
  }
  return links
}

// ---- regressions and improvements -------------------------------------------------------------

function kindIndex(report: JsonReport): Map<string, KindReport> {
  return new Map(report.kinds.map((k) => [artifactKey(k.service, k.kind), k]))
}

function regressionsBlock(report: JsonReport): Block | undefined {
  const flagged = flatFunctions(report).filter(isFlagged).sort(byWorst)
  if (flagged.length === 0) return undefined
  const kinds = kindIndex(report)
  const columns = ['', 'Service', 'Kind', 'Function', 'Baseline', 'Current', 'Delta', 'Why it counts', 'Views']
  return {
    head: `### Regressions and new hotspots\n\n${tableHead(columns)}`,
    rows: flagged.map((f) => {
      const kind = kinds.get(artifactKey(f.service, f.kind))
      return tableRow([
        verdictCell(f),
        escapeMarkdownCell(f.service, 80),
        escapeMarkdownCell(f.kind),
        f.via ? `${markdownCode(f.function)} via ${markdownCode(f.via)}` : markdownCode(f.function),
        formatShare(f.baselineShare),
        formatShare(f.currentShare),
        `**${formatDeltaPp(f.delta)}**`,
        escapeMarkdownCell(f.evidence.reason, 300),
        kind === undefined ? '' : kindLinks(report, kind, true).join(' · ')
      ])
    }),
    moreRow: moreTableRow(columns.length, 'regression')
  }
}

function improvementsBlock(report: JsonReport): Block | undefined {
  const improvements = flatFunctions(report)
    .filter((f) => f.verdict === 'improvement')
    .sort((a, b) => a.delta - b.delta)
  if (improvements.length === 0) return undefined
  const columns = ['Service', 'Kind', 'Function', 'Baseline → current', 'Delta']
  return {
    head: `### Improvements\n\n${tableHead(columns)}`,
    rows: improvements.map((f) =>
      tableRow([
        escapeMarkdownCell(f.service, 80),
        escapeMarkdownCell(f.kind),
        markdownCode(f.function),
        `${formatShare(f.baselineShare)} → ${formatShare(f.currentShare)}`,
        formatDeltaPp(f.delta)
      ])
    ),
    moreRow: moreTableRow(columns.length, 'improvement')
  }
}

// ---- context: provenance, windows, load -------------------------------------------------------

type Provenance = JsonReport['provenance']['baseline']

function sideContext(label: string, provenance: Provenance, window: { from: number; until: number }): string {
  const parts = [`**${label}**`]
  if (provenance.commit !== undefined) parts.push(`commit ${markdownCode(provenance.commit.slice(0, 12), 12)}`)
  if (provenance.ref !== undefined) parts.push(`on ${markdownCode(provenance.ref, 80)}`)
  parts.push(`recorded ${escapeInline(provenance.createdAt, 40)}`)
  parts.push(`window ${formatTimestamp(window.from)} + ${formatDuration(window.from, window.until)}`)
  return parts.join(' ')
}

function contextBlock(report: JsonReport): Block {
  const lines = [
    `- ${sideContext('Baseline:', report.provenance.baseline, report.windows.baseline.window)}`,
    `- ${sideContext('Current:', report.provenance.current, report.windows.current.window)}`
  ]
  if (report.warnings.length > 0) lines.push(...report.warnings.map((w) => `- ⚠️ ${escapeInline(w)}`))
  return { head: lines.join('\n') }
}

function endpointKey(e: EndpointLoad): string {
  return JSON.stringify([e.service, e.name, e.method, e.path])
}

function change(a: number | undefined, b: number | undefined, decimals: number): string {
  const show = (v: number | undefined): string => (v === undefined ? '–' : formatNumber(v, decimals))
  const relative = relativeChange(a, b)
  return `${show(a)} → ${show(b)}${relative === undefined ? '' : ` (${formatRelative(relative)})`}`
}

function loadBlock(report: JsonReport): Block | undefined {
  const { baseline, current } = report.load
  if (baseline === undefined && current === undefined) return undefined
  const columns = ['Endpoint', 'Throughput (req/s)', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'Errors']
  const rows = [
    tableRow([
      '**all**',
      change(baseline?.throughput, current?.throughput, 1),
      '–',
      '–',
      '–',
      change(baseline?.errors, current?.errors, 0)
    ])
  ]
  const left = new Map((baseline?.endpoints ?? []).map((e) => [endpointKey(e), e]))
  const right = new Map((current?.endpoints ?? []).map((e) => [endpointKey(e), e]))
  for (const key of new Set([...left.keys(), ...right.keys()])) {
    const b = left.get(key)
    const c = right.get(key)
    const e = (c ?? b) as EndpointLoad
    rows.push(
      tableRow([
        `${escapeMarkdownCell(e.service, 60)} ${escapeMarkdownCell(e.name, 60)} ${markdownCode(`${e.method} ${e.path}`, 100)}`,
        change(b?.throughput, c?.throughput, 1),
        change(b?.latencyMs.p50, c?.latencyMs.p50, 1),
        change(b?.latencyMs.p95, c?.latencyMs.p95, 1),
        change(b?.latencyMs.p99, c?.latencyMs.p99, 1),
        change(b?.errors, c?.errors, 0)
      ])
    )
  }
  return { head: `### Load (baseline → current)\n\n${tableHead(columns)}`, rows, moreRow: moreTableRow(columns.length, 'endpoint') }
}

// ---- per-service details ----------------------------------------------------------------------

const STATUS_TEXT: Record<KindReport['status'], string> = {
  compared: '',
  'missing-baseline': '❌ no baseline data',
  'missing-current': '❌ no current data',
  ignored: 'ignored'
}

function kindSection(report: JsonReport, kind: KindReport, options: BlockOptions): string[] {
  const facts = [`**${escapeMarkdownCell(kind.kind)}** ${markdownCode(kind.profileTypeId, 100)}`]
  if (kind.status !== 'compared') facts.push(`${STATUS_TEXT[kind.status]}${kind.optional ? ' (optional)' : ''}`)
  const rate = relativeChange(kind.baselineTotalPerSecond, kind.currentTotalPerSecond)
  if (rate !== undefined) facts.push(`total rate ${formatRelative(rate)}`)
  const truncated = kind.truncatedShare
  if (truncated.baseline !== undefined || truncated.current !== undefined)
    facts.push(`truncated ${formatShare(truncated.baseline)} → ${formatShare(truncated.current)}`)
  if (kind.source === 'server-diff') facts.push('compared on the server')
  facts.push(...kindLinks(report, kind, false))
  const lines = [facts.join(' · ')]
  for (const w of kind.warnings) lines.push('', `> ⚠️ ${escapeInline(w)}`)
  if (kind.functions.length > 0) {
    const columns = ['Verdict', 'Function', 'Metric', 'Baseline', 'Current', 'Delta', 'Threshold', 'Why']
    const sorted = [...kind.functions].sort((a, b) => Number(isFlagged(b)) - Number(isFlagged(a)) || byWorst(a, b))
    const shown = sorted.slice(0, options.maxDetailRows)
    lines.push('', tableHead(columns))
    for (const f of shown)
      lines.push(
        tableRow([
          verdictCell(f),
          markdownCode(f.function),
          f.metric,
          formatShare(f.baselineShare),
          formatShare(f.currentShare),
          formatDeltaPp(f.delta),
          formatShare(f.threshold),
          escapeMarkdownCell(f.evidence.reason, 300)
        ])
      )
    if (shown.length < sorted.length) lines.push(moreTableRow(columns.length, 'function')(sorted.length - shown.length))
  }
  return lines
}

function serviceHeadline(kinds: KindReport[]): string {
  const functions = kinds.flatMap((k) => k.functions)
  const parts: string[] = []
  const missing = kinds.filter((k) => k.status === 'missing-baseline' || k.status === 'missing-current').length
  const flagged = functions.filter(isFlagged).length
  const improvements = functions.filter((f) => f.verdict === 'improvement').length
  if (missing > 0) parts.push(`${plural(missing, 'kind')} missing`)
  if (flagged > 0) parts.push(plural(flagged, 'regression'))
  if (improvements > 0) parts.push(plural(improvements, 'improvement'))
  return parts.length > 0 ? parts.join(', ') : 'no changes'
}

function detailsBlocks(report: JsonReport, options: BlockOptions): Block[] {
  const byService = new Map<string, KindReport[]>()
  for (const k of report.kinds) byService.set(k.service, [...(byService.get(k.service) ?? []), k])
  return [...byService].map(([service, kinds]) => ({
    // a blank line after <summary> and before </details> lets GitHub render the markdown inside
    head: [
      `<details><summary><b>${escapeMarkdownCell(service, 80)}</b>: ${serviceHeadline(kinds)}</summary>`,
      '',
      ...kinds.flatMap((k) => ['', ...kindSection(report, k, options)]),
      '',
      '</details>'
    ].join('\n'),
    droppable: true
  }))
}

// ---- document ---------------------------------------------------------------------------------

/** All blocks in document order, the verdict line first. */
export function reportBlocks(report: JsonReport, options: BlockOptions): Block[] {
  const blocks: (Block | undefined)[] = [
    { head: verdictLine(report) },
    failuresBlock(report),
    regressionsBlock(report),
    contextBlock(report),
    improvementsBlock(report),
    loadBlock(report),
    ...detailsBlocks(report, options)
  ]
  return blocks.filter((b): b is Block => b !== undefined)
}

/** The closing line: the run, and when anything was cut, where the full report is. */
export function reportFooter(report: JsonReport, cuts: Cuts, fullReport: string): string {
  const parts = [`<sub>profile-gate · mode ${escapeInline(report.mode)} · fail-on ${markdownCode(report.failOn, 50)}`]
  if (report.links.runUrl !== undefined) parts.push(markdownLink('workflow run', report.links.runUrl))
  if (report.links.artifactUrl !== undefined) parts.push(markdownLink('report artifact', report.links.artifactUrl))
  const line = `${parts.join(' · ')}</sub>`
  if (cuts.droppedBlocks === 0 && cuts.omittedRows === 0) return line
  const cut = [cuts.droppedBlocks > 0 ? plural(cuts.droppedBlocks, 'details section') : '', cuts.omittedRows > 0 ? plural(cuts.omittedRows, 'row') : '']
    .filter((s) => s !== '')
    .join(' and ')
  return `✂️ **Shortened to fit:** ${cut} left out. ${fullReport}\n\n${line}`
}
