// HTTP client for Grafana Pyroscope 1.x/2.x (spec: shared/docs/pyroscope-api.md): readiness,
// discovery, legacy render/render-diff, the Connect querier API and Connect push. Built on undici
// with an injectable Dispatcher; every response is validated with zod, every failure is a
// PyroscopeError whose message names the endpoint, the URL without credentials, the HTTP status
// and the server's message. Credentials never reach an error message or a callback.
import { randomUUID } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { request, type Dispatcher } from 'undici'
import { z } from 'zod'
import { decodeFlamegraph, FlamegraphError, type Flamegraph } from '../profile/flamegraph.js'
import { parseProfileTypeId, ProfileTypeIdError, type ProfileType } from './discovery.js'
import { decodeProfile, isGzip, PprofError } from './pprof.js'

export type { ProfileType } from './discovery.js'

export interface PyroscopeClientOptions {
  /** base URL, may carry a path prefix (Grafana datasource proxy) and userinfo (used as basic auth) */
  url: string
  /** X-Scope-OrgID, only for multi-tenant servers */
  tenant?: string
  /** Grafana Cloud: user = stack ID, password = access policy token */
  basicAuth?: { user: string; password: string }
  /** e.g. a Grafana service account token behind the datasource proxy (basicAuth wins if both are set) */
  bearerToken?: string
  /** per request attempt, default 30 000 */
  timeoutMs?: number
  /** max requests in flight for this client, default 4 */
  concurrency?: number
  /** retries after the first attempt on 429/5xx/network errors/timeouts, default 3 */
  retries?: number
  /** first backoff step, default 500 ms (doubles per retry, jittered) */
  retryBaseMs?: number
  /** cap for one backoff or Retry-After wait, default 30 000 ms */
  maxRetryDelayMs?: number
  /** undici dispatcher (tests, proxies); default: undici's global dispatcher */
  dispatcher?: Dispatcher
  /** called before each retry wait; the URL is already stripped of credentials */
  onRetry?: (info: RetryInfo) => void
}

export interface RetryInfo {
  endpoint: string
  method: string
  url: string
  attempt: number
  delayMs: number
  reason: string
}

export interface TimeWindow {
  /** Unix ms */
  from: number
  /** Unix ms */
  until: number
}

export interface QuerySide {
  profileTypeId: string
  /** label selector such as `{service_name="x"}` (see `selector()`) */
  selector: string
  window: TimeWindow
}

export interface ReadyResult {
  ready: boolean
  status: number
  body: string
}

export interface PushSeries {
  labels: Record<string, string>
  /** gzipped (or raw) pprof bytes */
  profileGzip: Uint8Array
}

export type PyroscopeErrorKind = 'http' | 'network' | 'timeout' | 'response' | 'usage' | 'not-ready'

export class PyroscopeError extends Error {
  readonly endpoint: string
  readonly method: string
  /** request URL without credentials */
  readonly url: string
  readonly status: number | undefined
  /** Connect/legacy error `code`, when the server sent one */
  readonly code: string | undefined
  readonly serverMessage: string | undefined
  readonly kind: PyroscopeErrorKind
  readonly attempts: number

  constructor(init: {
    message: string
    endpoint: string
    method: string
    url: string
    kind: PyroscopeErrorKind
    status?: number
    code?: string
    serverMessage?: string
    attempts?: number
  }) {
    super(init.message)
    this.name = 'PyroscopeError'
    this.endpoint = init.endpoint
    this.method = init.method
    this.url = init.url
    this.kind = init.kind
    this.status = init.status
    this.code = init.code
    this.serverMessage = init.serverMessage
    this.attempts = init.attempts ?? 1
  }
}

// ---------------------------------------------------------------------------------------------
// selectors and time

const BARE_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

/**
 * Builds a label selector `{service_name="x",env="prod"}` with escaped values. Label names that
 * are not classic Prometheus names (e.g. `process.runtime.name`) are quoted, which the server's
 * parser accepts (pyroscope-api.md §3.1). `extraMatchers` are appended verbatim
 * (e.g. `profile_gate!="baseline"`).
 */
export function selector(labels: Record<string, string>, extraMatchers: readonly string[] = []): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(labels)) {
    if (!name) throw new Error('selector: empty label name')
    const n = BARE_LABEL_NAME.test(name) ? name : `"${escapeLabelValue(name)}"`
    parts.push(`${n}="${escapeLabelValue(value)}"`)
  }
  for (const m of extraMatchers) {
    const t = m.trim()
    if (t) parts.push(t)
  }
  return `{${parts.join(',')}}`
}

/** 13-digit Unix ms, the only time format the legacy endpoints parse unambiguously (§4.4) */
function msParam(t: number, field: string): string {
  if (!Number.isInteger(t) || t < 1e12 || t >= 1e13) {
    throw new Error(`${field} must be Unix milliseconds (13 digits), got ${t}`)
  }
  return String(t)
}

function checkWindow(w: TimeWindow, what: string): void {
  msParam(w.from, `${what}.from`)
  msParam(w.until, `${what}.until`)
  if (w.until <= w.from) throw new Error(`${what}: until (${w.until}) must be after from (${w.from})`)
}

function checkSelector(s: string, what: string): void {
  if (!/^\{[\s\S]*\}$/.test(s.trim())) throw new Error(`${what}: label selector must look like {name="value"}, got ${JSON.stringify(s)}`)
}

function checkMaxNodes(n: number): void {
  // server limits: 1 .. max_flamegraph_nodes_max (default 1,048,576)
  if (!Number.isInteger(n) || n < 1 || n > 1_048_576) throw new Error(`maxNodes must be an integer in 1..1048576, got ${n}`)
}

// ---------------------------------------------------------------------------------------------
// small helpers

class Semaphore {
  private active = 0
  private readonly queue: (() => void)[] = []
  private readonly limit: number
  constructor(limit: number) {
    this.limit = limit
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      return
    }
    await new Promise<void>((resolve) => this.queue.push(resolve))
  }

  release(): void {
    const next = this.queue.shift()
    // hand the slot straight to the next waiter so the count never exceeds the limit
    if (next) next()
    else this.active--
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Retry-After: delta seconds or an HTTP date */
function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined
  const t = v.trim()
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000)
  const d = Date.parse(t)
  return Number.isNaN(d) ? undefined : Math.max(0, d - now)
}

function formatZodIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}

const ConnectErrorSchema = z.object({ code: z.string().optional(), message: z.string().optional() })

// Connect JSON: int64 as strings, zero values and empty strings omitted (§6.1)
const ProfileTypeJson = z.object({
  ID: z.string().min(1),
  name: z.string().optional(),
  sampleType: z.string().optional(),
  sampleUnit: z.string().optional(),
  periodType: z.string().optional(),
  periodUnit: z.string().optional()
})
const ProfileTypesResponse = z.object({ profileTypes: z.array(ProfileTypeJson).optional() })
const LabelValuesResponse = z.object({ names: z.array(z.string()).nullable().optional() })
const LabelPairJson = z.object({ name: z.string(), value: z.string().optional() })
const SeriesResponse = z.object({
  labelsSet: z.array(z.object({ labels: z.array(LabelPairJson).nullable().optional() })).nullable().optional()
})
const LegacyLabelValuesResponse = z.array(z.string()).nullable()
const BuildInfoFields = z.object({ version: z.string().optional(), revision: z.string().optional() })
const BuildInfoResponse = BuildInfoFields.extend({ data: BuildInfoFields.optional() })
const EmptyResponse = z.object({}).passthrough()

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

interface CallSpec {
  endpoint: string
  method: 'GET' | 'POST'
  path: string
  query?: Record<string, string>
  body?: string | Uint8Array
  headers?: Record<string, string>
  /** statuses returned to the caller instead of thrown (readiness) */
  accept?: (status: number) => boolean
  /** override the client's retry count */
  retries?: number
  timeoutMs?: number
}

// ---------------------------------------------------------------------------------------------
// the client

export class PyroscopeClient {
  private readonly origin: string
  private readonly basePath: string
  private readonly authHeaders: Record<string, string>
  private readonly secrets: string[]
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly retryBaseMs: number
  private readonly maxRetryDelayMs: number
  private readonly dispatcher: Dispatcher | undefined
  private readonly semaphore: Semaphore
  private readonly onRetry: ((info: RetryInfo) => void) | undefined

  constructor(opts: PyroscopeClientOptions) {
    let u: URL
    try {
      u = new URL(opts.url)
    } catch {
      // the raw string may hold credentials: do not echo it
      throw new Error('Pyroscope URL is not a valid absolute URL')
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Pyroscope URL must be http(s), got ${u.protocol}`)
    let basic = opts.basicAuth
    if (!basic && (u.username || u.password)) {
      basic = { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }
    }
    u.username = ''
    u.password = ''
    this.origin = u.origin
    this.basePath = u.pathname.replace(/\/+$/, '')

    this.authHeaders = {}
    this.secrets = []
    if (opts.tenant) this.authHeaders['x-scope-orgid'] = opts.tenant
    if (basic) {
      const token = Buffer.from(`${basic.user}:${basic.password}`).toString('base64')
      this.authHeaders.authorization = `Basic ${token}`
      this.secrets.push(token, basic.password)
    } else if (opts.bearerToken) {
      this.authHeaders.authorization = `Bearer ${opts.bearerToken}`
      this.secrets.push(opts.bearerToken)
    }
    // longest first so a secret containing another is masked whole
    this.secrets = this.secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)

    this.timeoutMs = opts.timeoutMs ?? 30_000
    this.retries = Math.max(0, opts.retries ?? 3)
    this.retryBaseMs = opts.retryBaseMs ?? 500
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 30_000
    this.dispatcher = opts.dispatcher
    this.semaphore = new Semaphore(Math.max(1, opts.concurrency ?? 4))
    this.onRetry = opts.onRetry
  }

  /** the base URL without credentials, for reports and UI links */
  get baseUrl(): string {
    return this.origin + this.basePath
  }

  // ------------------------------------------------------------------ readiness and metadata

  /** One `GET /ready`; 503 while starting is a normal answer, not an error. */
  async ready(timeoutMs?: number): Promise<ReadyResult> {
    const res = await this.call({
      endpoint: 'ready',
      method: 'GET',
      path: '/ready',
      accept: () => true,
      retries: 0,
      ...(timeoutMs !== undefined ? { timeoutMs } : {})
    })
    const body = res.body.toString('utf8').trim()
    return { ready: res.status === 200, status: res.status, body: this.redact(body.slice(0, 2000)) }
  }

  /** Polls `/ready` until 200 (connection errors count as "not yet"); throws after `timeoutMs`. */
  async waitReady(opts: {
    timeoutMs?: number
    intervalMs?: number
    onWait?: (info: { attempt: number; elapsedMs: number; status: number; body: string }) => void
  } = {}): Promise<ReadyResult> {
    const timeoutMs = opts.timeoutMs ?? 120_000
    const intervalMs = opts.intervalMs ?? 1_000
    const started = Date.now()
    let last = 'no answer yet'
    for (let attempt = 1; ; attempt++) {
      const remaining = timeoutMs - (Date.now() - started)
      let status = 0
      let body: string
      try {
        const r = await this.ready(Math.max(100, Math.min(this.timeoutMs, remaining)))
        if (r.ready) return r
        status = r.status
        body = r.body
        last = `HTTP ${r.status}: ${r.body || '(empty body)'}`
      } catch (err) {
        body = err instanceof Error ? err.message : String(err)
        last = body
      }
      const elapsedMs = Date.now() - started
      opts.onWait?.({ attempt, elapsedMs, status, body })
      if (elapsedMs + intervalMs > timeoutMs) {
        const url = this.safeUrl('/ready')
        throw new PyroscopeError({
          message: `Pyroscope at ${this.baseUrl} not ready after ${elapsedMs} ms (${attempt} polls of GET ${url}); last answer: ${last}`,
          endpoint: 'ready',
          method: 'GET',
          url,
          kind: 'not-ready',
          ...(status ? { status } : {}),
          attempts: attempt
        })
      }
      await sleep(intervalMs)
    }
  }

  /** Server version from `/api/v1/status/buildinfo`; `{}` when the route or the fields are absent. */
  async buildInfo(): Promise<{ version?: string; revision?: string }> {
    let res: RawResponse
    try {
      res = await this.call({ endpoint: 'buildinfo', method: 'GET', path: '/api/v1/status/buildinfo' })
    } catch (err) {
      if (err instanceof PyroscopeError && (err.status === 404 || err.status === 501)) return {}
      throw err
    }
    let json: unknown
    try {
      json = JSON.parse(res.body.toString('utf8'))
    } catch {
      return {}
    }
    const parsed = BuildInfoResponse.safeParse(json)
    if (!parsed.success) return {}
    const version = parsed.data.data?.version ?? parsed.data.version
    const revision = parsed.data.data?.revision ?? parsed.data.revision
    return { ...(version ? { version } : {}), ...(revision ? { revision } : {}) }
  }

  // ------------------------------------------------------------------ discovery

  /** Profile types with data in the window; falls back to the legacy label-values route on 404/501. */
  async profileTypes(window: TimeWindow): Promise<ProfileType[]> {
    this.guard('QuerierService/ProfileTypes', () => checkWindow(window, 'profileTypes window'))
    let json: z.infer<typeof ProfileTypesResponse>
    try {
      json = await this.connect('ProfileTypes', { start: window.from, end: window.until }, ProfileTypesResponse)
    } catch (err) {
      if (err instanceof PyroscopeError && (err.status === 404 || err.status === 501)) return this.profileTypesLegacy()
      throw err
    }
    const endpoint = 'QuerierService/ProfileTypes'
    return (json.profileTypes ?? []).map((t, i) => {
      const parsed = this.parseTypeId(t.ID, endpoint, `profileTypes.${i}.ID`)
      return {
        ID: t.ID,
        name: t.name || parsed.name,
        sampleType: t.sampleType || parsed.sampleType,
        sampleUnit: t.sampleUnit || parsed.sampleUnit,
        periodType: t.periodType ?? parsed.periodType,
        periodUnit: t.periodUnit ?? parsed.periodUnit
      }
    })
  }

  private async profileTypesLegacy(): Promise<ProfileType[]> {
    const endpoint = 'label-values'
    const res = await this.call({ endpoint, method: 'GET', path: '/pyroscope/label-values', query: { label: '__name__' } })
    const ids = this.parseBody(endpoint, res, LegacyLabelValuesResponse) ?? []
    return ids.map((id, i) => this.parseTypeId(id, endpoint, `[${i}]`))
  }

  private parseTypeId(id: string, endpoint: string, field: string): ProfileType {
    try {
      return parseProfileTypeId(id)
    } catch (err) {
      if (!(err instanceof ProfileTypeIdError)) throw err
      const method = endpoint.startsWith('QuerierService/') ? 'POST' : 'GET'
      throw this.responseError(endpoint, this.safeUrl(this.endpointPath(endpoint)), method, `${field}: ${err.message}`)
    }
  }

  /** Values of a label among series matching `selector` (Connect LabelValues). */
  async labelValues(name: string, sel: string, window: TimeWindow): Promise<string[]> {
    this.guard('QuerierService/LabelValues', () => {
      if (!name) throw new Error('labelValues: label name is required')
      checkSelector(sel, 'labelValues')
      checkWindow(window, 'labelValues window')
    })
    const json = await this.connect('LabelValues', { name, matchers: [sel], start: window.from, end: window.until }, LabelValuesResponse)
    return json.names ?? []
  }

  /** Label names among series matching `selector` (Connect LabelNames). */
  async labelNames(sel: string, window: TimeWindow): Promise<string[]> {
    this.guard('QuerierService/LabelNames', () => {
      checkSelector(sel, 'labelNames')
      checkWindow(window, 'labelNames window')
    })
    const json = await this.connect('LabelNames', { matchers: [sel], start: window.from, end: window.until }, LabelValuesResponse)
    return json.names ?? []
  }

  /** Label sets of the series matching `selector`, limited to `labelNames` (all when empty). */
  async series(sel: string, labelNames: readonly string[], window: TimeWindow): Promise<Record<string, string>[]> {
    this.guard('QuerierService/Series', () => {
      checkSelector(sel, 'series')
      checkWindow(window, 'series window')
    })
    const json = await this.connect(
      'Series',
      { matchers: [sel], labelNames: [...labelNames], start: window.from, end: window.until },
      SeriesResponse
    )
    return (json.labelsSet ?? []).map((set) => {
      const out: Record<string, string> = {}
      for (const l of set.labels ?? []) out[l.name] = l.value ?? ''
      return out
    })
  }

  // ------------------------------------------------------------------ flame graphs

  /** `GET /pyroscope/render` → single flame graph (maxNodes explicit, times in Unix ms). */
  async render(opts: QuerySide & { maxNodes: number }): Promise<Flamegraph> {
    const endpoint = 'render'
    this.guard(endpoint, () => {
      this.checkSide(opts, 'render')
      checkMaxNodes(opts.maxNodes)
    })
    const res = await this.call({
      endpoint,
      method: 'GET',
      path: '/pyroscope/render',
      query: {
        query: opts.profileTypeId + opts.selector.trim(),
        from: msParam(opts.window.from, 'from'),
        until: msParam(opts.window.until, 'until'),
        maxNodes: String(opts.maxNodes)
      }
    })
    return this.decodeFlame(endpoint, res)
  }

  /** `GET /pyroscope/render-diff` → double flame graph, left = baseline, right = current. */
  async renderDiff(opts: { left: QuerySide; right: QuerySide; maxNodes: number }): Promise<Flamegraph> {
    const endpoint = 'render-diff'
    this.guard(endpoint, () => {
      this.checkSide(opts.left, 'renderDiff left')
      this.checkSide(opts.right, 'renderDiff right')
      checkMaxNodes(opts.maxNodes)
      if (opts.left.profileTypeId !== opts.right.profileTypeId) {
        throw new Error(`renderDiff: profile types must match (${opts.left.profileTypeId} vs ${opts.right.profileTypeId})`)
      }
    })
    const res = await this.call({
      endpoint,
      method: 'GET',
      path: '/pyroscope/render-diff',
      query: {
        leftQuery: opts.left.profileTypeId + opts.left.selector.trim(),
        leftFrom: msParam(opts.left.window.from, 'left.from'),
        leftUntil: msParam(opts.left.window.until, 'left.until'),
        rightQuery: opts.right.profileTypeId + opts.right.selector.trim(),
        rightFrom: msParam(opts.right.window.from, 'right.from'),
        rightUntil: msParam(opts.right.window.until, 'right.until'),
        maxNodes: String(opts.maxNodes)
      }
    })
    return this.decodeFlame(endpoint, res)
  }

  /** Connect `SelectMergeStacktraces` → single flame graph (the Connect alternative to render). */
  async selectMergeStacktraces(opts: QuerySide & { maxNodes: number }): Promise<Flamegraph> {
    this.guard('QuerierService/SelectMergeStacktraces', () => {
      this.checkSide(opts, 'selectMergeStacktraces')
      checkMaxNodes(opts.maxNodes)
    })
    const json = await this.connect('SelectMergeStacktraces', this.connectSide(opts, opts.maxNodes), z.unknown())
    return this.flameFromJson('QuerierService/SelectMergeStacktraces', json)
  }

  /** Connect `Diff` → double flame graph (the Connect alternative to render-diff). */
  async diff(opts: { left: QuerySide; right: QuerySide; maxNodes: number }): Promise<Flamegraph> {
    this.guard('QuerierService/Diff', () => {
      this.checkSide(opts.left, 'diff left')
      this.checkSide(opts.right, 'diff right')
      checkMaxNodes(opts.maxNodes)
    })
    const json = await this.connect(
      'Diff',
      { left: this.connectSide(opts.left, opts.maxNodes), right: this.connectSide(opts.right, opts.maxNodes) },
      z.unknown()
    )
    return this.flameFromJson('QuerierService/Diff', json)
  }

  /**
   * Connect `SelectMergeProfile` → the merged pprof as raw protobuf bytes (not gzipped, not
   * truncated unless maxNodes is given). Sent as `application/proto` so the server answers binary
   * pprof; the request message is encoded by hand (api/querier/v1/querier.proto
   * SelectMergeProfileRequest: 1 profile_typeID, 2 label_selector, 3 start, 4 end, 5 max_nodes).
   */
  async selectMergeProfile(opts: QuerySide & { maxNodes?: number }): Promise<Uint8Array> {
    const endpoint = 'QuerierService/SelectMergeProfile'
    this.guard(endpoint, () => {
      this.checkSide(opts, 'selectMergeProfile')
      if (opts.maxNodes !== undefined) checkMaxNodes(opts.maxNodes)
    })
    const body = encodeSelectMergeProfileRequest(opts)
    const res = await this.call({
      endpoint,
      method: 'POST',
      path: '/querier.v1.QuerierService/SelectMergeProfile',
      body,
      headers: { 'content-type': 'application/proto', 'connect-protocol-version': '1' }
    })
    const ct = header(res.headers, 'content-type') ?? ''
    const url = this.safeUrl('/querier.v1.QuerierService/SelectMergeProfile')
    if (!ct.startsWith('application/proto')) {
      throw this.responseError(endpoint, url, 'POST', `expected content-type application/proto, got ${ct || 'none'}`)
    }
    const bytes = new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.byteLength)
    try {
      decodeProfile(bytes) // validates the answer before anyone stores it
    } catch (err) {
      if (err instanceof PprofError) throw this.responseError(endpoint, url, 'POST', err.message)
      throw err
    }
    return bytes
  }

  // ------------------------------------------------------------------ ingest

  /**
   * Connect `PusherService/Push` (JSON): one series per entry, each with one raw profile and a
   * fresh UUID. The server requires `service_name` and a valid `__name__` (pkg/validation).
   */
  async push(series: readonly PushSeries[]): Promise<void> {
    if (series.length === 0) return
    const payload = {
      series: series.map((s) => ({
        labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })),
        samples: [{ ID: randomUUID(), rawProfile: Buffer.from(s.profileGzip).toString('base64') }]
      }))
    }
    await this.connectCall('push.v1.PusherService', 'Push', payload, EmptyResponse)
  }

  // ------------------------------------------------------------------ plumbing

  /** argument errors become PyroscopeErrors (kind 'usage') so callers handle one error type */
  private guard(endpoint: string, check: () => void): void {
    try {
      check()
    } catch (err) {
      const method = endpoint.startsWith('QuerierService/') ? 'POST' : 'GET'
      const url = this.safeUrl(this.endpointPath(endpoint))
      throw new PyroscopeError({
        message: this.redact(`Pyroscope ${endpoint}: ${method} ${url}: ${(err as Error).message}`),
        endpoint,
        method,
        url,
        kind: 'usage'
      })
    }
  }

  private checkSide(side: QuerySide, what: string): void {
    try {
      parseProfileTypeId(side.profileTypeId)
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`)
    }
    checkSelector(side.selector, what)
    checkWindow(side.window, `${what} window`)
  }

  private connectSide(side: QuerySide, maxNodes: number): Record<string, unknown> {
    return {
      profileTypeID: side.profileTypeId,
      labelSelector: side.selector.trim(),
      start: side.window.from,
      end: side.window.until,
      maxNodes
    }
  }

  private endpointPath(endpoint: string): string {
    return endpoint.startsWith('QuerierService/') ? `/querier.v1.${endpoint}` : `/pyroscope/${endpoint}`
  }

  private connect<T>(method: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.connectCall('querier.v1.QuerierService', method, body, schema)
  }

  private async connectCall<T>(service: string, method: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const endpoint = `${service.split('.').pop()}/${method}`
    const res = await this.call({
      endpoint,
      method: 'POST',
      path: `/${service}/${method}`,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'connect-protocol-version': '1' }
    })
    return this.parseBody(endpoint, res, schema, `/${service}/${method}`)
  }

  private parseBody<T>(endpoint: string, res: RawResponse, schema: z.ZodType<T>, path?: string): T {
    const url = this.safeUrl(path ?? this.endpointPath(endpoint))
    const method = path?.startsWith('/pyroscope/') || !path ? 'GET' : 'POST'
    const text = res.body.toString('utf8')
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw this.responseError(endpoint, url, method, `response is not JSON: ${this.snippet(text)}`)
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) throw this.responseError(endpoint, url, method, `unexpected response (${formatZodIssues(parsed.error)})`)
    return parsed.data
  }

  private decodeFlame(endpoint: string, res: RawResponse): Flamegraph {
    return this.flameFromJson(endpoint, this.parseBody(endpoint, res, z.unknown()))
  }

  private flameFromJson(endpoint: string, json: unknown): Flamegraph {
    try {
      return decodeFlamegraph(json, `${endpoint} response`)
    } catch (err) {
      if (err instanceof FlamegraphError) {
        const method = endpoint.startsWith('QuerierService/') ? 'POST' : 'GET'
        throw this.responseError(endpoint, this.safeUrl(this.endpointPath(endpoint)), method, err.message)
      }
      throw err
    }
  }

  private responseError(endpoint: string, url: string, method: string, detail: string): PyroscopeError {
    return new PyroscopeError({
      message: this.redact(`Pyroscope ${endpoint}: ${method} ${url}: invalid response: ${detail}`),
      endpoint,
      method,
      url,
      kind: 'response'
    })
  }

  private safeUrl(path: string, query?: Record<string, string>): string {
    const u = new URL(this.basePath + path, this.origin)
    if (query) u.search = new URLSearchParams(query).toString()
    const s = u.toString()
    return this.redact(s.length > 600 ? `${s.slice(0, 600)}…` : s)
  }

  private redact(s: string): string {
    let out = s
    for (const secret of this.secrets) out = out.split(secret).join('***')
    return out
  }

  private snippet(text: string): string {
    const t = text.replace(/\s+/g, ' ').trim()
    return this.redact(t.length > 300 ? `${t.slice(0, 300)}…` : t || '(empty body)')
  }

  /** `{"code","message"}` of legacy and Connect errors, else the trimmed text body */
  private serverMessage(res: RawResponse): { code?: string; message: string } {
    const text = res.body.toString('utf8')
    try {
      const parsed = ConnectErrorSchema.safeParse(JSON.parse(text))
      if (parsed.success && (parsed.data.message || parsed.data.code)) {
        return {
          ...(parsed.data.code ? { code: parsed.data.code } : {}),
          message: this.snippet(parsed.data.message ?? parsed.data.code ?? '')
        }
      }
    } catch {
      // not JSON: fall through to text
    }
    return { message: this.snippet(text) }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(this.maxRetryDelayMs, retryAfterMs)
    const exp = Math.min(this.maxRetryDelayMs, this.retryBaseMs * 2 ** attempt)
    // equal jitter: spread retries of parallel callers, never wait less than half the step
    return Math.round(exp / 2 + Math.random() * (exp / 2))
  }

  private async call(spec: CallSpec): Promise<RawResponse> {
    const url = new URL(this.basePath + spec.path, this.origin)
    if (spec.query) url.search = new URLSearchParams(spec.query).toString()
    const safe = this.safeUrl(spec.path, spec.query)
    const retries = spec.retries ?? this.retries
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs
    const headers: Record<string, string> = {
      'user-agent': 'profile-gate',
      'accept-encoding': 'gzip',
      ...this.authHeaders,
      ...spec.headers
    }

    for (let attempt = 0; ; attempt++) {
      const attempts = attempt + 1
      let failure: { kind: 'network' | 'timeout'; detail: string } | undefined
      let res: RawResponse | undefined
      await this.semaphore.acquire()
      try {
        res = await this.once(url, spec, headers, timeoutMs)
      } catch (err) {
        failure =
          err instanceof TimeoutSignal
            ? { kind: 'timeout', detail: `timed out after ${timeoutMs} ms` }
            : { kind: 'network', detail: this.redact(err instanceof Error ? `${err.message}${causeText(err)}` : String(err)) }
      } finally {
        this.semaphore.release()
      }

      if (res && (spec.accept?.(res.status) || (res.status >= 200 && res.status < 300))) return res

      const retryable = failure !== undefined || (res !== undefined && (res.status === 429 || (res.status >= 500 && res.status !== 501)))
      if (retryable && attempt < retries) {
        const delayMs = this.backoff(attempt, res ? parseRetryAfter(header(res.headers, 'retry-after')) : undefined)
        this.onRetry?.({
          endpoint: spec.endpoint,
          method: spec.method,
          url: safe,
          attempt: attempts,
          delayMs,
          reason: failure ? failure.detail : `HTTP ${res?.status}`
        })
        await sleep(delayMs)
        continue
      }

      const tries = attempts > 1 ? ` (after ${attempts} attempts)` : ''
      if (failure) {
        throw new PyroscopeError({
          message: `Pyroscope ${spec.endpoint}: ${spec.method} ${safe} failed: ${failure.detail}${tries}`,
          endpoint: spec.endpoint,
          method: spec.method,
          url: safe,
          kind: failure.kind,
          attempts
        })
      }
      const r = res!
      const sm = this.serverMessage(r)
      throw new PyroscopeError({
        message: `Pyroscope ${spec.endpoint}: ${spec.method} ${safe} returned HTTP ${r.status}: ${sm.code ? `${sm.code}: ` : ''}${sm.message}${tries}`,
        endpoint: spec.endpoint,
        method: spec.method,
        url: safe,
        kind: 'http',
        status: r.status,
        ...(sm.code ? { code: sm.code } : {}),
        serverMessage: sm.message,
        attempts
      })
    }
  }

  private async once(url: URL, spec: CallSpec, headers: Record<string, string>, timeoutMs: number): Promise<RawResponse> {
    const ac = new AbortController()
    const timer = setTimeout(() => ac.abort(new TimeoutSignal()), timeoutMs)
    try {
      const res = await request(url, {
        method: spec.method,
        headers,
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        signal: ac.signal,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {})
      })
      let body = Buffer.from(await res.body.arrayBuffer())
      const enc = header(res.headers, 'content-encoding')
      // undici's request() does not decompress; Pyroscope gzips when asked (§2.1, §6.1)
      if ((enc === 'gzip' || enc === 'x-gzip') && isGzip(body)) body = gunzipSync(body)
      return { status: res.statusCode, headers: res.headers, body }
    } catch (err) {
      if (ac.signal.aborted && ac.signal.reason instanceof TimeoutSignal) throw ac.signal.reason
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}

class TimeoutSignal extends Error {
  constructor() {
    super('timeout')
  }
}

function causeText(err: Error): string {
  const c = (err as { cause?: unknown }).cause
  if (c instanceof Error && c.message && c.message !== err.message) return ` (${c.message})`
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? ` (${code})` : ''
}

// ---------------------------------------------------------------------------------------------
// hand-written protobuf for the one binary request we send

function pushVarint(out: number[], v: number): void {
  while (v >= 128) {
    out.push((v % 128) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
}

function pushString(out: number[], field: number, s: string): void {
  const b = Buffer.from(s, 'utf8')
  pushVarint(out, field * 8 + 2)
  pushVarint(out, b.length)
  for (const x of b) out.push(x)
}

/** querier.v1.SelectMergeProfileRequest: 1 profile_typeID, 2 label_selector, 3 start, 4 end, 5 max_nodes */
export function encodeSelectMergeProfileRequest(opts: QuerySide & { maxNodes?: number }): Uint8Array {
  const out: number[] = []
  pushString(out, 1, opts.profileTypeId)
  pushString(out, 2, opts.selector.trim())
  pushVarint(out, 3 * 8)
  pushVarint(out, opts.window.from)
  pushVarint(out, 4 * 8)
  pushVarint(out, opts.window.until)
  if (opts.maxNodes !== undefined) {
    pushVarint(out, 5 * 8)
    pushVarint(out, opts.maxNodes)
  }
  return Uint8Array.from(out)
}
