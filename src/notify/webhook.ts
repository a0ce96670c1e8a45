// Generic JSON webhook: a versioned payload (docs/webhook.md) built from the Comparison, and a POST
// with a timeout and one retry. The URL is a secret: it never appears in a warning.
import { z } from 'zod'
import type { Comparison, FunctionComparison } from '../model.js'
import { postJson, type SendResult } from './http.js'

export const WEBHOOK_SCHEMA = 'profile-gate.webhook/v1'
/** more regressions than this are counted in `counts` but not listed */
export const WEBHOOK_MAX_REGRESSIONS = 50

export const GateVerdictSchema = z.enum(['pass', 'warn', 'fail'])
/** pass: nothing notable; warn: regressions that do not fail the gate (fail-on); fail: the gate failed */
export type GateVerdict = z.infer<typeof GateVerdictSchema>

export function deriveVerdict(c: Comparison): GateVerdict {
  if (!c.passed) return 'fail'
  return c.counts.regressions > 0 || c.counts.missing > 0 || c.kinds.some((k) => k.functions.some((f) => f.verdict === 'regression')) ? 'warn' : 'pass'
}

const Share = z.number().min(0).max(1).nullable()

export const WebhookRegressionSchema = z.object({
  service: z.string(),
  kind: z.string(),
  function: z.string(),
  metric: z.enum(['self', 'total']),
  /** fraction 0..1; null when the function was below the cut-off on that side */
  baselineShare: Share,
  currentShare: Share,
  /** currentShare - baselineShare, fraction */
  delta: z.number(),
  /** (current - baseline) / baseline; null for functions new to the top-N */
  relativeDelta: z.number().nullable(),
  adjustedP: z.number().min(0).max(1),
  /** whether this regression fails the gate under fail-on */
  failing: z.boolean(),
  /** the fall of its service's total of the kind per second (fraction) that outweighs it; absent if none */
  offsetByTotalChange: z.number().max(0).optional()
})
export type WebhookRegression = z.infer<typeof WebhookRegressionSchema>

export const WebhookPayloadSchema = z.object({
  schema: z.literal(WEBHOOK_SCHEMA),
  verdict: GateVerdictSchema,
  passed: z.boolean(),
  counts: z.object({
    regressions: z.number().int().nonnegative(),
    newHotspots: z.number().int().nonnegative(),
    improvements: z.number().int().nonnegative(),
    missing: z.number().int().nonnegative()
  }),
  /** the largest regressions first, at most WEBHOOK_MAX_REGRESSIONS */
  regressions: z.array(WebhookRegressionSchema).max(WEBHOOK_MAX_REGRESSIONS),
  /** reasons the gate failed closed (missing data, no baseline) */
  failures: z.array(z.string()),
  /** 'owner/name' */
  repository: z.string(),
  pr: z.object({ number: z.number().int().positive(), url: z.string().nullable() }).nullable(),
  headSha: z.string().nullable(),
  runUrl: z.string().nullable(),
  commentUrl: z.string().nullable(),
  /** ISO 8601 */
  createdAt: z.string()
})
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>

export interface NotificationContext {
  comparison: Comparison
  /** 'owner/name' */
  repository: string
  prNumber?: number
  prUrl?: string
  headSha?: string
  runUrl?: string
  commentUrl?: string
  /** overrides deriveVerdict when the caller already decided */
  verdict?: GateVerdict
}

/** All regressions, largest share increase first; ties by name so output is stable. */
export function topRegressions(c: Comparison): FunctionComparison[] {
  return c.kinds
    .flatMap((k) => k.functions)
    .filter((f) => f.verdict === 'regression')
    .sort((a, b) => Number(b.failing) - Number(a.failing) || b.delta - a.delta || a.service.localeCompare(b.service) || a.function.localeCompare(b.function))
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null)

export function buildWebhookPayload(ctx: NotificationContext, now: Date = new Date()): WebhookPayload {
  const c = ctx.comparison
  const payload: WebhookPayload = {
    schema: WEBHOOK_SCHEMA,
    verdict: ctx.verdict ?? deriveVerdict(c),
    passed: c.passed,
    counts: { ...c.counts },
    regressions: topRegressions(c)
      .slice(0, WEBHOOK_MAX_REGRESSIONS)
      .map((f) => ({
        service: f.service,
        kind: f.kind,
        function: f.function,
        metric: f.metric,
        baselineShare: f.baselineShare ?? null,
        currentShare: f.currentShare ?? null,
        delta: f.delta,
        relativeDelta: finiteOrNull(f.relativeDelta),
        adjustedP: f.evidence.adjustedP,
        failing: f.failing,
        ...(f.offset ? { offsetByTotalChange: f.offset.totalChange } : {})
      })),
    failures: [...c.failures],
    repository: ctx.repository,
    pr: ctx.prNumber ? { number: ctx.prNumber, url: ctx.prUrl ?? null } : null,
    headSha: ctx.headSha ?? null,
    runUrl: ctx.runUrl ?? null,
    commentUrl: ctx.commentUrl ?? null,
    createdAt: now.toISOString()
  }
  // our own output must satisfy the schema we publish
  return WebhookPayloadSchema.parse(payload)
}

export interface SendOptions {
  timeoutMs?: number
  /** pause before the retry (default 1000 ms) */
  retryDelayMs?: number
}

/** POST with a timeout and one retry on 5xx/429/network errors/timeouts. */
export async function sendWebhook(url: string, payload: WebhookPayload, opts: SendOptions = {}): Promise<SendResult> {
  return postJson(url, JSON.stringify(payload), {
    label: 'webhook',
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: 1,
    ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
    headers: { 'x-profile-gate-schema': WEBHOOK_SCHEMA }
  })
}
