import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { waitForHttp, waitForServicesInPyroscope, waitForSettledTotals } from '../../src/stack/wait.js'
import type { Clock } from '../../src/stack/wait.js'

/** virtual time: sleeping advances the clock instantly */
function fakeClock(): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms)
      c.t += ms
    }
  }
  return c
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) }
}

async function closedPortUrl(): Promise<string> {
  const s = await listen((_q, r) => r.end())
  await s.close()
  return `${s.url}/health`
}

describe('waitForHttp', () => {
  it('polls until 200 and names the URLs that never became healthy', async () => {
    let hits = 0
    const s = await listen((_req, res) => {
      hits++
      res.statusCode = hits < 3 ? 503 : 200
      res.end('x')
    })
    try {
      const r = await waitForHttp([`${s.url}/health`], { timeoutMs: 5_000, intervalMs: 50 })
      expect(hits).toBe(3)
      expect(r.elapsedMs).toBeGreaterThanOrEqual(90)

      const dead = await closedPortUrl()
      const sick = await listen((_req, res) => {
        res.statusCode = 500
        res.end()
      })
      try {
        const err = await waitForHttp([`${s.url}/health`, dead, `${sick.url}/ready`], { timeoutMs: 400, intervalMs: 100 }).catch((e: unknown) => e as Error)
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toContain(`${dead} (last: `)
        expect((err as Error).message).toMatch(/ECONNREFUSED/)
        expect((err as Error).message).toContain(`${sick.url}/ready (last: status 500)`)
        expect((err as Error).message).not.toContain(`${s.url}/health`)
      } finally {
        await sick.close()
      }
    } finally {
      await s.close()
    }
  })
})

describe('waitForServicesInPyroscope', () => {
  it('resolves once every expected service is listed', async () => {
    const clock = fakeClock()
    const answers = [['a'], ['a', 'b'], ['a', 'b', 'c']]
    let i = 0
    const r = await waitForServicesInPyroscope(async () => answers[Math.min(i++, 2)] ?? [], ['b', 'c'], { timeoutMs: 60_000, intervalMs: 1_000, clock })
    expect(r.services).toEqual(['a', 'b', 'c'])
    expect(r.elapsedMs).toBe(2_000)
  })

  it('names the missing services and the last query error', async () => {
    const clock = fakeClock()
    let calls = 0
    const err = await waitForServicesInPyroscope(
      async () => {
        calls++
        if (calls > 3) throw new Error('connect ECONNREFUSED 127.0.0.1:4040')
        return ['ledger']
      },
      ['ledger', 'bank-api-gateway'],
      { timeoutMs: 10_000, intervalMs: 2_000, clock }
    ).then(
      () => new Error('resolved'),
      (e: unknown) => e as Error
    )
    expect(err.message).toMatch(/not visible in Pyroscope after 10\.0 s: bank-api-gateway \(seen: ledger\); last query error: connect ECONNREFUSED/)
    expect(clock.t).toBe(10_000)
  })
})

describe('waitForSettledTotals', () => {
  it('returns once totals stop growing for stableRounds polls', async () => {
    const clock = fakeClock()
    // grows for 3 polls, then stays
    const series = [{ a: 100, b: 5 }, { a: 200, b: 5 }, { a: 300, b: 9 }]
    let poll = 0
    const lines: string[] = []
    const r = await waitForSettledTotals(async () => series[Math.min(poll++, 2)] ?? {}, {
      intervalMs: 10,
      timeoutMs: 5_000,
      log: (l) => lines.push(l)
    })
    expect(r.totals).toEqual({ a: 300, b: 9 })
    expect(r.polls).toBe(5)
    expect(r.elapsedMs).toBeGreaterThanOrEqual(35)
    expect(lines[1]).toContain('growing: a')
    expect(lines[4]).toContain('stable 2/2')

    poll = 0
    const withClock = await waitForSettledTotals(async () => series[Math.min(poll++, 2)] ?? {}, {
      intervalMs: 5_000,
      timeoutMs: 120_000,
      clock
    })
    expect(withClock.polls).toBe(5)
    expect(withClock.elapsedMs).toBe(20_000)
  })

  it('honours minWaitMs and waits for expected services to appear', async () => {
    const clock = fakeClock()
    let poll = 0
    const r = await waitForSettledTotals(
      async (): Promise<Record<string, number>> => {
        poll++
        return poll < 4 ? { a: 10 } : { a: 10, b: 7 }
      },
      { intervalMs: 1_000, timeoutMs: 60_000, minWaitMs: 10_000, expected: ['a', 'b'], clock }
    )
    expect(r.totals).toEqual({ a: 10, b: 7 })
    expect(r.elapsedMs).toBe(10_000)
  })

  it('times out naming the services that keep growing', async () => {
    const clock = fakeClock()
    let n = 0
    const err = await waitForSettledTotals(async () => ({ steady: 5, busy: ++n * 10 }), { intervalMs: 5_000, timeoutMs: 30_000, clock }).then(
      () => new Error('resolved'),
      (e: unknown) => e as Error
    )
    expect(err.message).toMatch(/did not settle within 30\.0 s; still growing or missing: busy$/)
  })

  it('treats a failing read as not stable and keeps polling', async () => {
    const clock = fakeClock()
    let n = 0
    const r = await waitForSettledTotals(
      async () => {
        n++
        if (n === 3) throw new Error('503')
        return { a: 1 }
      },
      { intervalMs: 1_000, timeoutMs: 60_000, clock }
    )
    expect(r.polls).toBe(5) // 1, 2 (stable 1), error (reset), 4 (stable 1), 5 (stable 2)
  })
})
