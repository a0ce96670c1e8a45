// Polling waits around the stack: health URLs before load, services appearing in Pyroscope, and
// the last agent upload becoming visible after load (pyroscope-api.md §7: the agent uploads every
// interval and has no final flush, so we wait for totals to stop growing instead of sleeping).
import { setTimeout as delay } from 'node:timers/promises'
import { request } from 'undici'

export interface Clock {
  /** milliseconds, monotonic enough for durations */
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal })
}

export interface PollOptions {
  timeoutMs: number
  intervalMs: number
  signal?: AbortSignal
  clock?: Clock
  log?: (line: string) => void
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function errText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : ''
    return code !== undefined && !err.message.includes(code) ? `${code} ${err.message}${cause}` : `${err.message}${cause}`
  }
  return String(err)
}

/** Sleeps until the next poll unless that would pass the deadline; returns false when out of time. */
async function nextRound(clock: Clock, deadline: number, intervalMs: number, signal?: AbortSignal): Promise<boolean> {
  const left = deadline - clock.now()
  if (left <= 0) return false
  await clock.sleep(Math.min(intervalMs, left), signal)
  return true
}

export interface HttpWaitOptions extends PollOptions {
  /** per-request limit (default min(5 s, intervalMs × 2)) */
  requestTimeoutMs?: number
  /** performs one probe; default: undici GET that returns the status code */
  probe?: (url: string, timeoutMs: number, signal?: AbortSignal) => Promise<number>
}

async function undiciProbe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const res = await request(url, {
    method: 'GET',
    signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  })
  await res.body.dump()
  return res.statusCode
}

/** Polls every URL until each has answered 200 once. */
export async function waitForHttp(urls: readonly string[], opts: HttpWaitOptions): Promise<{ elapsedMs: number }> {
  const clock = opts.clock ?? realClock
  const probe = opts.probe ?? undiciProbe
  const requestTimeoutMs = opts.requestTimeoutMs ?? Math.min(5_000, Math.max(500, opts.intervalMs * 2))
  const start = clock.now()
  const deadline = start + opts.timeoutMs
  const last = new Map<string, string>(urls.map((u) => [u, 'not tried']))
  const pending = new Set(urls)
  for (;;) {
    await Promise.all(
      [...pending].map(async (url) => {
        try {
          const status = await probe(url, requestTimeoutMs, opts.signal)
          if (status === 200) pending.delete(url)
          else last.set(url, `status ${status}`)
        } catch (err) {
          if (opts.signal?.aborted === true) throw err
          last.set(url, errText(err))
        }
      })
    )
    if (pending.size === 0) return { elapsedMs: clock.now() - start }
    if (!(await nextRound(clock, deadline, opts.intervalMs, opts.signal))) break
  }
  throw new Error(
    `not healthy after ${seconds(opts.timeoutMs)}: ${[...pending].map((u) => `${u} (last: ${last.get(u) ?? '?'})`).join(', ')}`
  )
}

/** Polls `listServices` (e.g. Pyroscope label values of service_name) until all `expected` appear. */
export async function waitForServicesInPyroscope(
  listServices: () => Promise<string[]>,
  expected: readonly string[],
  opts: PollOptions
): Promise<{ elapsedMs: number; services: string[] }> {
  const clock = opts.clock ?? realClock
  const start = clock.now()
  const deadline = start + opts.timeoutMs
  let seen: string[] = []
  let lastError: string | undefined
  for (;;) {
    try {
      seen = await listServices()
      lastError = undefined
      const missing = expected.filter((s) => !seen.includes(s))
      if (missing.length === 0) return { elapsedMs: clock.now() - start, services: seen }
    } catch (err) {
      if (opts.signal?.aborted === true) throw err
      lastError = errText(err)
    }
    if (!(await nextRound(clock, deadline, opts.intervalMs, opts.signal))) break
  }
  const missing = expected.filter((s) => !seen.includes(s))
  throw new Error(
    `services not visible in Pyroscope after ${seconds(opts.timeoutMs)}: ${missing.join(', ')}` +
      ` (seen: ${seen.length === 0 ? 'none' : seen.join(', ')})` +
      (lastError === undefined ? '' : `; last query error: ${lastError}`) +
      '. Check that each JVM runs the Pyroscope agent with the expected application name and server address.'
  )
}

export interface SettleOptions extends PollOptions {
  /** consecutive polls without growth that count as settled (default 2) */
  stableRounds?: number
  /** never settle before this long after the start (e.g. one upload interval) */
  minWaitMs?: number
  /** services that must have a positive total before the wait can settle */
  expected?: readonly string[]
}

export interface SettleResult {
  totals: Record<string, number>
  elapsedMs: number
  polls: number
}

/**
 * Polls per-service totals until none grows for `stableRounds` consecutive polls. With the poll
 * interval at about half the upload interval, 2 stable rounds span a full upload interval, so a
 * pending upload cannot hide between two polls.
 */
export async function waitForSettledTotals(
  readTotals: () => Promise<Record<string, number>>,
  opts: SettleOptions
): Promise<SettleResult> {
  const clock = opts.clock ?? realClock
  const stableRounds = opts.stableRounds ?? 2
  const minWaitMs = opts.minWaitMs ?? 0
  const expected = opts.expected ?? []
  const start = clock.now()
  const deadline = start + Math.max(opts.timeoutMs, minWaitMs)
  let prev: Record<string, number> | undefined
  let current: Record<string, number> = {}
  let stable = 0
  let polls = 0
  let growing: string[] = []
  let lastError: string | undefined
  for (;;) {
    polls++
    try {
      current = await readTotals()
      lastError = undefined
      const missing = expected.filter((s) => !((current[s] ?? 0) > 0))
      if (prev === undefined) {
        growing = Object.keys(current)
      } else {
        const before = prev
        growing = Object.keys(current).filter((s) => (current[s] ?? 0) > (before[s] ?? 0))
      }
      // the first poll has nothing to compare with, so it never counts as stable
      if (prev !== undefined && growing.length === 0 && missing.length === 0) stable++
      else stable = 0
      growing = [...new Set([...growing, ...missing])]
      opts.log?.(
        `settle: poll ${polls}, ${growing.length === 0 ? `stable ${stable}/${stableRounds}` : `growing: ${growing.join(', ')}`}`
      )
      prev = current
      if (stable >= stableRounds && clock.now() - start >= minWaitMs) {
        return { totals: current, elapsedMs: clock.now() - start, polls }
      }
    } catch (err) {
      if (opts.signal?.aborted === true) throw err
      lastError = errText(err)
      stable = 0
    }
    if (!(await nextRound(clock, deadline, opts.intervalMs, opts.signal))) break
  }
  throw new Error(
    `profile totals did not settle within ${seconds(Math.max(opts.timeoutMs, minWaitMs))}` +
      (growing.length > 0 ? `; still growing or missing: ${growing.join(', ')}` : '') +
      (lastError === undefined ? '' : `; last error: ${lastError}`)
  )
}
