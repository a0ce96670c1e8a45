import { gzipSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeSelectMergeProfileRequest, PyroscopeClient, PyroscopeError, selector, type PyroscopeClientOptions } from '../../src/pyroscope/client.js'
import { decodeProfile } from '../../src/pyroscope/pprof.js'
import { FIXTURE, fixture, fixtureJson, sendJson, startServer, type Handler, type TestServer } from './helpers.js'

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds'
const WINDOW = { from: 1779729300000, until: 1779729900000 }
const SEL = '{service_name="my-app"}'

let servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

async function setup(handler: Handler, opts: Partial<PyroscopeClientOptions> = {}, pathPrefix = '') {
  const server = await startServer(handler)
  servers.push(server)
  const client = new PyroscopeClient({ url: server.url + pathPrefix, retryBaseMs: 1, ...opts })
  return { server, client }
}

async function rejection(p: Promise<unknown>): Promise<PyroscopeError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(PyroscopeError)
    return err as PyroscopeError
  }
  throw new Error('expected a rejection')
}

describe('selector', () => {
  it('escapes backslash, quote and newline and quotes non-classic label names', () => {
    expect(selector({ service_name: 'my-app' })).toBe('{service_name="my-app"}')
    expect(selector({ service_name: 'a"b\\c\nd' })).toBe('{service_name="a\\"b\\\\c\\nd"}')
    expect(selector({ 'process.runtime.name': 'OpenJDK' })).toBe('{"process.runtime.name"="OpenJDK"}')
    expect(selector({ service_name: 'x' }, ['profile_gate!="baseline"'])).toBe('{service_name="x",profile_gate!="baseline"}')
    expect(selector({})).toBe('{}')
  })
})

describe('render', () => {
  it('sends the query, 13-digit ms times and maxNodes exactly, under a path prefix', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, fixtureJson(FIXTURE.profile)), {}, '/api/datasources/proxy/uid/abc/')
    const fg = await client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 65536 })
    const req = server.requests[0]!
    expect(req.method).toBe('GET')
    expect(req.path).toBe('/api/datasources/proxy/uid/abc/pyroscope/render')
    expect(req.url).toBe(
      '/api/datasources/proxy/uid/abc/pyroscope/render?query=process_cpu%3Acpu%3Ananoseconds%3Acpu%3Ananoseconds%7Bservice_name%3D%22my-app%22%7D&from=1779729300000&until=1779729900000&maxNodes=65536'
    )
    expect(req.query.get('query')).toBe(`${CPU}{service_name="my-app"}`)
    expect(req.headers['accept-encoding']).toContain('gzip')
    expect(fg.format).toBe('single')
    expect(fg.total).toBe(953)
    expect(fg.names[0]).toBe('total')
  })

  it('accepts gzip-compressed responses', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(gzipSync(fixture(FIXTURE.profile)))
    })
    const fg = await client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 1024 })
    expect(fg.total).toBe(953)
  })

  it('treats the empty result as total 0', async () => {
    const empty = {
      version: 1,
      flamebearer: { names: ['total'], levels: [[0, 0, 0, 0]], numTicks: 0, maxSelf: 0 },
      metadata: { format: 'single', spyName: '', sampleRate: 1e9, units: 'samples', name: 'cpu' },
      timeline: { startTime: 1779729300, samples: [0, 0], durationDelta: 15, watermarks: null },
      groups: null,
      heatmap: null
    }
    const { client } = await setup((_req, res) => sendJson(res, 200, empty))
    const fg = await client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 1024 })
    expect(fg.total).toBe(0)
  })

  it('rejects seconds, bad IDs, bad selectors and bad maxNodes before sending anything', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, {}))
    await expect(client.render({ profileTypeId: CPU, selector: SEL, window: { from: 1779729300, until: 1779729900 }, maxNodes: 10 })).rejects.toThrow(/13 digits/)
    await expect(client.render({ profileTypeId: 'myapp.cpu', selector: SEL, window: WINDOW, maxNodes: 10 })).rejects.toThrow(/invalid profile type ID/)
    await expect(client.render({ profileTypeId: CPU, selector: 'service_name="x"', window: WINDOW, maxNodes: 10 })).rejects.toThrow(/label selector/)
    await expect(client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 0 })).rejects.toThrow(/maxNodes/)
    const err = await rejection(client.render({ profileTypeId: CPU, selector: SEL, window: { from: WINDOW.until, until: WINDOW.from }, maxNodes: 10 }))
    expect(err.kind).toBe('usage')
    expect(err.message).toMatch(/render: GET .*\/pyroscope\/render: .*must be after/)
    expect(server.requests).toHaveLength(0)
  })

  it('names the endpoint and the field when the response has the wrong shape', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, { flamebearer: { names: ['total'], levels: [[0, 1, 0, 7]], numTicks: 1 } }))
    const err = await rejection(client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 10 }))
    expect(err.kind).toBe('response')
    expect(err.message).toMatch(/render/)
    expect(err.message).toMatch(/levels\[0\]\[3\]/)
  })
})

describe('renderDiff and Connect Diff', () => {
  const doubleRender = {
    version: 1,
    flamebearer: {
      names: ['total', 'a', 'e', 'd', 'c', 'b'],
      levels: [
        [0, 6, 0, 0, 24, 0, 0],
        [0, 6, 0, 0, 24, 0, 1],
        [0, 1, 1, 0, 4, 4, 5, 0, 2, 2, 0, 0, 0, 4, 0, 0, 0, 0, 8, 8, 3, 0, 3, 3, 0, 12, 12, 2]
      ],
      numTicks: 30,
      maxSelf: 12
    },
    metadata: { format: 'double', spyName: '', sampleRate: 1000000000, units: 'samples', name: 'cpu' },
    timeline: null,
    groups: null,
    heatmap: null,
    leftTicks: 6,
    rightTicks: 24
  }

  it('sends left/right queries and times and decodes the double graph', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, doubleRender))
    const right = { from: 1779733500000, until: 1779734100000 }
    const fg = await client.renderDiff({
      left: { profileTypeId: CPU, selector: selector({ service_name: 'my-app', profile_gate: 'baseline' }), window: WINDOW },
      right: { profileTypeId: CPU, selector: selector({ service_name: 'my-app' }, ['profile_gate!="baseline"']), window: right },
      maxNodes: 65536
    })
    const q = server.requests[0]!.query
    expect(server.requests[0]!.path).toBe('/pyroscope/render-diff')
    expect(Object.fromEntries(q)).toEqual({
      leftQuery: `${CPU}{service_name="my-app",profile_gate="baseline"}`,
      leftFrom: '1779729300000',
      leftUntil: '1779729900000',
      rightQuery: `${CPU}{service_name="my-app",profile_gate!="baseline"}`,
      rightFrom: '1779733500000',
      rightUntil: '1779734100000',
      maxNodes: '65536'
    })
    expect(fg.format).toBe('double')
    expect(fg.leftTotal).toBe(6)
    expect(fg.rightTotal).toBe(24)
    expect(fg.total).toBe(30)
  })

  it('refuses different profile types', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, doubleRender))
    await expect(
      client.renderDiff({
        left: { profileTypeId: CPU, selector: SEL, window: WINDOW },
        right: { profileTypeId: 'wall:wall:nanoseconds:wall:nanoseconds', selector: SEL, window: WINDOW },
        maxNodes: 10
      })
    ).rejects.toThrow(/must match/)
  })

  it('Connect Diff: request shape and int64 strings', async () => {
    const resp = {
      flamegraph: {
        names: ['total', 'a', 'e', 'd', 'c', 'b'],
        levels: [
          { values: ['0', '6', '0', '0', '24', '0', '0'] },
          { values: ['0', '6', '0', '0', '24', '0', '1'] },
          { values: ['0', '1', '1', '0', '4', '4', '5', '0', '2', '2', '0', '0', '0', '4', '0', '0', '0', '0', '8', '8', '3', '0', '3', '3', '0', '12', '12', '2'] }
        ],
        total: '30',
        maxSelf: '12',
        leftTicks: '6',
        rightTicks: '24'
      }
    }
    const { server, client } = await setup((_req, res) => sendJson(res, 200, resp))
    const fg = await client.diff({
      left: { profileTypeId: CPU, selector: SEL, window: WINDOW },
      right: { profileTypeId: CPU, selector: SEL, window: WINDOW },
      maxNodes: 4096
    })
    const req = server.requests[0]!
    expect(req.path).toBe('/querier.v1.QuerierService/Diff')
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.headers['connect-protocol-version']).toBe('1')
    const side = { profileTypeID: CPU, labelSelector: SEL, start: WINDOW.from, end: WINDOW.until, maxNodes: 4096 }
    expect(JSON.parse(req.body.toString())).toEqual({ left: side, right: side })
    expect([fg.leftTotal, fg.rightTotal, fg.total, fg.levels[2]![25]]).toEqual([6, 24, 30, 12])
  })
})

describe('Connect queries', () => {
  it('SelectMergeStacktraces decodes the real fixture (int64 strings)', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, fixture(FIXTURE.flamegraph).toString()))
    const fg = await client.selectMergeStacktraces({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 65536 })
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({
      profileTypeID: CPU,
      labelSelector: SEL,
      start: WINDOW.from,
      end: WINDOW.until,
      maxNodes: 65536
    })
    expect(server.requests[0]!.path).toBe('/querier.v1.QuerierService/SelectMergeStacktraces')
    expect(fg.total).toBe(11100000000)
    expect(fg.names).toHaveLength(1071)
    expect(fg.levels).toHaveLength(65)
  })

  it('SelectMergeStacktraces: empty results with omitted zero fields', async () => {
    const bodies = [{ flamegraph: { names: ['total'], levels: [{ values: ['0', '0', '0', '0'] }] } }, { flamegraph: {} }]
    const { client } = await setup((_req, res, i) => sendJson(res, 200, bodies[i]))
    for (let i = 0; i < bodies.length; i++) {
      const fg = await client.selectMergeStacktraces({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 10 })
      expect(fg.total).toBe(0)
    }
  })

  it('ProfileTypes: request body, omitted empty period fields', async () => {
    const { server, client } = await setup((_req, res) =>
      sendJson(res, 200, {
        profileTypes: [
          { ID: 'memory:alloc_in_new_tlab_bytes:bytes::', name: 'memory', sampleType: 'alloc_in_new_tlab_bytes', sampleUnit: 'bytes' },
          { ID: CPU, name: 'process_cpu', sampleType: 'cpu', sampleUnit: 'nanoseconds', periodType: 'cpu', periodUnit: 'nanoseconds' }
        ]
      })
    )
    const types = await client.profileTypes(WINDOW)
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({ start: WINDOW.from, end: WINDOW.until })
    expect(server.requests[0]!.path).toBe('/querier.v1.QuerierService/ProfileTypes')
    expect(types).toEqual([
      { ID: 'memory:alloc_in_new_tlab_bytes:bytes::', name: 'memory', sampleType: 'alloc_in_new_tlab_bytes', sampleUnit: 'bytes', periodType: '', periodUnit: '' },
      { ID: CPU, name: 'process_cpu', sampleType: 'cpu', sampleUnit: 'nanoseconds', periodType: 'cpu', periodUnit: 'nanoseconds' }
    ])
  })

  it('ProfileTypes: empty answer {}', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, {}))
    expect(await client.profileTypes(WINDOW)).toEqual([])
  })

  it('ProfileTypes falls back to /pyroscope/label-values?label=__name__ when Connect is missing', async () => {
    const { server, client } = await setup((req, res) => {
      if (req.path.startsWith('/querier.v1')) return sendJson(res, 404, '404 page not found')
      sendJson(res, 200, ['block:contentions:count:block:count', CPU])
    })
    const types = await client.profileTypes(WINDOW)
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /querier.v1.QuerierService/ProfileTypes',
      'GET /pyroscope/label-values?label=__name__'
    ])
    expect(types.map((t) => [t.name, t.sampleType, t.periodType])).toEqual([
      ['block', 'contentions', 'block'],
      ['process_cpu', 'cpu', 'cpu']
    ])
  })

  it('ProfileTypes fallback tolerates null (no data)', async () => {
    const { client } = await setup((req, res) => (req.path.startsWith('/querier.v1') ? sendJson(res, 501, { code: 'unimplemented', message: 'x' }) : sendJson(res, 200, 'null')))
    expect(await client.profileTypes(WINDOW)).toEqual([])
  })

  it('a malformed answer names the endpoint and the field', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, { profileTypes: [{ name: 'x' }] }))
    const err = await rejection(client.profileTypes(WINDOW))
    expect(err.message).toContain('QuerierService/ProfileTypes')
    expect(err.message).toContain('profileTypes.0.ID')
    expect(err.kind).toBe('response')
  })

  it('LabelValues: request shape and empty answers', async () => {
    const bodies: unknown[] = [{ names: ['a', 'b'] }, {}, { names: [] }]
    const { server, client } = await setup((_req, res, i) => sendJson(res, 200, bodies[i]))
    expect(await client.labelValues('service_name', '{}', WINDOW)).toEqual(['a', 'b'])
    expect(await client.labelValues('service_name', '{}', WINDOW)).toEqual([])
    expect(await client.labelValues('service_name', '{}', WINDOW)).toEqual([])
    expect(server.requests[0]!.path).toBe('/querier.v1.QuerierService/LabelValues')
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({ name: 'service_name', matchers: ['{}'], start: WINDOW.from, end: WINDOW.until })
  })

  it('Series: decodes the real fixture', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, fixture(FIXTURE.series).toString()))
    const sets = await client.series('{service_name="pyroscope"}', ['service_name', '__profile_type__'], WINDOW)
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({
      matchers: ['{service_name="pyroscope"}'],
      labelNames: ['service_name', '__profile_type__'],
      start: WINDOW.from,
      end: WINDOW.until
    })
    expect(sets.length).toBeGreaterThan(1)
    expect(sets[0]).toEqual({ __profile_type__: 'block:contentions:count:contentions:count', service_name: 'pyroscope' })
    expect(sets.every((s) => s.service_name === 'pyroscope')).toBe(true)
  })

  it('Series: empty answer', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, {}))
    expect(await client.series('{}', [], WINDOW)).toEqual([])
  })
})

describe('SelectMergeProfile', () => {
  it('sends a binary request and returns the raw pprof (gzip transport undone)', async () => {
    const gz = fixture(FIXTURE.cpuPb)
    const { server, client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/proto', 'content-encoding': 'gzip' })
      res.end(gz)
    })
    const bytes = await client.selectMergeProfile({ profileTypeId: CPU, selector: SEL, window: WINDOW })
    const req = server.requests[0]!
    expect(req.path).toBe('/querier.v1.QuerierService/SelectMergeProfile')
    expect(req.headers['content-type']).toBe('application/proto')
    expect(Buffer.from(req.body)).toEqual(Buffer.from(encodeSelectMergeProfileRequest({ profileTypeId: CPU, selector: SEL, window: WINDOW })))
    expect(Buffer.from(bytes)).toEqual(gunzipSync(gz))
    expect(decodeProfile(bytes).sample).toHaveLength(440)
  })

  it('encodes the request message with the querier.proto field numbers', () => {
    const bytes = encodeSelectMergeProfileRequest({ profileTypeId: 'a:b:c:d:e', selector: '{}', window: { from: 1, until: 300 }, maxNodes: 5 })
    // 1: "a:b:c:d:e", 2: "{}", 3: 1, 4: 300 (varint ac 02), 5: 5
    expect([...bytes]).toEqual([0x0a, 9, ...Buffer.from('a:b:c:d:e'), 0x12, 2, 0x7b, 0x7d, 0x18, 1, 0x20, 0xac, 0x02, 0x28, 5])
  })

  it('rejects a non-protobuf or corrupt answer', async () => {
    const bodies: [string, Buffer][] = [
      ['application/json', Buffer.from('{"stringTable":[""]}')],
      ['application/proto', Buffer.from([0x0a, 0x50, 0x01])]
    ]
    const { client } = await setup((_req, res, i) => {
      res.writeHead(200, { 'content-type': bodies[i]![0] })
      res.end(bodies[i]![1])
    })
    const q = { profileTypeId: CPU, selector: SEL, window: WINDOW }
    expect((await rejection(client.selectMergeProfile(q))).message).toMatch(/application\/proto/)
    expect((await rejection(client.selectMergeProfile(q))).message).toMatch(/SelectMergeProfile.*not a valid pprof/)
  })
})

describe('push', () => {
  it('sends Connect JSON with labels, a UUID and the base64 profile', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, {}))
    const profile = fixture(FIXTURE.mutexPb)
    await client.push([{ labels: { service_name: 'svc', __name__: 'mutex' }, profileGzip: profile }])
    const req = server.requests[0]!
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/push.v1.PusherService/Push')
    expect(req.headers['content-type']).toBe('application/json')
    const body = JSON.parse(req.body.toString()) as {
      series: { labels: { name: string; value: string }[]; samples: { ID: string; rawProfile: string }[] }[]
    }
    expect(body.series).toHaveLength(1)
    expect(body.series[0]!.labels).toEqual([
      { name: 'service_name', value: 'svc' },
      { name: '__name__', value: 'mutex' }
    ])
    expect(body.series[0]!.samples[0]!.ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(Buffer.from(body.series[0]!.samples[0]!.rawProfile, 'base64')).toEqual(profile)
  })

  it('reports the server validation message', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 400, { code: 'invalid_argument', message: "invalid labels '{}' with error: service name is not provided" })
    )
    const err = await rejection(client.push([{ labels: { __name__: 'mutex' }, profileGzip: new Uint8Array([1]) }]))
    expect(err.status).toBe(400)
    expect(err.message).toContain('PusherService/Push')
    expect(err.message).toContain('service name is not provided')
  })
})

describe('auth and secrets', () => {
  const token = 'glc_SUPER-secret-token-123'
  const password = 'p4ss-w0rd-secret'

  it('sends tenant and bearer headers', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, {}), { tenant: 'team-a', bearerToken: token })
    await client.labelValues('service_name', '{}', WINDOW)
    expect(server.requests[0]!.headers['x-scope-orgid']).toBe('team-a')
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${token}`)
  })

  it('sends basic auth from options or from URL userinfo, and strips userinfo from requests', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, {}), { basicAuth: { user: '123456', password } })
    await client.labelValues('service_name', '{}', WINDOW)
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`123456:${password}`).toString('base64')}`)

    const c2 = new PyroscopeClient({ url: server.url.replace('http://', `http://123456:${encodeURIComponent(password)}@`) })
    await c2.labelValues('service_name', '{}', WINDOW)
    expect(server.requests[1]!.headers.authorization).toBe(`Basic ${Buffer.from(`123456:${password}`).toString('base64')}`)
    expect(c2.baseUrl).toBe(server.url)
  })

  it('never puts credentials in error messages, even when the server echoes them', async () => {
    const { server } = await setup((req, res) =>
      sendJson(res, 401, { code: 'unauthenticated', message: `bad credentials: ${String(req.headers.authorization)} ${password} ${token}` })
    )
    const basicB64 = Buffer.from(`123456:${password}`).toString('base64')
    const clients: [PyroscopeClient, string[]][] = [
      [new PyroscopeClient({ url: server.url.replace('http://', `http://123456:${password}@`), retries: 0 }), [password, basicB64, '123456:']],
      [new PyroscopeClient({ url: server.url, basicAuth: { user: '123456', password }, retries: 0 }), [password, basicB64]],
      [new PyroscopeClient({ url: server.url, bearerToken: token, retries: 0 }), [token]]
    ]
    for (const [c, secrets] of clients) {
      const err = await rejection(c.labelValues('service_name', '{}', WINDOW))
      const text = `${err.message} ${err.url} ${err.serverMessage} ${JSON.stringify(err)} ${String(err.stack)}`
      expect(err.status).toBe(401)
      expect(err.message).toContain('unauthenticated')
      expect(err.message).toContain('***')
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
  })

  it('an invalid URL does not echo the string (it may hold credentials)', () => {
    expect(() => new PyroscopeClient({ url: `not a url ${password}` })).toThrow(/not a valid/)
    try {
      new PyroscopeClient({ url: `not a url ${password}` })
    } catch (err) {
      expect(String(err)).not.toContain(password)
    }
  })
})

describe('errors, retries and timeouts', () => {
  it('retries 503 and 429 (Retry-After 0), then succeeds', async () => {
    const statuses = [503, 429, 200]
    const retries: string[] = []
    const { server, client } = await setup(
      (_req, res, i) => (statuses[i] === 200 ? sendJson(res, 200, { names: ['x'] }) : sendJson(res, statuses[i]!, 'busy', { 'retry-after': '0' })),
      { onRetry: (r) => retries.push(`${r.attempt}:${r.reason}`) }
    )
    expect(await client.labelValues('service_name', '{}', WINDOW)).toEqual(['x'])
    expect(server.requests).toHaveLength(3)
    expect(retries).toEqual(['1:HTTP 503', '2:HTTP 429'])
  })

  it('honours Retry-After in seconds', async () => {
    const { client } = await setup((_req, res, i) => (i === 0 ? sendJson(res, 429, { code: 'resource_exhausted', message: 'slow down' }, { 'retry-after': '1' }) : sendJson(res, 200, {})))
    const t0 = Date.now()
    await client.labelValues('service_name', '{}', WINDOW)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950)
  })

  it('gives up after the configured retries and says so', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 503, { code: 'unavailable', message: 'ingester not ready' }), { retries: 2 })
    const err = await rejection(client.labelValues('service_name', '{}', WINDOW))
    expect(server.requests).toHaveLength(3)
    expect(err.status).toBe(503)
    expect(err.attempts).toBe(3)
    expect(err.message).toMatch(/HTTP 503: unavailable: ingester not ready \(after 3 attempts\)/)
  })

  it('does not retry 400 and carries the server message', async () => {
    const { server, client } = await setup((_req, res) =>
      sendJson(res, 400, { code: 'invalid_argument', message: 'the query time range exceeds the limit (max_query_length, actual: 48h0m0s, limit: 1d)' })
    )
    const err = await rejection(client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 10 }))
    expect(server.requests).toHaveLength(1)
    expect(err.status).toBe(400)
    expect(err.code).toBe('invalid_argument')
    expect(err.message).toContain(`GET ${server.url}/pyroscope/render?query=`)
    expect(err.message).toContain('returned HTTP 400: invalid_argument: the query time range exceeds the limit')
  })

  it('uses a trimmed text body when the error is not JSON', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('  404 page not found\n\n')
    })
    const err = await rejection(client.labelValues('service_name', '{}', WINDOW))
    expect(err.message).toMatch(/returned HTTP 404: 404 page not found$/)
  })

  it('times out, naming the URL', async () => {
    const { server, client } = await setup(() => undefined, { timeoutMs: 150, retries: 1 })
    const t0 = Date.now()
    const err = await rejection(client.render({ profileTypeId: CPU, selector: SEL, window: WINDOW, maxNodes: 10 }))
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(err.kind).toBe('timeout')
    expect(err.attempts).toBe(2)
    expect(server.requests).toHaveLength(2)
    expect(err.message).toContain(`${server.url}/pyroscope/render?`)
    expect(err.message).toMatch(/timed out after 150 ms \(after 2 attempts\)/)
  })

  it('reports network errors with the URL', async () => {
    const s = await startServer(() => undefined)
    const url = s.url
    await s.close()
    const client = new PyroscopeClient({ url: `${url}/prefix`, retries: 1, retryBaseMs: 1 })
    const err = await rejection(client.labelValues('service_name', '{}', WINDOW))
    expect(err.kind).toBe('network')
    expect(err.attempts).toBe(2)
    expect(err.message).toContain(`POST ${url}/prefix/querier.v1.QuerierService/LabelValues failed`)
  })

  it('bounds the requests in flight', async () => {
    let inFlight = 0
    let max = 0
    const { server, client } = await setup(
      async (_req, res) => {
        inFlight++
        max = Math.max(max, inFlight)
        await new Promise((r) => setTimeout(r, 40))
        inFlight--
        sendJson(res, 200, { names: [] })
      },
      { concurrency: 3 }
    )
    await Promise.all(Array.from({ length: 12 }, () => client.labelValues('service_name', '{}', WINDOW)))
    expect(server.requests).toHaveLength(12)
    expect(max).toBe(3)
  })
})

describe('readiness and build info', () => {
  it('waitReady polls through 503 until 200', async () => {
    const waits: number[] = []
    const { server, client } = await setup((_req, res, i) => {
      res.writeHead(i < 2 ? 503 : 200, { 'content-type': 'text/plain' })
      res.end(i < 2 ? 'Some services are not Running:\nStarting: 1' : 'ready')
    })
    const r = await client.waitReady({ timeoutMs: 5000, intervalMs: 10, onWait: (w) => waits.push(w.status) })
    expect(r).toEqual({ ready: true, status: 200, body: 'ready' })
    expect(waits).toEqual([503, 503])
    expect(server.requests.every((q) => q.path === '/ready' && q.method === 'GET')).toBe(true)
  })

  it('waitReady times out with the last body', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(503)
      res.end('Segment Writer not ready: waiting for 30s after being ready')
    })
    const err = await rejection(client.waitReady({ timeoutMs: 200, intervalMs: 20 }))
    expect(err.kind).toBe('not-ready')
    expect(err.message).toMatch(/not ready after \d+ ms/)
    expect(err.message).toContain('last answer: HTTP 503: Segment Writer not ready: waiting for 30s after being ready')
  })

  it('waitReady counts connection errors as not ready', async () => {
    const s = await startServer(() => undefined)
    await s.close()
    const client = new PyroscopeClient({ url: s.url })
    const err = await rejection(client.waitReady({ timeoutMs: 100, intervalMs: 20 }))
    expect(err.message).toContain('last answer: Pyroscope ready: GET')
  })

  it('buildInfo reads data.version, tolerates 404 and unknown shapes', async () => {
    const bodies: [number, unknown][] = [
      [200, { status: 'success', data: { version: '2.2.1', revision: 'abc123', branch: 'HEAD' } }],
      [404, '404 page not found'],
      [200, { something: 'else' }],
      [200, 'not json at all']
    ]
    const { client } = await setup((_req, res, i) => sendJson(res, bodies[i]![0], bodies[i]![1]))
    expect(await client.buildInfo()).toEqual({ version: '2.2.1', revision: 'abc123' })
    expect(await client.buildInfo()).toEqual({})
    expect(await client.buildInfo()).toEqual({})
    expect(await client.buildInfo()).toEqual({})
  })
})
