import { afterEach, describe, expect, it } from 'vitest'
import type { Flamegraph } from '../../src/profile/flamegraph.js'
import { baselineLabels, prepareBaselineProfile, uploadBaselineProfiles, waitQueryable } from '../../src/pyroscope/baseline-upload.js'
import { PyroscopeClient, selector, type PushSeries } from '../../src/pyroscope/client.js'
import { decodeProfile, profileToStacks, sampleTypes } from '../../src/pyroscope/pprof.js'
import { FIXTURE, fixture, sendJson, startServer, type TestServer } from './helpers.js'

const NOW = 1_779_729_900_123
const LABEL = { name: 'profile_gate', value: 'baseline' }
const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds'
const MUTEX = 'mutex:delay:nanoseconds:mutex:count'

let servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

describe('uploadBaselineProfiles', () => {
  it('restamps inside the ingestion window, labels each series and returns the query window', async () => {
    const pushed: PushSeries[][] = []
    const fake = { push: async (s: readonly PushSeries[]) => void pushed.push([...s]) }
    const result = await uploadBaselineProfiles(
      fake,
      [
        { service: 'orders', kind: 'cpu', profileTypeId: CPU, pprofGzip: fixture(FIXTURE.cpuPb) },
        { service: 'orders', kind: 'mutex', profileTypeId: MUTEX, pprofGzip: fixture(FIXTURE.mutexPb) }
      ],
      { label: LABEL, now: NOW }
    )
    expect(pushed).toHaveLength(1) // one request
    const [cpu, mutex] = pushed[0]!
    expect(cpu!.labels).toEqual({ __name__: 'process_cpu', __delta__: 'false', service_name: 'orders', profile_gate: 'baseline' })
    expect(mutex!.labels.__name__).toBe('mutex')

    const stampMs = NOW - 60_000
    const original = decodeProfile(fixture(FIXTURE.cpuPb))
    const up = decodeProfile(cpu!.profileGzip)
    expect(cpu!.profileGzip[0]).toBe(0x1f) // gzipped for the wire
    expect(up.timeNanos).toBe(BigInt(stampMs) * 1_000_000n)
    expect(up.durationNanos).toBeGreaterThan(0n)
    expect(up.durationNanos).toBeLessThanOrEqual(3_600_000_000_000n)
    expect(profileToStacks(up)).toEqual(profileToStacks(original))
    expect(up.periodType).toEqual(original.periodType)

    expect(result.window.from).toBeLessThanOrEqual(stampMs)
    expect(result.window.until).toBeGreaterThan(stampMs)
    expect(result.window.until).toBeGreaterThanOrEqual(NOW)
    expect(result.uploaded.map((u) => `${u.service}/${u.kind}`)).toEqual(['orders/cpu', 'orders/mutex'])
  })

  it('pushes through the real client as Connect JSON', async () => {
    const server = await startServer((_req, res) => sendJson(res, 200, {}))
    servers.push(server)
    const client = new PyroscopeClient({ url: server.url })
    await uploadBaselineProfiles(client, [{ service: 'svc', kind: 'alloc', profileTypeId: 'memory:alloc_in_new_tlab_bytes:bytes:space:bytes', pprofGzip: fixture(FIXTURE.allocPb) }], {
      label: LABEL,
      now: NOW
    })
    const body = JSON.parse(server.requests[0]!.body.toString()) as { series: { labels: { name: string; value: string }[]; samples: { rawProfile: string }[] }[] }
    expect(server.requests[0]!.path).toBe('/push.v1.PusherService/Push')
    expect(body.series[0]!.labels).toContainEqual({ name: '__name__', value: 'memory' })
    expect(body.series[0]!.labels).toContainEqual({ name: 'service_name', value: 'svc' })
    const p = decodeProfile(Buffer.from(body.series[0]!.samples[0]!.rawProfile, 'base64'))
    expect(p.timeNanos).toBe(BigInt(NOW - 60_000) * 1_000_000n)
    expect(sampleTypes(p)).toEqual([{ type: 'alloc_in_new_tlab_bytes', unit: 'bytes' }])
  })

  it('adds the period type from the ID when the stored profile has none', () => {
    const p = decodeProfile(fixture(FIXTURE.mutexPb))
    const bare = { ...p, periodType: undefined }
    const out = prepareBaselineProfile(bare, MUTEX, 5n)
    expect(out.periodType && [out.stringTable[out.periodType.type], out.stringTable[out.periodType.unit]]).toEqual(['mutex', 'count'])
    expect(bare.periodType).toBeUndefined()
  })

  it('refuses a profile whose sample type does not match the ID, and bad labels', async () => {
    const fake = { push: async () => undefined }
    await expect(
      uploadBaselineProfiles(fake, [{ service: 'svc', kind: 'cpu', profileTypeId: CPU, pprofGzip: fixture(FIXTURE.mutexPb) }], { label: LABEL, now: NOW })
    ).rejects.toThrow(/svc\/cpu: baseline profile has sample types delay:nanoseconds, expected cpu:nanoseconds/)
    expect(() => baselineLabels('', CPU, LABEL)).toThrow(/service name is empty/)
    expect(() => baselineLabels('svc', CPU, { name: 'bad-name', value: 'x' })).toThrow(/not a valid user label name/)
    await expect(uploadBaselineProfiles(fake, [], { label: LABEL, now: NOW, ageMs: 2 * 3_600_000 })).rejects.toThrow(/ingestion window/)
  })
})

describe('waitQueryable', () => {
  const fg = (total: number): Flamegraph => ({ format: 'single', names: ['total'], levels: [[0, total, 0, 0]], total, leftTotal: total, rightTotal: 0 })
  const side = { profileTypeId: CPU, selector: selector({ service_name: 'svc', profile_gate: 'baseline' }), window: { from: NOW - 61_000, until: NOW + 1000 } }

  it('polls render until the total is positive', async () => {
    const totals = [0, 0, 42]
    const calls: unknown[] = []
    const client = {
      render: async (o: unknown) => {
        calls.push(o)
        return fg(totals.shift() ?? 0)
      }
    }
    const r = await waitQueryable(client, { ...side, intervalMs: 5, timeoutMs: 2000 })
    expect(r.total).toBe(42)
    expect(calls).toHaveLength(3)
    expect(calls[0]).toEqual({ ...side, maxNodes: 8192 })
  })

  it('times out with the selector in the message', async () => {
    const client = { render: async () => fg(0) }
    await expect(waitQueryable(client, { ...side, intervalMs: 10, timeoutMs: 60 })).rejects.toThrow(/profile_gate="baseline"} not queryable after \d+ ms/)
  })
})
