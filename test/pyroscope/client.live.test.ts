// Runs against a real Pyroscope only when PYROSCOPE_URL is set (e.g. http://127.0.0.1:4040).
// Pushes a golden pprof under a unique service name, waits until it is queryable, renders it,
// diffs it against itself and checks the totals.
import { describe, expect, it } from 'vitest'
import { uploadBaselineProfiles, waitQueryable } from '../../src/pyroscope/baseline-upload.js'
import { PyroscopeClient, selector } from '../../src/pyroscope/client.js'
import { resolveProfileTypes } from '../../src/pyroscope/discovery.js'
import { decodeProfile, profileToStacks } from '../../src/pyroscope/pprof.js'
import { FIXTURE, fixture } from './helpers.js'

const url = process.env.PYROSCOPE_URL

describe.skipIf(!url)('live Pyroscope (skipped: set PYROSCOPE_URL to run against a live server)', () => {
  const client = new PyroscopeClient({
    url: url ?? 'http://127.0.0.1:4040',
    ...(process.env.PYROSCOPE_TENANT ? { tenant: process.env.PYROSCOPE_TENANT } : {}),
    retries: 2
  })
  const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds'
  const MUTEX = 'mutex:delay:nanoseconds:mutex:count'
  const service = `profile-gate-live-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  const label = { name: 'profile_gate', value: 'baseline' }

  it('is ready and tells its version', async () => {
    await client.waitReady({ timeoutMs: 120_000, intervalMs: 1000 })
    const info = await client.buildInfo()
    console.log(`live Pyroscope at ${client.baseUrl}: ${JSON.stringify(info)}`)
  }, 130_000)

  it('push → queryable → render → renderDiff → SelectMergeProfile', async () => {
    const now = Date.now()
    const cpuExpected = profileToStacks(decodeProfile(fixture(FIXTURE.cpuPb))).total
    const mutexExpected = profileToStacks(decodeProfile(fixture(FIXTURE.mutexPb))).total
    const { window } = await uploadBaselineProfiles(
      client,
      [
        { service, kind: 'cpu', profileTypeId: CPU, pprofGzip: fixture(FIXTURE.cpuPb) },
        { service, kind: 'mutex', profileTypeId: MUTEX, pprofGzip: fixture(FIXTURE.mutexPb) }
      ],
      { label, now }
    )
    const sel = selector({ service_name: service, [label.name]: label.value })
    const first = await waitQueryable(client, { profileTypeId: CPU, selector: sel, window, timeoutMs: 60_000 })
    expect(first.total).toBe(cpuExpected)

    const rendered = await client.render({ profileTypeId: CPU, selector: sel, window, maxNodes: 65536 })
    expect(rendered.total).toBe(cpuExpected)
    expect(rendered.names).toContain('org/apache/kafka/common/utils/ByteUtils.readVarint')

    const viaConnect = await client.selectMergeStacktraces({ profileTypeId: CPU, selector: sel, window, maxNodes: 65536 })
    expect(viaConnect.total).toBe(cpuExpected)

    const side = { profileTypeId: CPU, selector: sel, window }
    const d = await client.renderDiff({ left: side, right: side, maxNodes: 65536 })
    expect(d.format).toBe('double')
    expect(d.leftTotal).toBe(cpuExpected)
    expect(d.rightTotal).toBe(cpuExpected)
    const d2 = await client.diff({ left: side, right: side, maxNodes: 65536 })
    expect([d2.leftTotal, d2.rightTotal]).toEqual([cpuExpected, cpuExpected])

    const mutex = await waitQueryable(client, { profileTypeId: MUTEX, selector: sel, window, timeoutMs: 30_000 })
    expect(mutex.total).toBe(mutexExpected)

    const pprof = decodeProfile(await client.selectMergeProfile({ profileTypeId: CPU, selector: sel, window }))
    expect(profileToStacks(pprof).total).toBe(cpuExpected)

    const types = await client.profileTypes({ from: window.from, until: window.until })
    const resolved = resolveProfileTypes(types, ['cpu', 'mutex'])
    expect(resolved.ids).toEqual({ cpu: CPU, mutex: MUTEX })

    expect(await client.labelValues('service_name', sel, window)).toEqual([service])
    const series = await client.series(sel, ['service_name', '__profile_type__'], window)
    expect(series.map((s) => s.__profile_type__).sort()).toEqual([MUTEX, CPU].sort())
  }, 120_000)

  it('reports a server validation error with its message', async () => {
    const w = { from: Date.now() - 48 * 3_600_000, until: Date.now() }
    await expect(client.render({ profileTypeId: CPU, selector: selector({ service_name: service }), window: w, maxNodes: 1024 })).rejects.toThrow(/HTTP 400/)
  })
})
