// The versioned JSON report: the one report model every text renderer reads. It is written into the
// output directory, and the comment stage of the fork-safe workflow reads it back from an untrusted
// artifact (`parseJsonReport`) and renders the comment from it — so it holds everything the comment
// shows, and nothing in it is trusted: renderers escape every string, and URLs must be http(s).
import { formatZodIssues } from '../zod-issues.js'
import { z } from 'zod'
import {
  KindSchema,
  LoadResultSchema,
  SnapshotSchema,
  WindowSchema,
  type Comparison,
  type FunctionComparison,
  type KindComparison,
  type Snapshot
} from '../model.js'
import { safeLinkUrl } from './escape.js'
import type { ReportInput } from './model.js'

export const JSON_REPORT_SCHEMA_VERSION = 1

/** JSON cannot hold Infinity or NaN (they become null): such numbers are nullable. */
const maybeFinite = z.number().nullable()
const share = z.number().min(0).max(1)
// the same test the renderers apply (z.httpUrl() would reject hosts like `localhost`)
const httpUrl = z.string().refine((url) => safeLinkUrl(url) !== undefined, { message: 'expected an http(s) URL' })

const FunctionReportSchema = z.object({
  function: z.string(),
  metric: z.enum(['self', 'total']),
  baselineShare: share.optional(),
  currentShare: share.optional(),
  delta: z.number(),
  /** null when infinite (a new function) or undefined */
  relativeDelta: maybeFinite,
  evidence: z.object({
    test: z.string(),
    z: maybeFinite,
    pValue: maybeFinite,
    adjustedP: maybeFinite,
    reason: z.string()
  }),
  verdict: z.enum(['regression', 'new-hotspot', 'improvement', 'unchanged', 'missing']),
  threshold: z.number(),
  failing: z.boolean(),
  via: z.string().optional(),
  /** a flagged increase that does not fail: its service's total of the kind fell by more (fraction, p) */
  offset: z.object({ totalChange: z.number(), pValue: z.number() }).optional()
})
export type FunctionReport = z.infer<typeof FunctionReportSchema>

const KindReportSchema = z.object({
  service: z.string(),
  kind: KindSchema,
  profileTypeId: z.string(),
  status: z.enum(['compared', 'missing-baseline', 'missing-current', 'ignored']),
  optional: z.boolean(),
  source: z.enum(['snapshot', 'server-diff']),
  baselineTotalPerSecond: z.number().optional(),
  currentTotalPerSecond: z.number().optional(),
  truncatedShare: z.object({ baseline: share.optional(), current: share.optional() }),
  warnings: z.array(z.string()),
  functions: z.array(FunctionReportSchema)
})
export type KindReport = z.infer<typeof KindReportSchema>

const SideWindowSchema = z.object({ window: WindowSchema, replicates: z.array(WindowSchema) })

const ArtifactPathsSchema = z.object({
  svg: z.string().optional(),
  html: z.string().optional(),
  json: z.string().optional()
})

export const VerdictSchema = z.enum(['pass', 'warn', 'fail'])
/** pass: nothing to report; warn: regressions that do not fail the gate (fail-on); fail: the gate fails. */
export type ReportVerdict = z.infer<typeof VerdictSchema>

export const JsonReportSchema = z.object({
  schemaVersion: z.literal(JSON_REPORT_SCHEMA_VERSION),
  gateName: z.string().min(1),
  mode: z.enum(['gate', 'comment']),
  failOn: z.string(),
  verdict: VerdictSchema,
  passed: z.boolean(),
  counts: z.object({
    regressions: z.number().int().nonnegative(),
    newHotspots: z.number().int().nonnegative(),
    improvements: z.number().int().nonnegative(),
    missing: z.number().int().nonnegative(),
    /** functions whose verdict fails the gate under fail-on */
    failing: z.number().int().nonnegative(),
    /** services with at least one failing function */
    failingServices: z.number().int().nonnegative()
  }),
  failures: z.array(z.string()),
  warnings: z.array(z.string()),
  kinds: z.array(KindReportSchema),
  windows: z.object({ baseline: SideWindowSchema, current: SideWindowSchema }),
  load: z.object({ baseline: LoadResultSchema.optional(), current: LoadResultSchema.optional() }),
  provenance: z.object({ baseline: SnapshotSchema.shape.provenance, current: SnapshotSchema.shape.provenance }),
  links: z.object({ runUrl: httpUrl.optional(), pyroscopeUiUrl: httpUrl.optional(), artifactUrl: httpUrl.optional() }),
  /** keyed by `${service}/${kind}`, paths relative to the output directory */
  artifacts: z.record(z.string(), ArtifactPathsSchema)
})
export type JsonReport = z.infer<typeof JsonReportSchema>

export class JsonReportError extends Error {}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null
}

function functionReport(f: FunctionComparison): FunctionReport {
  return {
    function: f.function,
    metric: f.metric,
    ...(f.baselineShare === undefined ? {} : { baselineShare: f.baselineShare }),
    ...(f.currentShare === undefined ? {} : { currentShare: f.currentShare }),
    delta: f.delta,
    relativeDelta: finiteOrNull(f.relativeDelta),
    evidence: {
      test: f.evidence.test,
      z: finiteOrNull(f.evidence.z),
      pValue: finiteOrNull(f.evidence.pValue),
      adjustedP: finiteOrNull(f.evidence.adjustedP),
      reason: f.evidence.reason
    },
    verdict: f.verdict,
    threshold: f.threshold,
    failing: f.failing,
    ...(f.via ? { via: f.via } : {}),
    ...(f.offset ? { offset: { ...f.offset } } : {})
  }
}

function kindReport(k: KindComparison): KindReport {
  return {
    service: k.service,
    kind: k.kind,
    profileTypeId: k.profileTypeId,
    status: k.status,
    optional: k.optional,
    source: k.source,
    ...(k.baselineTotalPerSecond === undefined ? {} : { baselineTotalPerSecond: k.baselineTotalPerSecond }),
    ...(k.currentTotalPerSecond === undefined ? {} : { currentTotalPerSecond: k.currentTotalPerSecond }),
    truncatedShare: {
      ...(k.truncatedShare.baseline === undefined ? {} : { baseline: k.truncatedShare.baseline }),
      ...(k.truncatedShare.current === undefined ? {} : { current: k.truncatedShare.current })
    },
    warnings: [...k.warnings],
    functions: k.functions.map(functionReport)
  }
}

function isFlagged(f: { verdict: string }): boolean {
  return f.verdict === 'regression' || f.verdict === 'new-hotspot'
}

/** The gate's verdict as the reports state it. */
export function reportVerdict(comparison: Pick<Comparison, 'passed' | 'kinds'>): ReportVerdict {
  if (!comparison.passed) return 'fail'
  return comparison.kinds.some((k) => k.functions.some(isFlagged)) ? 'warn' : 'pass'
}

function sideWindow(snapshot: Snapshot): JsonReport['windows']['baseline'] {
  return { window: { ...snapshot.window }, replicates: snapshot.replicates.map((w) => ({ ...w })) }
}

function links(input: ReportInput): JsonReport['links'] {
  // a URL that is not plain http(s) is dropped here rather than making the report invalid
  const entries = Object.entries({ runUrl: input.runUrl, pyroscopeUiUrl: input.pyroscopeUiUrl, artifactUrl: input.artifactUrl })
  return Object.fromEntries(entries.filter(([, url]) => safeLinkUrl(url) !== undefined))
}

export function buildJsonReport(input: ReportInput): JsonReport {
  const { comparison, baseline, current } = input
  const failingServices = new Set<string>()
  let failing = 0
  for (const k of comparison.kinds)
    for (const f of k.functions)
      if (f.failing) {
        failing++
        failingServices.add(k.service)
      }
  return {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    gateName: input.gateName,
    mode: input.mode,
    failOn: input.failOn,
    verdict: reportVerdict(comparison),
    passed: comparison.passed,
    counts: { ...comparison.counts, failing, failingServices: failingServices.size },
    failures: [...comparison.failures],
    warnings: [...comparison.warnings],
    kinds: comparison.kinds.map(kindReport),
    windows: { baseline: sideWindow(baseline), current: sideWindow(current) },
    load: {
      ...(baseline.load === undefined ? {} : { baseline: baseline.load }),
      ...(current.load === undefined ? {} : { current: current.load })
    },
    provenance: { baseline: baseline.provenance, current: current.provenance },
    links: links(input),
    artifacts: { ...input.artifacts }
  }
}

/** Validates a JSON report read back from a file or artifact; errors name the field path. */
export function parseJsonReport(json: unknown, source = 'JSON report'): JsonReport {
  const parsed = JsonReportSchema.safeParse(json)
  if (parsed.success) return parsed.data
  throw new JsonReportError(`${source}: not a profile-gate JSON report v${JSON_REPORT_SCHEMA_VERSION} (${formatZodIssues(parsed.error, 3)})`)
}

/** Every function comparison with its service and kind, in report order. */
export interface FlatFunction extends FunctionReport {
  service: string
  kind: KindReport['kind']
}

export function flatFunctions(report: JsonReport): FlatFunction[] {
  return report.kinds.flatMap((k) => k.functions.map((f) => ({ ...f, service: k.service, kind: k.kind })))
}
