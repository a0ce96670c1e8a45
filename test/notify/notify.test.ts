import { afterEach, describe, expect, it } from 'vitest'
import { notify, shouldNotify } from '../../src/notify/notify.js'
import { buildSlackPayload, escapeMrkdwn, sendSlack } from '../../src/notify/slack.js'
import { buildWebhookPayload, deriveVerdict, sendWebhook, WEBHOOK_SCHEMA, WebhookPayloadSchema } from '../../src/notify/webhook.js'
import { comparison, fn, loopback, type Loopback } from './helpers.js'

const servers: Loopback[] = []
async function serve(...a: Parameters<typeof loopback>): Promise<Loopback> {
  const s = await loopback(...a)
  servers.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const hostile = 'com.acme.<script>&Foo$$Lambda$12/0x1.apply <@U123> <!channel> `tick`'
const ctx = {
  repository: 'octo/hello',
  prNumber: 7,
  headSha: 'a'.repeat(40),
  runUrl: 'https://github.test/octo/hello/actions/runs/1',
  commentUrl: 'https://github.test/octo/hello/pull/7#issuecomment-9'
}
const regressed = comparison([
  fn({ function: 'com.acme.Small.run', delta: 0.02, relativeDelta: 0.25, baselineShare: 0.08, currentShare: 0.1 }),
  fn({ function: hostile, delta: 0.06, relativeDelta: 0.6 }),
  fn({ function: 'com.acme.New.hot', baselineShare: undefined, currentShare: 0.04, delta: 0.035, relativeDelta: Infinity, failing: false }),
  fn({ function: 'com.acme.Fine', verdict: 'unchanged', failing: false })
])

describe('Slack payload', () => {
  it('header verdict, top regressions (failing, largest first), links in context', () => {
    const p = buildSlackPayload({ comparison: regressed, ...ctx })
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':x: profile-gate failed: 3 regressions · octo/hello #7', emoji: true } })
    const list = p.blocks.find((b) => b.type === 'section' && b.text.text.startsWith('*Top regressions*'))
    expect(list?.type).toBe('section')
    const text = list?.type === 'section' ? list.text.text : ''
    // failing before warn-only, then by delta
    expect(text.indexOf('Lambda')).toBeLessThan(text.indexOf('Small.run'))
    expect(text.indexOf('Small.run')).toBeLessThan(text.indexOf('New.hot'))
    expect(text).toContain('10.0% → 15.0% (+6.00 pp, +60%)')
    expect(text).toContain('below cut-off → 4.00% (+3.50 pp, new) _(warn only)_')
    expect(text).not.toContain('Fine')
    const context = p.blocks.at(-1)
    expect(context).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${ctx.runUrl}|Workflow run> · <${ctx.commentUrl}|PR comment>` }]
    })
  })

  it('escapes &, <, > in function names: no links, mentions or broken code spans', () => {
    const json = JSON.stringify(buildSlackPayload({ comparison: regressed, ...ctx }))
    expect(json).toContain('com.acme.&lt;script&gt;&amp;Foo$$Lambda$12/0x1.apply &lt;@U123&gt; &lt;!channel&gt; ˋtickˋ')
    expect(json).not.toContain('<@U123>')
    expect(json).not.toContain('<!channel>')
    expect(escapeMrkdwn('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d')
  })

  it('passing run: check-mark header and no regression section', () => {
    const p = buildSlackPayload({ comparison: comparison([]), repository: 'octo/hello' })
    expect(p.blocks[0]?.type === 'header' && p.blocks[0].text.text).toBe(':white_check_mark: profile-gate passed · octo/hello')
    expect(p.blocks.some((b) => b.type === 'section' && b.text.text.includes('Top regressions'))).toBe(false)
    expect(p.text).toBe('profile-gate passed · octo/hello')
  })

  it('stays inside Block Kit limits with many long names', () => {
    const many = comparison(Array.from({ length: 200 }, (_, i) => fn({ function: `com.acme.${'X'.repeat(400)}.m${i}`, delta: i / 1000 })))
    const p = buildSlackPayload({ comparison: many, ...ctx }, { top: 50 })
    for (const b of p.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000)
    expect(JSON.stringify(p)).toMatch(/…and \d+ more/)
  })

  it('sendSlack posts JSON to the webhook', async () => {
    const s = await serve(() => [200, 'ok'])
    const p = buildSlackPayload({ comparison: regressed, ...ctx })
    expect(await sendSlack(s.url, p)).toEqual({ ok: true, status: 200 })
    expect(s.received[0]?.method).toBe('POST')
    expect(s.received[0]?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(s.received[0]?.body ?? '')).toEqual(p)
  })

  it('a Slack error is a warning with status and code, never the URL', async () => {
    const s = await serve(() => [404, 'no_service'])
    const r = await sendSlack(s.url, buildSlackPayload({ comparison: regressed, ...ctx }))
    expect(r).toEqual({ ok: false, status: 404, warning: 'Slack webhook: HTTP 404 (no_service)' })
  })
})

describe('webhook payload', () => {
  it('is versioned, validates against the exported schema, lists regressions', () => {
    const p = buildWebhookPayload({ comparison: regressed, ...ctx, prUrl: 'https://github.test/octo/hello/pull/7' }, new Date('2026-11-21T10:00:00Z'))
    expect(WebhookPayloadSchema.parse(p)).toEqual(p)
    expect(p).toMatchObject({
      schema: WEBHOOK_SCHEMA,
      verdict: 'fail',
      passed: false,
      counts: { regressions: 3, newHotspots: 0, improvements: 0, missing: 0 },
      repository: 'octo/hello',
      pr: { number: 7, url: 'https://github.test/octo/hello/pull/7' },
      runUrl: ctx.runUrl,
      commentUrl: ctx.commentUrl,
      createdAt: '2026-11-21T10:00:00.000Z'
    })
    expect(p.regressions.map((r) => r.function)).toEqual([hostile, 'com.acme.Small.run', 'com.acme.New.hot'])
    // Infinity is not JSON: a new function has relativeDelta null and baselineShare null
    expect(p.regressions[2]).toMatchObject({ baselineShare: null, relativeDelta: null, failing: false })
  })

  it('an offset regression says so in Slack and carries the fall of its total in the webhook', () => {
    const offset = comparison([fn({ function: 'java.lang.Integer.toString', failing: false, delta: 0.021, offset: { totalChange: -0.39, pValue: 0.0004 } })])
    const slack = JSON.stringify(buildSlackPayload({ comparison: offset, ...ctx }))
    expect(slack).toContain('_(offset by a net improvement)_')
    expect(slack).not.toContain('warn only')
    const hook = buildWebhookPayload({ comparison: offset, ...ctx }, new Date('2026-11-21T10:00:00.000Z'))
    expect(hook.regressions[0]).toMatchObject({ failing: false, offsetByTotalChange: -0.39 })
    expect(WebhookPayloadSchema.parse(JSON.parse(JSON.stringify(hook))).verdict).toBe('warn')
  })

  it('verdicts: pass, warn (warn-only mode), fail', () => {
    expect(deriveVerdict(comparison([]))).toBe('pass')
    expect(deriveVerdict(comparison([fn({ function: 'a', failing: false })]))).toBe('warn')
    expect(deriveVerdict(comparison([fn({ function: 'a' })]))).toBe('fail')
  })

  it('sendWebhook retries once on 5xx', async () => {
    const s = await serve((_r, n) => (n === 1 ? [503, 'busy'] : [204, '']))
    const r = await sendWebhook(s.url, buildWebhookPayload({ comparison: regressed, ...ctx }), { retryDelayMs: 1 })
    expect(r).toEqual({ ok: true, status: 204 })
    expect(s.received).toHaveLength(2)
    expect(s.received[0]?.headers['x-profile-gate-schema']).toBe(WEBHOOK_SCHEMA)
    expect(WebhookPayloadSchema.safeParse(JSON.parse(s.received[1]?.body ?? '')).success).toBe(true)
  })

  it('does not retry a 4xx', async () => {
    const s = await serve(() => [400, 'bad'])
    const r = await sendWebhook(s.url, buildWebhookPayload({ comparison: regressed, ...ctx }), { retryDelayMs: 1 })
    expect(r).toMatchObject({ ok: false, status: 400 })
    expect(s.received).toHaveLength(1)
  })
})

describe('notify', () => {
  it('when: regression (default) / failure / always / never', () => {
    const warnOnly = comparison([fn({ function: 'a', failing: false })])
    expect(shouldNotify('regression', warnOnly)).toBe(true)
    expect(shouldNotify('failure', warnOnly)).toBe(false)
    expect(shouldNotify('regression', comparison([]))).toBe(false)
    expect(shouldNotify('always', comparison([]))).toBe(true)
    expect(shouldNotify('never', regressed)).toBe(false)
  })

  it('sends to both targets on a regression', async () => {
    const slack = await serve(() => [200, 'ok'])
    const hook = await serve(() => [200, ''])
    const r = await notify({ comparison: regressed, ...ctx, slackUrl: slack.url, webhookUrl: hook.url })
    expect(r).toEqual({ sent: ['slack', 'webhook'], warnings: [] })
    expect(JSON.parse(slack.received[0]?.body ?? '')).toHaveProperty('blocks')
    expect(JSON.parse(hook.received[0]?.body ?? '')).toHaveProperty('schema', WEBHOOK_SCHEMA)
  })

  it('skips a passing run under the default, without any request', async () => {
    const slack = await serve(() => [200, 'ok'])
    const r = await notify({ comparison: comparison([]), ...ctx, slackUrl: slack.url })
    expect(r.sent).toEqual([])
    expect(r.skipped).toMatch(/regression/)
    expect(slack.received).toHaveLength(0)
  })

  it('a timeout is a warning; the URL (secret) never appears in warnings', async () => {
    const slack = await serve(() => undefined) // never answers
    const hook = await serve(() => undefined)
    const r = await notify({ comparison: regressed, ...ctx, slackUrl: slack.url, webhookUrl: hook.url, timeoutMs: 200, retryDelayMs: 1 })
    expect(r.sent).toEqual([])
    expect(r.warnings).toEqual(['Slack webhook: timed out after 200 ms', 'webhook: timed out after 200 ms'])
    expect(hook.received).toHaveLength(2) // webhook: one retry
    for (const w of r.warnings) {
      expect(w).not.toContain('127.0.0.1')
      expect(w).not.toContain('s3cr3tT0k3n')
    }
  })

  it('a connection refusal and a bad URL are warnings too', async () => {
    const gone = await loopback(() => [200, 'ok'])
    const url = gone.url
    await gone.close()
    const r = await notify({ comparison: regressed, ...ctx, slackUrl: url, webhookUrl: 'not a url s3cr3t', retryDelayMs: 1 })
    expect(r.warnings).toHaveLength(2)
    expect(r.warnings[0]).toMatch(/^Slack webhook: request failed \(ECONNREFUSED\)$/)
    expect(r.warnings[1]).toBe('webhook: the URL is not valid')
    expect(r.warnings.join(' ')).not.toMatch(/s3cr3t|127\.0\.0\.1/)
  })

  it('an error body that echoes the URL path is redacted', async () => {
    const s = await serve((req) => [400, `invalid token in ${req.url}`])
    const r = await sendSlack(s.url, buildSlackPayload({ comparison: regressed, ...ctx }))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.warning).toBe('Slack webhook: HTTP 400 (invalid token in [redacted])')
  })
})
