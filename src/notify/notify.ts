// Decide whether to notify, then send to every configured target. Returns warnings, never throws:
// a failed notification must not cost the run its verdict.
import { z } from 'zod'
import { buildSlackPayload, sendSlack } from './slack.js'
import { buildWebhookPayload, sendWebhook, type NotificationContext } from './webhook.js'

/**
 * - regression (default): the gate failed, or reported regressions (also in warn-only mode)
 * - failure: only when the gate failed
 * - always / never
 */
export const NotifyWhenSchema = z.enum(['regression', 'always', 'never', 'failure'])
export type NotifyWhen = z.infer<typeof NotifyWhenSchema>

export interface NotifyArgs extends NotificationContext {
  when?: NotifyWhen
  slackUrl?: string
  webhookUrl?: string
  timeoutMs?: number
  /** for tests: the webhook's retry pause */
  retryDelayMs?: number
  now?: Date
}

export interface NotifyResult {
  /** targets that accepted the message: 'slack', 'webhook' */
  sent: string[]
  warnings: string[]
  /** set when nothing was sent on purpose */
  skipped?: string
}

export function shouldNotify(when: NotifyWhen, c: NotificationContext['comparison']): boolean {
  switch (when) {
    case 'always':
      return true
    case 'never':
      return false
    case 'failure':
      return !c.passed
    case 'regression':
      return !c.passed || c.counts.regressions > 0
  }
}

export async function notify(args: NotifyArgs): Promise<NotifyResult> {
  const when = args.when ?? 'regression'
  const slackUrl = args.slackUrl?.trim()
  const webhookUrl = args.webhookUrl?.trim()
  if (!slackUrl && !webhookUrl) return { sent: [], warnings: [], skipped: 'no notification target configured' }
  if (!shouldNotify(when, args.comparison)) return { sent: [], warnings: [], skipped: `notify: ${when} does not apply to this result` }

  const opts = { ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}), ...(args.retryDelayMs !== undefined ? { retryDelayMs: args.retryDelayMs } : {}) }
  const jobs: Promise<{ target: string; ok: boolean; warning?: string }>[] = []
  // each target is independent; building a payload can only fail on a bug, which still must not
  // escape as an exception (the catch below keeps the message, which never holds a URL)
  if (slackUrl) {
    jobs.push(
      (async () => {
        const r = await sendSlack(slackUrl, buildSlackPayload(args), opts)
        return r.ok ? { target: 'slack', ok: true } : { target: 'slack', ok: false, warning: r.warning }
      })().catch((e: unknown) => ({ target: 'slack', ok: false, warning: `Slack webhook: not sent (${e instanceof Error ? e.name : 'error'})` }))
    )
  }
  if (webhookUrl) {
    jobs.push(
      (async () => {
        const r = await sendWebhook(webhookUrl, buildWebhookPayload(args, args.now), opts)
        return r.ok ? { target: 'webhook', ok: true } : { target: 'webhook', ok: false, warning: r.warning }
      })().catch((e: unknown) => ({ target: 'webhook', ok: false, warning: `webhook: not sent (${e instanceof Error ? e.name : 'error'})` }))
    )
  }
  const results = await Promise.all(jobs)
  return {
    sent: results.filter((r) => r.ok).map((r) => r.target),
    warnings: results.flatMap((r) => (r.warning ? [r.warning] : []))
  }
}
