// The data that flows between the pipeline's stages, named once (see README "Architecture").
// Every shape that crosses a file or network boundary has a zod schema; the rest are plain types.
import { z } from 'zod'

/** Profile kinds the gate knows; each maps to one discovered Pyroscope profile type ID. */
export const KINDS = ['cpu', 'alloc', 'mutex', 'wall', 'block'] as const
export const KindSchema = z.enum(KINDS)
export type Kind = z.infer<typeof KindSchema>

/** One function's share of a profile. Shares are fractions of the profile total (0..1). */
export const FunctionStatSchema = z.object({
  name: z.string().min(1),
  /** exclusive value, in the profile's unit */
  self: z.number().nonnegative(),
  /** inclusive value counted once per stack (recursion-safe) */
  total: z.number().nonnegative(),
  selfShare: z.number().min(0).max(1),
  totalShare: z.number().min(0).max(1),
  /** self value in each replicate window, aligned with KindSnapshot.replicateTotals */
  replicateSelf: z.array(z.number().nonnegative()).optional(),
  /** total value in each replicate window, aligned with KindSnapshot.replicateTotals */
  replicateTotal: z.array(z.number().nonnegative()).optional()
})
export type FunctionStat = z.infer<typeof FunctionStatSchema>

/** The decoded statistics of one flame graph (pure result of profile/functions.ts). */
export interface ProfileStats {
  /** root total (sum of all self values) */
  total: number
  /** share of the total folded into `other` by server-side truncation */
  truncatedShare: number
  /** every real function (never `other`), sorted by self desc, then name */
  functions: FunctionStat[]
  nodeCount: number
}

export const ProfileFileSchema = z.object({
  /** path relative to the baseline directory */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative()
})
export type ProfileFile = z.infer<typeof ProfileFileSchema>

export const KindSnapshotSchema = z.object({
  profileTypeId: z.string().min(1),
  /** sample unit from the profile type ID (nanoseconds, bytes, count) */
  unit: z.string(),
  total: z.number().nonnegative(),
  /** profile total per second of the measured window: the work rate */
  totalPerSecond: z.number().nonnegative(),
  truncatedShare: z.number().min(0).max(1),
  /** totals of the replicate sub-windows (used to estimate run noise) */
  replicateTotals: z.array(z.number().nonnegative()),
  /** smallest self share that was recorded: functions absent from `functions` are below it */
  cutoffShare: z.number().min(0).max(1),
  functions: z.array(FunctionStatSchema),
  /** full merged pprof kept beside the baseline for server-side diffs (issue 5) */
  profile: ProfileFileSchema.optional()
})
export type KindSnapshot = z.infer<typeof KindSnapshotSchema>

export const LatencySchema = z.object({
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative()
})

export const EndpointLoadSchema = z.object({
  service: z.string(),
  name: z.string(),
  method: z.string(),
  path: z.string(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  throughput: z.number().nonnegative(),
  /** milliseconds */
  latencyMs: LatencySchema
})
export type EndpointLoad = z.infer<typeof EndpointLoadSchema>

export const LoadResultSchema = z.object({
  /** Unix ms of the measured phase */
  startedAt: z.number().int(),
  endedAt: z.number().int(),
  mode: z.enum(['rate', 'concurrency', 'command']),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  throughput: z.number().nonnegative(),
  endpoints: z.array(EndpointLoadSchema)
})
export type LoadResult = z.infer<typeof LoadResultSchema>

export const WindowSchema = z
  .object({ from: z.number().int().positive(), until: z.number().int().positive() })
  .refine((w) => w.until > w.from, { message: 'window.until must be after window.from' })
export type TimeWindow = z.infer<typeof WindowSchema>

export const SNAPSHOT_SCHEMA_VERSION = 1

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  provenance: z.object({
    tool: z.string(),
    createdAt: z.string(),
    commit: z.string().optional(),
    ref: z.string().optional(),
    runUrl: z.string().optional(),
    serverVersion: z.string().optional(),
    pyroscopeUrl: z.string().optional(),
    /** the settings that shape the numbers (load, window, topN, labels), for reproducibility */
    settings: z.record(z.string(), z.unknown()),
    note: z.string().optional()
  }),
  window: WindowSchema,
  /** replicate sub-windows inside `window`, in order */
  replicates: z.array(WindowSchema),
  services: z.record(z.string(), z.partialRecord(KindSchema, KindSnapshotSchema)),
  load: LoadResultSchema.optional()
})
export type Snapshot = z.infer<typeof SnapshotSchema>

export type Verdict = 'regression' | 'new-hotspot' | 'improvement' | 'unchanged' | 'missing'

export interface FunctionComparison {
  service: string
  kind: Kind
  function: string
  metric: 'self' | 'total'
  /** shares as fractions (0..1); undefined when the function was below the cut-off on that side */
  baselineShare: number | undefined
  currentShare: number | undefined
  /** currentShare - baselineShare, fraction; absent side counted at its bound */
  delta: number
  /** (current - baseline) / baseline; Infinity for new functions */
  relativeDelta: number
  /** evidence: the test used, the z score and its adjusted p-value */
  evidence: { test: string; z: number; pValue: number; adjustedP: number; reason: string }
  verdict: Verdict
  /** the threshold that applied (fraction), for the report */
  threshold: number
  /** true when the verdict fails the gate under the fail-on setting */
  failing: boolean
  /** the nearest application frame calling it on the path where it grew most (server diffs) */
  via?: string
  /**
   * set on a regression or new hotspot that does not fail the gate because its service's total of
   * this kind per second fell, beyond noise, by more than the function added (a fix's own new site)
   */
  offset?: { totalChange: number; pValue: number }
}

export interface KindComparison {
  service: string
  kind: Kind
  profileTypeId: string
  /** 'missing' when either side has no data: never a pass unless the kind is optional */
  status: 'compared' | 'missing-baseline' | 'missing-current' | 'ignored'
  optional: boolean
  baselineTotalPerSecond: number | undefined
  currentTotalPerSecond: number | undefined
  truncatedShare: { baseline: number | undefined; current: number | undefined }
  source: 'snapshot' | 'server-diff'
  functions: FunctionComparison[]
  warnings: string[]
}

export interface Comparison {
  /** true when nothing fails the gate */
  passed: boolean
  kinds: KindComparison[]
  /** reasons the gate failed closed (missing data, no baseline) */
  failures: string[]
  warnings: string[]
  counts: { regressions: number; newHotspots: number; improvements: number; missing: number }
}
