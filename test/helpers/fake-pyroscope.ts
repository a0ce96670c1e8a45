// A loopback stand-in for a Pyroscope server (no server can be installed in CI): it answers the
// endpoints profile-gate uses with the real wire formats (flamebearer JSON with delta-encoded
// levels, Connect JSON, binary pprof, Push). Profiles come from a "model": per service and
// profile type, stacks with a weight per second, so any window holds deterministic data, and from
// pprofs pushed into it.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProfile, encodeProfile, emptyProfile, gzip, profileToStacks } from '../../src/pyroscope/pprof.js'

export type StackModel = Record<string, number> // "a;b;c" -> value per second

export interface FakeModel {
  /** service -> profile type ID -> stacks */
  [service: string]: Record<string, StackModel>
}

interface Pushed {
  labels: Record<string, string>
  timeMs: number
  typeId: string
  stacks: { frames: string[]; value: number }[]
}

export interface FakePyroscope {
  url: string
  requests: { method: string; path: string; body: string }[]
  setModel(model: FakeModel): void
  /** how many profiles were pushed */
  pushed(): number
  close(): Promise<void>
}

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds'

function parseSelector(sel: string): Array<{ name: string; op: string; value: string }> {
  const out: Array<{ name: string; op: string; value: string }> = []
  const re = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g
  for (let m = re.exec(sel); m; m = re.exec(sel)) out.push({ name: m[1]!, op: m[2]!, value: m[3]!.replace(/\\(.)/g, '$1') })
  return out
}

function matches(labels: Record<string, string>, sel: string): boolean {
  return parseSelector(sel).every(({ name, op, value }) => {
    const v = labels[name] ?? ''
    if (op === '=') return v === value
    if (op === '!=') return v !== value
    if (op === '=~') return new RegExp(`^(?:${value})$`).test(v)
    return !new RegExp(`^(?:${value})$`).test(v)
  })
}

/** flamebearer levels of a set of root-first stacks (the encoding of pyroscope-api.md §5) */
export function encodeLevels(stacks: { frames: string[]; value: number }[]): { names: string[]; levels: number[][]; total: number } {
  interface N { name: string; self: number; total: number; kids: Map<string, N> }
  const root: N = { name: 'total', self: 0, total: 0, kids: new Map() }
  for (const s of stacks) {
    let n = root
    n.total += s.value
    for (const f of s.frames) {
      let k = n.kids.get(f)
      if (!k) n.kids.set(f, (k = { name: f, self: 0, total: 0, kids: new Map() }))
      k.total += s.value
      n = k
    }
    n.self += s.value
  }
  const names: string[] = []
  const nameIdx = new Map<string, number>()
  const idx = (s: string) => {
    let i = nameIdx.get(s)
    if (i === undefined) nameIdx.set(s, (i = names.push(s) - 1))
    return i
  }
  const levels: number[][] = []
  const prevEnd: number[] = []
  const walk = (n: N, depth: number, x: number) => {
    const level = (levels[depth] ??= [])
    level.push(x - (prevEnd[depth] ?? 0), n.total, n.self, idx(n.name))
    prevEnd[depth] = x + n.total
    let cx = x + n.self
    for (const k of [...n.kids.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      walk(k, depth + 1, cx)
      cx += k.total
    }
  }
  walk(root, 0, 0)
  return { names, levels, total: root.total }
}

export async function startFakePyroscope(initial: FakeModel, opts: { version?: string; readyAfterPolls?: number } = {}): Promise<FakePyroscope> {
  let model = initial
  const pushed: Pushed[] = []
  const requests: FakePyroscope['requests'] = []
  let readyPolls = 0

  const stacksFor = (typeId: string, sel: string, from: number, until: number) => {
    const out: { frames: string[]; value: number }[] = []
    for (const [service, types] of Object.entries(model)) {
      const stacks = types[typeId]
      if (!stacks || !matches({ service_name: service }, sel)) continue
      const seconds = Math.max(0, (until - from) / 1000)
      for (const [stack, perSecond] of Object.entries(stacks)) out.push({ frames: stack.split(';'), value: Math.round(perSecond * seconds) })
    }
    for (const p of pushed) {
      if (p.typeId === typeId && p.timeMs >= from && p.timeMs < until && matches(p.labels, sel)) out.push(...p.stacks)
    }
    return out.filter((s) => s.value > 0)
  }
  const typeIds = () => [...new Set([...Object.values(model).flatMap((t) => Object.keys(t)), ...pushed.map((p) => p.typeId)])].sort()
  const splitQuery = (q: string) => {
    const i = q.indexOf('{')
    return { typeId: q.slice(0, i), sel: q.slice(i) }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', 'http://x')
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, body: req.headers['content-type']?.includes('json') ? body.toString() : `<${body.length} bytes>` })
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      const p = url.pathname
      if (p === '/ready') {
        readyPolls++
        if (readyPolls <= (opts.readyAfterPolls ?? 0)) {
          res.writeHead(503).end('Some services are not Running')
          return
        }
        res.writeHead(200).end('ready')
        return
      }
      if (p === '/api/v1/status/buildinfo') return json(200, { status: 'success', data: { version: opts.version ?? '2.2.1', revision: 'fake' } })
      if (p === '/querier.v1.QuerierService/ProfileTypes') {
        return json(200, {
          profileTypes: typeIds().map((ID) => {
            const [name, sampleType, sampleUnit, periodType, periodUnit] = ID.split(':')
            return { ID, name, sampleType, sampleUnit, periodType, periodUnit }
          })
        })
      }
      if (p === '/querier.v1.QuerierService/LabelValues') {
        const names = [...new Set([...Object.keys(model), ...pushed.map((x) => x.labels.service_name ?? '')])].filter(Boolean).sort()
        return json(200, { names })
      }
      if (p === '/pyroscope/render') {
        const { typeId, sel } = splitQuery(url.searchParams.get('query') ?? '')
        const from = Number(url.searchParams.get('from'))
        const until = Number(url.searchParams.get('until'))
        if (!/^\d{13}$/.test(url.searchParams.get('from') ?? '')) return json(400, { code: 'invalid_argument', message: 'expected ms' })
        const enc = encodeLevels(stacksFor(typeId, sel, from, until))
        return json(200, { version: 1, flamebearer: { names: enc.names, levels: enc.levels, numTicks: enc.total, maxSelf: 0 }, metadata: { format: 'single', spyName: '', sampleRate: 1e9, units: 'samples', name: 'cpu' }, timeline: null })
      }
      if (p === '/pyroscope/render-diff') {
        const l = splitQuery(url.searchParams.get('leftQuery') ?? '')
        const r = splitQuery(url.searchParams.get('rightQuery') ?? '')
        const left = stacksFor(l.typeId, l.sel, Number(url.searchParams.get('leftFrom')), Number(url.searchParams.get('leftUntil')))
        const right = stacksFor(r.typeId, r.sel, Number(url.searchParams.get('rightFrom')), Number(url.searchParams.get('rightUntil')))
        return json(200, encodeDiff(left, right))
      }
      if (p === '/querier.v1.QuerierService/SelectMergeProfile') {
        // the client sends a binary request: decode the few fields it carries
        const fields = decodeRequest(new Uint8Array(body))
        const stacks = stacksFor(fields.typeId, fields.sel, fields.start, fields.end)
        res.writeHead(200, { 'content-type': 'application/proto' })
        res.end(Buffer.from(encodeProfile(profileFromStacks(fields.typeId, stacks))))
        return
      }
      if (p === '/push.v1.PusherService/Push') {
        const req = JSON.parse(body.toString()) as { series: { labels: { name: string; value: string }[]; samples: { rawProfile: string }[] }[] }
        for (const s of req.series) {
          const labels = Object.fromEntries(s.labels.map((l) => [l.name, l.value]))
          for (const sample of s.samples) {
            const prof = decodeProfile(new Uint8Array(Buffer.from(sample.rawProfile, 'base64')))
            const st = prof.sampleType[0]!
            const pt = prof.periodType
            const typeId = [labels.__name__, prof.stringTable[st.type], prof.stringTable[st.unit], pt ? prof.stringTable[pt.type] : '', pt ? prof.stringTable[pt.unit] : ''].join(':')
            pushed.push({ labels, timeMs: Number(prof.timeNanos / 1_000_000n), typeId, stacks: profileToStacks(prof, 0).stacks })
          }
        }
        return json(200, {})
      }
      json(404, { code: 'not_found', message: `no route ${p}` })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setModel: (m) => (model = m),
    pushed: () => pushed.length,
    close: () => new Promise((r) => server.close(() => r()))
  }
}

export function encodeDiff(left: { frames: string[]; value: number }[], right: { frames: string[]; value: number }[]) {
  interface N { name: string; sl: number; tl: number; sr: number; tr: number; kids: Map<string, N> }
  const root: N = { name: 'total', sl: 0, tl: 0, sr: 0, tr: 0, kids: new Map() }
  const add = (stacks: typeof left, side: 'l' | 'r') => {
    for (const s of stacks) {
      let n = root
      n[`t${side}`] += s.value
      for (const f of s.frames) {
        let k = n.kids.get(f)
        if (!k) n.kids.set(f, (k = { name: f, sl: 0, tl: 0, sr: 0, tr: 0, kids: new Map() }))
        k[`t${side}`] += s.value
        n = k
      }
      n[`s${side}`] += s.value
    }
  }
  add(left, 'l')
  add(right, 'r')
  const names: string[] = []
  const levels: number[][] = []
  const prevL: number[] = []
  const prevR: number[] = []
  const walk = (n: N, d: number, xl: number, xr: number) => {
    const level = (levels[d] ??= [])
    level.push(xl - (prevL[d] ?? 0), n.tl, n.sl, xr - (prevR[d] ?? 0), n.tr, n.sr, names.push(n.name) - 1)
    prevL[d] = xl + n.tl
    prevR[d] = xr + n.tr
    let cl = xl + n.sl
    let cr = xr + n.sr
    for (const k of [...n.kids.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      walk(k, d + 1, cl, cr)
      cl += k.tl
      cr += k.tr
    }
  }
  walk(root, 0, 0, 0)
  return {
    version: 1,
    flamebearer: { names, levels, numTicks: root.tl + root.tr, maxSelf: 0 },
    metadata: { format: 'double', spyName: '', sampleRate: 1e9, units: 'samples', name: 'cpu' },
    ...(root.tl ? { leftTicks: root.tl } : {}),
    ...(root.tr ? { rightTicks: root.tr } : {})
  }
}

function profileFromStacks(typeId: string, stacks: { frames: string[]; value: number }[]) {
  const p = emptyProfile()
  const parts = typeId.split(':')
  const str = (s: string) => {
    let i = p.stringTable.indexOf(s)
    if (i < 0) i = p.stringTable.push(s) - 1
    return i
  }
  p.sampleType = [{ type: str(parts[1]!), unit: str(parts[2]!) }]
  if (parts[3]) p.periodType = { type: str(parts[3]), unit: str(parts[4]!) }
  const fnIds = new Map<string, number>()
  const fid = (name: string) => {
    let id = fnIds.get(name)
    if (id === undefined) {
      id = fnIds.size + 1
      fnIds.set(name, id)
      p.function.push({ id, name: str(name), systemName: 0, filename: 0, startLine: 0 })
      p.location.push({ id, mappingId: 0, address: 0n, line: [{ functionId: id, line: 0 }], isFolded: false })
    }
    return id
  }
  for (const s of stacks) p.sample.push({ locationId: [...s.frames].reverse().map(fid), value: [s.value], label: [] })
  p.timeNanos = 1n
  p.durationNanos = 10_000_000_000n
  return p
}

/** decodes the hand-encoded SelectMergeProfileRequest (1 type, 2 selector, 3 start, 4 end) */
function decodeRequest(buf: Uint8Array): { typeId: string; sel: string; start: number; end: number } {
  let i = 0
  const varint = () => {
    let v = 0n
    let shift = 0n
    for (;;) {
      const b = buf[i++]!
      v |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return v
      shift += 7n
    }
  }
  const out = { typeId: '', sel: '', start: 0, end: 0 }
  while (i < buf.length) {
    const tag = Number(varint())
    const field = tag >> 3
    if ((tag & 7) === 2) {
      const len = Number(varint())
      const s = Buffer.from(buf.subarray(i, i + len)).toString()
      i += len
      if (field === 1) out.typeId = s
      if (field === 2) out.sel = s
    } else {
      const v = Number(varint())
      if (field === 3) out.start = v
      if (field === 4) out.end = v
    }
  }
  return out
}

export { CPU, gzip }
