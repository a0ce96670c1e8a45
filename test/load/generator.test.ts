// Against real loopback servers (127.0.0.1:0) with a known latency distribution. Durations are
// short and tolerances generous: the machine has 2 cores and other tests run beside these.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { checkLoadErrors, runLoad, weightedRoundRobin } from '../../src/load/generator.js'
import type { LoadRunResult } from '../../src/load/generator.js'
import type { LoadPlan } from '../../src/load/plan.js'
import { LoadResultSchema } from '../../src/model.js'

interface TestServer {
  url: string
  hits: Map<string, number>
  bodies: { method: string; body: string; headers: IncomingMessage['headers'] }[]
  /** performance.now() at each request's arrival */
  arrivals: number[]
  maxConcurrent: number
  close(): Promise<void>
}

const servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function startServer(): Promise<TestServer> {
  let concurrent = 0
  const s: TestServer = { url: '', hits: new Map(), bodies: [], arrivals: [], maxConcurrent: 0, close: async () => {} }
  const later = (ms: number, res: ServerResponse, status = 200): void => {
    setTimeout(() => {
      res.statusCode = status
      res.end('ok')
    }, ms)
  }
  const server = createServer((req, res) => {
    s.arrivals.push(performance.now())
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const n = (s.hits.get(path) ?? 0) + 1
    s.hits.set(path, n)
    concurrent++
    s.maxConcurrent = Math.max(s.maxConcurrent, concurrent)
    res.on('close', () => concurrent--)
    if (path === '/mixed') later(n % 10 === 0 ? 50 : 10, res) // exactly 10 % at 50 ms, 90 % at 10 ms
    else if (path === '/slow20') later(20, res)
    else if (path === '/fail') later(0, res, 500)
    else if (path === '/hang') return // never answers: the client's timeout must fire
    else if (path === '/echo') {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => (body += c))
      req.on('end', () => {
        s.bodies.push({ method: req.method ?? '', body, headers: req.headers })
        later(0, res)
      })
    } else later(0, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  s.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections()
      server.close(() => r())
    })
  servers.push(s)
  return s
}

function plan(services: { name: string; baseUrl: string; endpoints: LoadPlan['services'][number]['endpoints'] }[]): LoadPlan {
  return { version: 1, services }
}

const ep = (name: string, path: string, weight = 1, method: 'GET' | 'POST' = 'GET') => ({ name, method, path, weight })

function within(value: number, lo: number, hi: number, label: string): void {
  expect(value, `${label} = ${value}, want [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo)
  expect(value, `${label} = ${value}, want [${lo}, ${hi}]`).toBeLessThanOrEqual(hi)
}

describe('runLoad, rate mode', () => {
  it('holds the rate and reports percentiles of a known latency distribution', async () => {
    const s = await startServer()
    const lines: string[] = []
    const before = Date.now()
    const r = await runLoad({
      plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('mixed', '/mixed?x=1')] }]),
      mode: 'rate',
      rate: 20,
      warmupSec: 1,
      durationSec: 5,
      progressIntervalMs: 1_000,
      log: (l) => lines.push(l)
    })
    const e = r.endpoints[0]
    if (e === undefined) throw new Error('no endpoint')
    within(r.requests, 85, 115, 'requests') // 20 rps × 5 s = 100
    expect(r.errors).toBe(0)
    within(r.throughput, 17, 23, 'throughput')
    within(e.latencyMs.p50, 9, 30, 'p50')
    within(e.latencyMs.p95, 45, 90, 'p95')
    within(e.latencyMs.p99, 45, 120, 'p99')
    expect(e.latencyMs.max).toBeGreaterThanOrEqual(49)
    expect(r.latencyMs).toEqual(e.latencyMs)
    // warm-up requests reached the server but are not reported
    within(s.hits.get('/mixed') ?? 0, r.requests + 15, r.requests + 25, 'server hits')
    within(r.startedAt - before, 900, 1_500, 'warm-up')
    within(r.endedAt - r.startedAt, 5_000, 6_000, 'measured phase')
    expect(e).toMatchObject({ service: 'svc', name: 'mixed', method: 'GET', path: '/mixed?x=1' })
    expect(LoadResultSchema.parse(r).mode).toBe('rate')
    expect(lines[0]).toMatch(/warming up for 1 s/)
    const progress = lines.filter((l) => /^load \d+s\/5s: \d+ requests, [\d.]+ rps, 0 errors \(0\.0 %\), p95 [\d.]+ ms, in flight \d+$/.test(l))
    within(progress.length, 4, 7, 'progress lines')
  })

  it('splits requests by weight across services and sends bodies and headers', async () => {
    const a = await startServer()
    const b = await startServer()
    const r = await runLoad({
      plan: plan([
        { name: 'a', baseUrl: a.url, endpoints: [ep('fast', '/fast', 3)] },
        {
          name: 'b',
          baseUrl: `${b.url}/`,
          endpoints: [{ ...ep('echo', '/echo', 1, 'POST'), body: { from: 'A1', amount: '12.50' }, headers: { 'x-test': 'yes' } }]
        }
      ]),
      mode: 'rate',
      rate: 100,
      warmupSec: 0,
      durationSec: 2,
      progressIntervalMs: 0
    })
    const [fa, fb] = r.endpoints
    within(r.requests, 170, 230, 'requests')
    expect(r.errors).toBe(0)
    // smooth weighted round-robin: exact 3:1 up to one cycle
    within((fa?.requests ?? 0) - 3 * (fb?.requests ?? 0), -3, 3, '3:1 split')
    const sent = b.bodies[0]
    expect(sent?.method).toBe('POST')
    expect(JSON.parse(sent?.body ?? 'null')).toEqual({ from: 'A1', amount: '12.50' })
    expect(sent?.headers['content-type']).toBe('application/json')
    expect(sent?.headers['x-test']).toBe('yes')
  })

  it('places each request at a random point of its slot, so arrivals are not phase-locked to any clock', async () => {
    // A periodic sampler (the profiler's tick-driven itimer) sees periodic arrivals at one phase only.
    // Mean resultant length of the arrival phases modulo the slot: ~1 when locked, ~1/sqrt(n) when uniform.
    const phaseLock = (times: number[], periodMs: number): number => {
      let c = 0
      let sn = 0
      for (const t of times) {
        c += Math.cos((2 * Math.PI * t) / periodMs)
        sn += Math.sin((2 * Math.PI * t) / periodMs)
      }
      return Math.hypot(c, sn) / times.length
    }
    const jittered = await startServer()
    const periodic = await startServer()
    const load = (s: TestServer, random?: () => number) =>
      runLoad({ plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('x', '/fast')] }]), mode: 'rate', rate: 25, warmupSec: 0, durationSec: 3, progressIntervalMs: 0, random })
    const [rj, rp] = await Promise.all([load(jittered), load(periodic, () => 0)])
    // the slot count is exact either way: 25 req/s × 3 s
    expect(rj.requests).toBe(75)
    expect(rp.requests).toBe(75)
    within(phaseLock(periodic.arrivals, 40), 0.6, 1, 'phase lock, slot starts (control)')
    // uniform phases: n·R² is ~Exp(1), so R < 0.4 fails with p < 1e-5
    within(phaseLock(jittered.arrivals, 40), 0, 0.4, 'phase lock, jittered')
  })

  it('counts 500s and timeouts per endpoint, and checkLoadErrors names them', async () => {
    const s = await startServer()
    const r = await runLoad({
      plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('ok', '/fast', 2), ep('broken', '/fail'), ep('stuck', '/hang')] }]),
      mode: 'rate',
      rate: 40,
      warmupSec: 0,
      durationSec: 1.5,
      requestTimeoutMs: 300,
      progressIntervalMs: 0
    })
    const [ok, broken, stuck] = r.endpoints
    within(r.requests, 50, 70, 'requests')
    expect(ok?.errors).toBe(0)
    expect(broken?.errors).toBe(broken?.requests)
    expect(broken?.errorKinds).toEqual({ '500': broken?.requests })
    expect(stuck?.errorKinds).toEqual({ timeout: stuck?.requests })
    within(stuck?.requests ?? 0, 12, 18, 'stuck requests')
    expect(r.errors).toBe((broken?.errors ?? 0) + (stuck?.errors ?? 0))
    // the stuck requests of the last moments are waited for (timeout), not abandoned
    within(r.endedAt - r.startedAt, 1_500, 2_300, 'measured phase incl. drain')
    const reason = checkLoadErrors(r, 0.05)
    expect(reason).toMatch(/^load error rate 50\.0 % \(\d+ of \d+ requests\) exceeds the limit of 5\.0 %/)
    expect(reason).toMatch(/svc broken \(GET \/fail\): \d+ of \d+ failed \(HTTP 500 ×\d+\)/)
    expect(reason).toMatch(/svc stuck \(GET \/hang\): \d+ of \d+ failed \(timeout ×\d+\)/)
    expect(reason).not.toMatch(/svc ok/)
    expect(checkLoadErrors(r, 0.6)).toBeUndefined()
  })

  it('drops requests above maxInFlight and counts them as errors', async () => {
    const s = await startServer()
    const r = await runLoad({
      plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('stuck', '/hang')] }]),
      mode: 'rate',
      rate: 50,
      warmupSec: 0,
      durationSec: 1,
      maxInFlight: 5,
      requestTimeoutMs: 1_500,
      progressIntervalMs: 0
    })
    const e = r.endpoints[0]
    within(r.requests, 45, 55, 'requests')
    within(r.dropped, 38, 48, 'dropped')
    expect(e?.errorKinds).toEqual({ dropped: r.dropped, timeout: 5 })
    expect(s.maxConcurrent).toBeLessThanOrEqual(5)
    within(r.throughput, 4.9, 5.1, 'throughput (sent)')
  })

  it('reports network errors by code', async () => {
    const s = await startServer()
    const url = s.url
    await s.close()
    const r = await runLoad({
      plan: plan([{ name: 'gone', baseUrl: url, endpoints: [ep('x', '/')] }]),
      mode: 'rate',
      rate: 20,
      warmupSec: 0,
      durationSec: 0.5,
      progressIntervalMs: 0
    })
    expect(r.requests).toBeGreaterThan(5)
    expect(r.errors).toBe(r.requests)
    expect(Object.keys(r.endpoints[0]?.errorKinds ?? {})).toEqual(['ECONNREFUSED'])
    expect(checkLoadErrors(r, 0.05)).toMatch(/gone x \(GET \/\): \d+ of \d+ failed \(ECONNREFUSED ×\d+\)/)
  })
})

describe('runLoad, concurrency mode', () => {
  it('runs N closed-loop workers', async () => {
    const s = await startServer()
    const lines: string[] = []
    const r = await runLoad({
      plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('slow', '/slow20')] }]),
      mode: 'concurrency',
      concurrency: 4,
      warmupSec: 0.5,
      durationSec: 2,
      progressIntervalMs: 500,
      log: (l) => lines.push(l)
    })
    // at most 4 × 2000 / 20 = 400; scheduling noise only lowers it
    within(r.requests, 150, 410, 'requests')
    expect(r.errors).toBe(0)
    expect(s.maxConcurrent).toBeLessThanOrEqual(4)
    within(r.endpoints[0]?.latencyMs.p50 ?? 0, 19.5, 45, 'p50')
    within(r.throughput, 75, 205, 'throughput')
    expect(r.mode).toBe('concurrency')
    expect(lines.some((l) => l.includes('4 workers'))).toBe(true)
    expect(lines.filter((l) => l.startsWith('load ')).length).toBeGreaterThanOrEqual(3)
  })
})

describe('runLoad, control', () => {
  it('stops promptly on abort', async () => {
    const s = await startServer()
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 500)
    const started = Date.now()
    const p = runLoad({
      plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('mixed', '/mixed'), ep('stuck', '/hang')] }]),
      mode: 'rate',
      rate: 20,
      warmupSec: 0,
      durationSec: 10,
      signal: ac.signal
    })
    await expect(p).rejects.toMatchObject({ name: 'AbortError', message: expect.stringMatching(/load aborted after/) as unknown })
    expect(Date.now() - started).toBeLessThan(2_000)

    const pre = new AbortController()
    pre.abort()
    await expect(runLoad({ plan: plan([{ name: 'svc', baseUrl: s.url, endpoints: [ep('x', '/')] }]), mode: 'concurrency', concurrency: 1, warmupSec: 0, durationSec: 1, signal: pre.signal })).rejects.toThrow(/aborted before it started/)
  })

  it('rejects invalid options', async () => {
    const p = plan([{ name: 'svc', baseUrl: 'http://127.0.0.1:9', endpoints: [ep('x', '/')] }])
    await expect(runLoad({ plan: p, mode: 'rate', warmupSec: 0, durationSec: 1 })).rejects.toThrow(/positive rate/)
    await expect(runLoad({ plan: p, mode: 'concurrency', concurrency: 0, warmupSec: 0, durationSec: 1 })).rejects.toThrow(/concurrency ≥ 1/)
    await expect(runLoad({ plan: p, mode: 'rate', rate: 1, warmupSec: 0, durationSec: 0 })).rejects.toThrow(/durationSec/)
  })
})

describe('weightedRoundRobin and checkLoadErrors', () => {
  it('interleaves exactly by weight', () => {
    const next = weightedRoundRobin([5, 1, 1])
    const picks = Array.from({ length: 70 }, next)
    expect(picks.filter((i) => i === 0)).toHaveLength(50)
    expect(picks.filter((i) => i === 1)).toHaveLength(10)
    expect(picks.slice(0, 7)).toEqual([0, 0, 1, 0, 2, 0, 0])
  })

  it('fails on one broken endpoint hidden in a good overall rate', () => {
    const mk = (name: string, requests: number, errors: number, errorKinds?: Record<string, number>) => ({
      service: 'svc',
      name,
      method: 'GET',
      path: `/${name}`,
      requests,
      errors,
      throughput: 1,
      latencyMs: { p50: 1, p95: 1, p99: 1, max: 1 },
      ...(errorKinds === undefined ? {} : { errorKinds })
    })
    const result: LoadRunResult | Parameters<typeof checkLoadErrors>[0] = {
      startedAt: 1,
      endedAt: 2,
      mode: 'rate',
      requests: 1_030,
      errors: 30,
      throughput: 1,
      endpoints: [mk('main', 1_000, 0), mk('rare', 30, 30, { '503': 30 }), mk('tiny', 0, 0)]
    }
    expect(checkLoadErrors(result, 0.05)).toMatch(/^1 endpoint exceeds the error-rate limit of 5\.0 %; worst: svc rare \(GET \/rare\): 30 of 30 failed \(HTTP 503 ×30\)/)
    expect(checkLoadErrors(result, 0.05, { minEndpointRequests: 50 })).toBeUndefined()
    expect(checkLoadErrors({ ...result, requests: 0, errors: 0, endpoints: [] }, 0.05)).toMatch(/no requests/)
    expect(checkLoadErrors({ ...result, mode: 'command', requests: 0 }, 0.05)).toBeUndefined()
  })
})
