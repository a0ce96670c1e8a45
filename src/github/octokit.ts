// Octokit construction: GHES-aware, injectable fetch for tests, and a small retry for transient
// failures (5xx, network, rate limits). We do not depend on @octokit/plugin-retry/-throttling: the
// wrap hook below covers what a single-job action needs in ~60 lines.
import { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>

export interface RetryOptions {
  /** retries after the first attempt (default 3) */
  retries?: number
  /** first backoff step for 5xx/network errors; doubles per attempt (default 1000 ms) */
  baseDelayMs?: number
  /** longest wait we accept; a rate limit that resets later is not waited for (default 60 s) */
  maxDelayMs?: number
  /** injectable for tests, so they assert the delay instead of sleeping */
  sleep?: (ms: number) => Promise<void>
  /** called before each retry, e.g. core.info; never receives the token */
  onRetry?: (info: { attempt: number; delayMs: number; status: number; method: string; url: string }) => void
}

export interface MakeOctokitOptions {
  /** tests pass globalThis.fetch so that msw sees the requests (toolchain §2.5) */
  fetch?: typeof globalThis.fetch
  /** defaults to GITHUB_API_URL (GHES), then https://api.github.com */
  baseUrl?: string
  retry?: RetryOptions
}

/** The bits of an Octokit RequestError we rely on (duck-typed: request-error is not a direct dep). */
export interface HttpErrorLike {
  status: number
  message: string
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown }
}

export function isHttpError(e: unknown): e is HttpErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number'
}

/** The server's own message (`{ message }` body) when there is one, else the error's message. */
export function errorMessage(e: unknown): string {
  if (isHttpError(e)) {
    const data = e.response?.data
    if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
      return (data as { message: string }).message
    }
    return e.message
  }
  return e instanceof Error ? e.message : String(e)
}

export function makeOctokit(token: string, options: MakeOctokitOptions = {}): Octokit {
  // @actions/github computes its default baseUrl at import time; reading the env here keeps late
  // env changes (tests, wrappers) effective and makes GHES explicit.
  const baseUrl = options.baseUrl ?? (process.env['GITHUB_API_URL'] || 'https://api.github.com')
  const octokit = getOctokit(token, {
    baseUrl,
    // only inject fetch when asked: `request` replaces the proxy-aware default wholesale
    ...(options.fetch ? { request: { fetch: options.fetch } } : {})
  })
  installRetry(octokit, options.retry ?? {})
  return octokit
}

const sleepReal = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function header(e: HttpErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name]
  return v === undefined ? undefined : String(v)
}

/**
 * How long to wait before retrying, or undefined when the error is not transient.
 * - 5xx (except 501) and network errors (Octokit reports those as status 500 without a response)
 * - 429, and 403 carrying `retry-after` (secondary rate limit) or `x-ratelimit-remaining: 0`
 *   (primary rate limit; wait until `x-ratelimit-reset`)
 * A plain 403 such as "Resource not accessible by integration" is permanent and not retried.
 */
export function retryDelay(e: unknown, attempt: number, opts: Required<Pick<RetryOptions, 'baseDelayMs'>>, now = Date.now()): number | undefined {
  if (!isHttpError(e)) return undefined
  const backoff = opts.baseDelayMs * 2 ** attempt
  const retryAfter = header(e, 'retry-after')
  if (e.status === 429 || e.status === 403) {
    if (retryAfter !== undefined) {
      const s = Number(retryAfter)
      if (Number.isFinite(s)) return Math.max(0, s * 1000)
      const at = Date.parse(retryAfter)
      return Number.isFinite(at) ? Math.max(0, at - now) : backoff
    }
    if (header(e, 'x-ratelimit-remaining') === '0') {
      const reset = Number(header(e, 'x-ratelimit-reset'))
      // +1 s: the reset second itself may still be limited
      return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) + 1000 : backoff
    }
    return e.status === 429 ? backoff : undefined
  }
  if (e.status >= 500 && e.status !== 501) return backoff
  return undefined
}

function installRetry(octokit: Octokit, opts: RetryOptions): void {
  const retries = opts.retries ?? 3
  const baseDelayMs = opts.baseDelayMs ?? 1000
  const maxDelayMs = opts.maxDelayMs ?? 60_000
  const sleep = opts.sleep ?? sleepReal
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options)
      } catch (e) {
        const delay = attempt < retries ? retryDelay(e, attempt, { baseDelayMs }) : undefined
        // a rate limit resetting in 40 minutes is better reported than waited for in CI
        if (delay === undefined || delay > maxDelayMs || !isHttpError(e)) throw e
        opts.onRetry?.({ attempt: attempt + 1, delayMs: delay, status: e.status, method: String(options.method), url: String(options.url) })
        await sleep(delay)
      }
    }
  })
}
