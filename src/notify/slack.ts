// Slack incoming webhook: Block Kit message (pure builder) and the send. Function names come from
// profiled code and are untrusted text: escaped so they cannot form links or mentions.
import type { FunctionComparison } from '../model.js'
import { postJson, type SendResult } from './http.js'
import { deriveVerdict, topRegressions, type NotificationContext, type SendOptions } from './webhook.js'

export interface SlackText {
  type: 'mrkdwn' | 'plain_text'
  text: string
  emoji?: boolean
}
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' }

export interface SlackPayload {
  /** notification and fallback text */
  text: string
  blocks: SlackBlock[]
}

// Block Kit limits: header text 150, section text 3000 characters
const HEADER_MAX = 150
const SECTION_MAX = 3000

/** Slack mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Inside a `code span`: escaped, and backticks (Kotlin names may have them) cannot end it early. */
function code(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, 'ˋ')}\``
}

/** `<url|label>`, or just the label when the URL is not plain http(s). */
function link(url: string | undefined, label: string): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined
  const safe = url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c))
  return `<${safe}|${escapeMrkdwn(label)}>`
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

const pct = (share: number | undefined): string => (share === undefined ? 'below cut-off' : `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`)

function regressionLine(f: FunctionComparison): string {
  const pp = `${f.delta >= 0 ? '+' : ''}${(f.delta * 100).toFixed(2)} pp`
  const rel = Number.isFinite(f.relativeDelta) ? `, ${f.relativeDelta >= 0 ? '+' : ''}${(f.relativeDelta * 100).toFixed(0)}%` : ', new'
  const flag = f.failing ? '' : f.offset ? ' _(offset by a net improvement)_' : ' _(warn only)_'
  return `• *${escapeMrkdwn(f.service)}* · ${escapeMrkdwn(f.kind)} · ${code(f.function)}\n    ${pct(f.baselineShare)} → ${pct(f.currentShare)} (${pp}${rel})${flag}`
}

export interface SlackOptions {
  /** regressions listed (default 10) */
  top?: number
}

export function buildSlackPayload(ctx: NotificationContext, opts: SlackOptions = {}): SlackPayload {
  const c = ctx.comparison
  const verdict = ctx.verdict ?? deriveVerdict(c)
  const where = `${ctx.repository}${ctx.prNumber ? ` #${ctx.prNumber}` : ''}`
  const n = c.counts.regressions
  const headline =
    verdict === 'fail'
      ? `:x: profile-gate failed: ${n} regression${n === 1 ? '' : 's'}${c.counts.missing ? `, ${c.counts.missing} missing` : ''}`
      : verdict === 'warn'
        ? `:warning: profile-gate: ${n} regression${n === 1 ? '' : 's'} (not failing)`
        : ':white_check_mark: profile-gate passed'
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: clip(`${headline} · ${where}`, HEADER_MAX), emoji: true } }]

  const summary = `*${escapeMrkdwn(where)}*${ctx.headSha ? ` at \`${escapeMrkdwn(ctx.headSha.slice(0, 12))}\`` : ''}: ${n} regression(s), ${c.counts.newHotspots} new hotspot(s), ${c.counts.improvements} improvement(s), ${c.counts.missing} missing`
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(summary, SECTION_MAX) } })

  const regs = topRegressions(c)
  const top = regs.slice(0, opts.top ?? 10)
  if (top.length > 0) {
    // add lines while they fit: a half-cut line could leave an unbalanced code span
    let text = '*Top regressions*'
    let shown = 0
    for (const f of top) {
      const line = `\n${regressionLine(f)}`
      if (text.length + line.length > SECTION_MAX - 40) break
      text += line
      shown++
    }
    if (regs.length > shown) text += `\n…and ${regs.length - shown} more`
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } })
  }
  if (c.failures.length > 0) {
    const text = clip(`*Failed closed*\n${c.failures.slice(0, 10).map((f) => `• ${escapeMrkdwn(f)}`).join('\n')}`, SECTION_MAX)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } })
  }

  const links = [link(ctx.runUrl, 'Workflow run'), link(ctx.commentUrl, 'PR comment'), link(ctx.prUrl, 'Pull request')].filter((x): x is string => !!x)
  if (links.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] })

  return { text: escapeMrkdwn(`${headline.replace(/:[a-z_]+: /, '')} · ${where}`), blocks }
}

export async function sendSlack(url: string, payload: SlackPayload, opts: SendOptions = {}): Promise<SendResult> {
  // Slack does not deduplicate: a retry after a timeout may post twice, so no retry here
  return postJson(url, JSON.stringify(payload), { label: 'Slack webhook', timeoutMs: opts.timeoutMs ?? 10_000, retries: 0 })
}
