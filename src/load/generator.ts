// Built-in HTTP load generator (undici, one keep-alive Pool per origin).
// - `rate`: open model. Request k is due at a uniformly random point of its slot [t0 + k/R,
//   t0 + (k+1)/R) whatever happened before, and its latency is measured from that intended time, so
//   a stalled server shows up as latency instead of silently lowering the rate (no coordinated
//   omission). In-flight requests are capped; a request due while the cap is reached is dropped and
//   counted as an error.
//   Why jitter: a strictly periodic schedule (20 ms at 50 req/s) is phase-locked to the kernel tick
//   (4 ms at HZ=250) that drives the profiler's itimer CPU sampling, so a request's work could fall
//   between ticks in every request of a run and vanish from the CPU profile, or be over-sampled
//   (`npm run bench:aliasing`: the fraud service's matrix multiply at 1.2 % and 19.9 % of CPU in two
//   periodic runs, 13–14 % in both jittered ones; docs/accuracy.md).
//   Jitter within the slot keeps the exact request count and rate and makes every request's phase
//   against any clock uniform, so CPU samples see the work in proportion to its time.
// - `concurrency`: N closed-loop workers, latency from the actual send.
// A request belongs to the measured phase when it is due (rate) / sent (concurrency) inside it.
import { setMaxListeners } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import { Pool } from 'undici'
import type { Dispatcher } from 'undici'
import type { EndpointLoad, LoadResult } from '../model.js'
import { LatencyHistogram } from './histogram.js'
import type { LatencySummary } from './histogram.js'
import { resolveTarget } from './plan.js'
import type { LoadPlan } from './plan.js'

export interface LoadClock {
  /** monotonic ms, for scheduling and latency */
  mono(): number
  /** Unix ms, for startedAt/endedAt */
  wall(): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const realLoadClock: LoadClock = {
  mono: () => performance.now(),
  wall: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal })
}

export interface LoadOptions {
  plan: LoadPlan
  mode: 'rate' | 'concurrency'
  /** rate mode: requests per second across the whole plan, split by weight */
  rate?: number
  /** concurrency mode: number of closed-loop workers */
  concurrency?: number
  /** seconds of load before measuring (JIT warm-up, agent's first upload window); not reported */
  warmupSec: number
  durationSec: number
  /** per request, whole response included (default 10 000) */
  requestTimeoutMs?: number
  /** rate mode: cap on requests in flight (default 256) */
  maxInFlight?: number
  /** a progress line this often during the measured phase (default 10 000; 0 = none) */
  progressIntervalMs?: number
  /** rate mode: a request sent this much after its due time counts as late (default 100) */
  lateThresholdMs?: number
  log?: (line: string) => void
  signal?: AbortSignal
  clock?: LoadClock
  /** rate mode: uniform [0, 1) source for the position of each request in its slot (default Math.random) */
  random?: () => number
  /** connection pool factory, for tests (default undici Pool with keep-alive) */
  dispatcherFor?: (origin: string, connections: number) => Dispatcher
}

export interface EndpointLoadDetail extends EndpointLoad {
  /** error counts by cause: HTTP status ("500"), "timeout", "dropped", or a network error code */
  errorKinds: Record<string, number>
  /** rate mode: sent later than lateThresholdMs after their due time (still measured from it) */
  late: number
}

export interface LoadRunResult extends LoadResult {
  endpoints: EndpointLoadDetail[]
  /** over all successful measured requests */
  latencyMs: LatencySummary
  dropped: number
  late: number
}

export class LoadAbortedError extends Error {
  override name = 'AbortError'
}

interface Target {
  service: string
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  planPath: string
  origin: string
  path: string
  headers: Record<string, string>
  body: string | undefined
  weight: number
  // measured-phase statistics
  requests: number
  errors: number
  errorKinds: Map<string, number>
  late: number
  hist: LatencyHistogram
}

function buildTargets(plan: LoadPlan): Target[] {
  const out: Target[] = []
  for (const s of plan.services) {
    for (const e of s.endpoints) {
      const { origin, path } = resolveTarget(s.baseUrl, e.path)
      const headers: Record<string, string> = { ...e.headers }
      let body: string | undefined
      if (e.body !== undefined) {
        // a string body is sent verbatim (form data, text); anything else is JSON
        body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body)
        if (typeof e.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['content-type'] = 'application/json'
        }
      }
      out.push({
        service: s.name,
        name: e.name,
        method: e.method,
        planPath: e.path,
        origin,
        path,
        headers,
        body,
        weight: e.weight,
        requests: 0,
        errors: 0,
        errorKinds: new Map(),
        late: 0,
        hist: new LatencyHistogram()
      })
    }
  }
  return out
}

/**
 * Smooth weighted round-robin (as in nginx): deterministic, exact shares over every cycle of
 * sum(weights) picks, and interleaved rather than bursty.
 */
export function weightedRoundRobin(weights: readonly number[]): () => number {
  const current = weights.map(() => 0)
  const total = weights.reduce((a, b) => a + b, 0)
  if (weights.length === 0 || !(total > 0)) throw new RangeError('weighted round-robin needs positive weights')
  return () => {
    let best = 0
    for (let i = 0; i < weights.length; i++) {
      current[i] = (current[i] ?? 0) + (weights[i] ?? 0)
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i
    }
    current[best] = (current[best] ?? 0) - total
    return best
  }
}

function validate(o: LoadOptions): void {
  if (o.mode === 'rate' && !(o.rate !== undefined && o.rate > 0 && Number.isFinite(o.rate))) {
    throw new RangeError(`rate mode needs a positive rate (requests per second), got ${o.rate}`)
  }
  if (o.mode === 'concurrency' && !(o.concurrency !== undefined && Number.isInteger(o.concurrency) && o.concurrency >= 1)) {
    throw new RangeError(`concurrency mode needs an integer concurrency ≥ 1, got ${o.concurrency}`)
  }
  if (!(o.durationSec > 0)) throw new RangeError(`durationSec must be > 0, got ${o.durationSec}`)
  if (!(o.warmupSec >= 0)) throw new RangeError(`warmupSec must be ≥ 0, got ${o.warmupSec}`)
  if (o.maxInFlight !== undefined && !(Number.isInteger(o.maxInFlight) && o.maxInFlight >= 1)) {
    throw new RangeError(`maxInFlight must be an integer ≥ 1, got ${o.maxInFlight}`)
  }
}

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))

/** Runs warm-up then the measured phase; resolves with the measured phase's statistics. */
export async function runLoad(opts: LoadOptions): Promise<LoadRunResult> {
  validate(opts)
  const clock = opts.clock ?? realLoadClock
  const log = opts.log ?? (() => {})
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000
  const maxInFlight = opts.mode === 'rate' ? (opts.maxInFlight ?? 256) : (opts.concurrency ?? 1)
  const lateThresholdMs = opts.lateThresholdMs ?? 100
  const progressIntervalMs = opts.progressIntervalMs ?? 10_000

  const targets = buildTargets(opts.plan)
  if (targets.length === 0) throw new RangeError('the load plan has no endpoints')
  const pick = weightedRoundRobin(targets.map((t) => t.weight))
  const overall = new LatencyHistogram()

  const factory = opts.dispatcherFor ?? ((origin: string, connections: number) => new Pool(origin, { connections, keepAliveTimeout: 30_000 }))
  const pools = new Map<string, Dispatcher>()
  for (const t of targets) if (!pools.has(t.origin)) pools.set(t.origin, factory(t.origin, maxInFlight))

  // one controller for the whole run: user abort stops the schedule and every request
  const run = new AbortController()
  // one listener per in-flight request: up to maxInFlight at once, not a leak
  setMaxListeners(0, run.signal)
  const onUserAbort = (): void => run.abort(opts.signal?.reason)
  if (opts.signal?.aborted === true) throw new LoadAbortedError('load aborted before it started', { cause: opts.signal.reason })
  opts.signal?.addEventListener('abort', onUserAbort, { once: true })

  const wall0 = clock.wall()
  const t0 = clock.mono()
  const measuredStart = t0 + opts.warmupSec * 1000
  const end = measuredStart + opts.durationSec * 1000
  const toWall = (m: number): number => Math.round(wall0 + (m - t0))
  let lastMeasuredDone = measuredStart
  let inFlight = 0
  let totalRequests = 0
  let totalErrors = 0
  let totalDropped = 0
  let totalLate = 0

  const countError = (t: Target, kind: string): void => {
    t.errors++
    totalErrors++
    t.errorKinds.set(kind, (t.errorKinds.get(kind) ?? 0) + 1)
  }

  /** one request; `from` is where its latency is measured from */
  const exec = async (t: Target, from: number, measured: boolean): Promise<void> => {
    const pool = pools.get(t.origin)
    if (pool === undefined) return
    const ac = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      ac.abort()
    }, requestTimeoutMs)
    const onRunAbort = (): void => ac.abort()
    run.signal.addEventListener('abort', onRunAbort, { once: true })
    inFlight++
    let outcome: { ok: true } | { ok: false; kind: string }
    try {
      const res = await pool.request({ origin: t.origin, method: t.method, path: t.path, headers: t.headers, body: t.body, signal: ac.signal })
      // the latency includes the whole body, and reading it lets the connection be reused
      for await (const _chunk of res.body) {
        // drain
      }
      outcome = res.statusCode >= 200 && res.statusCode < 300 ? { ok: true } : { ok: false, kind: String(res.statusCode) }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | undefined)?.code
      outcome = { ok: false, kind: timedOut ? 'timeout' : typeof code === 'string' ? code : err instanceof Error ? err.name : 'error' }
    } finally {
      clearTimeout(timer)
      run.signal.removeEventListener('abort', onRunAbort)
      inFlight--
    }
    if (!measured || run.signal.aborted) return
    const done = clock.mono()
    if (done > lastMeasuredDone) lastMeasuredDone = done
    t.requests++
    totalRequests++
    if (outcome.ok) {
      const ms = Math.max(0, done - from)
      t.hist.record(ms)
      overall.record(ms)
    } else {
      countError(t, outcome.kind)
    }
  }

  const progress = (): void => {
    const elapsed = Math.max(0, Math.min(clock.mono(), end) - measuredStart) / 1000
    const rps = elapsed > 0 ? (totalRequests - totalDropped) / elapsed : 0
    const pct = totalRequests > 0 ? (100 * totalErrors) / totalRequests : 0
    log(
      `load ${elapsed.toFixed(0)}s/${opts.durationSec}s: ${totalRequests} requests, ${rps.toFixed(1)} rps, ` +
        `${totalErrors} errors (${pct.toFixed(1)} %), p95 ${fmtMs(overall.percentile(95))} ms, in flight ${inFlight}`
    )
  }
  let progressTimer: NodeJS.Timeout | undefined
  const startProgress = (): void => {
    log(`load: measuring for ${opts.durationSec} s (${opts.mode === 'rate' ? `${opts.rate} req/s` : `${opts.concurrency} workers`})`)
    if (progressIntervalMs > 0) progressTimer = setInterval(progress, progressIntervalMs)
  }
  const phaseTimer = setTimeout(startProgress, Math.max(0, measuredStart - clock.mono()))
  if (opts.warmupSec > 0) log(`load: warming up for ${opts.warmupSec} s`)

  const pending = new Set<Promise<void>>()
  try {
    if (opts.mode === 'rate') {
      const interval = 1000 / (opts.rate ?? 1)
      const random = opts.random ?? Math.random
      const slotDue = (slot: number): number => t0 + (slot + random()) * interval
      let k = 0
      let due = slotDue(0)
      while (!run.signal.aborted) {
        if (due >= end) break
        const now = clock.mono()
        if (due > now) {
          await clock.sleep(due - now, run.signal)
          continue
        }
        // catch up with every request that is due: the schedule does not slip
        const thisDue = due
        k++
        due = slotDue(k)
        const t = targets[pick()]
        if (t === undefined) continue
        const measured = thisDue >= measuredStart
        if (inFlight >= maxInFlight) {
          if (measured) {
            t.requests++
            totalRequests++
            totalDropped++
            countError(t, 'dropped')
          }
          continue
        }
        if (measured && now - thisDue > lateThresholdMs) {
          t.late++
          totalLate++
        }
        const p = exec(t, thisDue, measured)
        pending.add(p)
        void p.finally(() => pending.delete(p))
      }
      await Promise.all(pending)
    } else {
      const worker = async (): Promise<void> => {
        while (!run.signal.aborted) {
          const sentAt = clock.mono()
          if (sentAt >= end) return
          const t = targets[pick()]
          if (t === undefined) return
          await exec(t, sentAt, sentAt >= measuredStart)
        }
      }
      await Promise.all(Array.from({ length: opts.concurrency ?? 1 }, worker))
    }
  } catch (err) {
    if (!run.signal.aborted) throw err
  } finally {
    clearTimeout(phaseTimer)
    if (progressTimer !== undefined) clearInterval(progressTimer)
    opts.signal?.removeEventListener('abort', onUserAbort)
    const closing = [...pools.values()].map((p) => (run.signal.aborted ? p.destroy() : p.close()).catch(() => {}))
    await Promise.all(closing)
  }
  if (run.signal.aborted) {
    throw new LoadAbortedError(`load aborted after ${((clock.mono() - t0) / 1000).toFixed(1)} s`, { cause: opts.signal?.reason })
  }

  const stoppedAt = Math.max(end, lastMeasuredDone)
  const measuredSec = opts.durationSec
  progress()
  const endpoints: EndpointLoadDetail[] = targets.map((t) => ({
    service: t.service,
    name: t.name,
    method: t.method,
    path: t.planPath,
    requests: t.requests,
    errors: t.errors,
    throughput: (t.requests - (t.errorKinds.get('dropped') ?? 0)) / measuredSec,
    latencyMs: t.hist.summary(),
    errorKinds: Object.fromEntries(t.errorKinds),
    late: t.late
  }))
  return {
    startedAt: toWall(measuredStart),
    endedAt: toWall(stoppedAt),
    mode: opts.mode,
    requests: totalRequests,
    errors: totalErrors,
    throughput: (totalRequests - totalDropped) / measuredSec,
    endpoints,
    latencyMs: overall.summary(),
    dropped: totalDropped,
    late: totalLate
  }
}

export interface ErrorCheckOptions {
  /** endpoints with fewer measured requests are only judged through the overall rate (default 20) */
  minEndpointRequests?: number
}

type MaybeDetailed = EndpointLoad & { errorKinds?: Record<string, number> }

function describeKinds(kinds: Record<string, number> | undefined): string {
  if (kinds === undefined) return ''
  const parts = Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${/^\d{3}$/.test(k) ? `HTTP ${k}` : k} ×${n}`)
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`
}

/**
 * The reason the load is too broken to profile, or undefined. Fails on the overall error rate and
 * on any single endpoint above the limit: a failing low-weight endpoint hides in the overall rate,
 * yet its code path is then missing from the profiles.
 */
export function checkLoadErrors(
  result: LoadResult & { endpoints: MaybeDetailed[] },
  maxErrorRate: number,
  opts: ErrorCheckOptions = {}
): string | undefined {
  if (result.mode === 'command') return undefined
  if (result.requests === 0) return 'the load generator completed no requests in the measured phase'
  const minReq = opts.minEndpointRequests ?? 20
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`
  const rate = result.errors / result.requests
  const badEndpoints = result.endpoints.filter((e) => e.requests >= minReq && e.errors / e.requests > maxErrorRate)
  if (rate <= maxErrorRate && badEndpoints.length === 0) return undefined
  const worst = [...result.endpoints]
    .filter((e) => e.errors > 0)
    .sort((a, b) => b.errors / Math.max(1, b.requests) - a.errors / Math.max(1, a.requests) || b.errors - a.errors)
    .slice(0, 3)
    .map((e) => `${e.service} ${e.name} (${e.method} ${e.path}): ${e.errors} of ${e.requests} failed${describeKinds(e.errorKinds)}`)
  const head =
    rate > maxErrorRate
      ? `load error rate ${pct(rate)} (${result.errors} of ${result.requests} requests) exceeds the limit of ${pct(maxErrorRate)}`
      : `${badEndpoints.length} endpoint${badEndpoints.length > 1 ? 's' : ''} exceed${badEndpoints.length > 1 ? '' : 's'} the error-rate limit of ${pct(maxErrorRate)}`
  return `${head}; worst: ${worst.join('; ')}. Profiles of a failing service are not comparable: fix the stack or the load plan (or raise the error-rate limit).`
}
