// One POST helper for Slack and the webhook: undici `request` (proxy-aware through
// EnvHttpProxyAgent, which reads HTTP(S)_PROXY/NO_PROXY), a hard timeout, optional retry.
// Results, never exceptions; and the URL (a secret) never appears in what we return.
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici'

export type SendResult = { ok: true; status: number } | { ok: false; status?: number; warning: string }

export interface PostOptions {
  /** what the warning calls the target: 'Slack webhook', 'webhook' */
  label: string
  timeoutMs: number
  retries: number
  headers?: Record<string, string>
  /** tests may pass their own; default honours proxy env vars */
  dispatcher?: Dispatcher
  retryDelayMs?: number
}

let defaultDispatcher: Dispatcher | undefined
function dispatcherFor(opts: PostOptions): Dispatcher {
  return opts.dispatcher ?? (defaultDispatcher ??= new EnvHttpProxyAgent())
}

/** Remove the URL (and its path, which holds the Slack secret) from any text we pass on. */
export function redact(text: string, url: string): string {
  let out = text.split(url).join('[redacted]')
  try {
    const u = new URL(url)
    if (u.pathname.length > 1) out = out.split(u.pathname).join('[redacted]')
    if (u.search.length > 1) out = out.split(u.search).join('[redacted]')
  } catch {
    // not a URL: the whole-string replacement above is all we can do
  }
  return out
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function postJson(url: string, body: string, opts: PostOptions): Promise<SendResult> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, warning: `${opts.label}: the URL is not valid` }
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, warning: `${opts.label}: only http(s) URLs are supported` }

  let last: SendResult = { ok: false, warning: `${opts.label}: not sent` }
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.retryDelayMs ?? 1000)
    const signal = AbortSignal.timeout(opts.timeoutMs)
    try {
      const res = await request(parsed, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'profile-gate', ...opts.headers },
        signal,
        dispatcher: dispatcherFor(opts),
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs
      })
      // Slack answers with short codes ("invalid_payload", "no_service"); keep a bounded snippet
      const text = (await res.body.text()).slice(0, 200).replace(/\s+/g, ' ').trim()
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode }
      last = { ok: false, status: res.statusCode, warning: redact(`${opts.label}: HTTP ${res.statusCode}${text ? ` (${text})` : ''}`, url) }
      if (res.statusCode < 500 && res.statusCode !== 429) return last
    } catch (e) {
      const timedOut = signal.aborted || (e instanceof Error && /timeout/i.test(e.name + e.message))
      const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : e instanceof Error ? e.name : 'error'
      // undici error messages can contain the host; never the message, only the code
      last = { ok: false, warning: timedOut ? `${opts.label}: timed out after ${opts.timeoutMs} ms` : `${opts.label}: request failed (${code})` }
    }
  }
  return last
}
