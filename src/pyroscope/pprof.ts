// Minimal protobuf codec for pprof (`google.v1.Profile`, perftools profile.proto), enough to read
// the server's SelectMergeProfile answer, turn it into stacks, and re-upload it restamped.
// Field numbers follow upstream api/google/v1/profile.proto. 64-bit fields that can exceed 2^53
// (timestamps, addresses) are bigint so a round trip is lossless; ids, indices and sample values
// are numbers (exact below 2^53, which a CI-sized profile never reaches).
import { gunzipSync, gzipSync } from 'node:zlib'

export interface ValueType {
  /** string table index */
  type: number
  /** string table index */
  unit: number
}

export interface Label {
  key: number
  str: number
  num: number
  numUnit: number
}

export interface Sample {
  /** leaf first (location_id[0] is the leaf) */
  locationId: number[]
  value: number[]
  label: Label[]
}

export interface Mapping {
  id: number
  memoryStart: bigint
  memoryLimit: bigint
  fileOffset: bigint
  filename: number
  buildId: number
  hasFunctions: boolean
  hasFilenames: boolean
  hasLineNumbers: boolean
  hasInlineFrames: boolean
}

export interface Line {
  functionId: number
  line: number
}

export interface Location {
  id: number
  mappingId: number
  address: bigint
  /** inlined frames: line[0] is the innermost callee, the last entry the caller */
  line: Line[]
  isFolded: boolean
}

export interface ProfileFunction {
  id: number
  name: number
  systemName: number
  filename: number
  startLine: number
}

export interface Profile {
  sampleType: ValueType[]
  sample: Sample[]
  mapping: Mapping[]
  location: Location[]
  function: ProfileFunction[]
  stringTable: string[]
  dropFrames: number
  keepFrames: number
  timeNanos: bigint
  durationNanos: bigint
  periodType: ValueType | undefined
  period: number
  comment: number[]
  defaultSampleType: number
}

export class PprofError extends Error {}

// ---------------------------------------------------------------------------------------------
// gzip

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

export function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes))
  } catch (err) {
    throw new PprofError(`gunzip failed: ${(err as Error).message}`)
  }
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes))
}

// ---------------------------------------------------------------------------------------------
// decoding

const TWO_63 = 1n << 63n

class Reader {
  readonly buf: Uint8Array
  readonly end: number
  pos: number
  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  done(): boolean {
    return this.pos >= this.end
  }

  /** uint64 varint as bigint (slow path, used for large values) */
  varintBig(): bigint {
    let result = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new PprofError(`truncated varint at byte ${this.pos}`)
      const b = this.buf[this.pos++]!
      result |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return result
      shift += 7n
    }
    throw new PprofError(`varint longer than 10 bytes at byte ${this.pos}`)
  }

  /** varint as a number; int64 negatives (10-byte two's complement) come back negative */
  varint(): number {
    const start = this.pos
    let result = 0
    let mul = 1
    // Up to 7 bytes (49 bits) stay exact in float arithmetic; longer ones take the bigint path.
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new PprofError(`truncated varint at byte ${this.pos}`)
      const b = this.buf[this.pos++]!
      result += (b & 0x7f) * mul
      if (b < 0x80) return result
      mul *= 128
    }
    this.pos = start
    const big = this.varintBig()
    return Number(big >= TWO_63 ? big - (1n << 64n) : big)
  }

  int64Big(): bigint {
    const big = this.varintBig()
    return big >= TWO_63 ? big - (1n << 64n) : big
  }

  bytes(): Uint8Array {
    const len = this.varint()
    if (len < 0 || this.pos + len > this.end) throw new PprofError(`length ${len} at byte ${this.pos} overruns the message`)
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }

  sub(): Reader {
    const len = this.varint()
    if (len < 0 || this.pos + len > this.end) throw new PprofError(`length ${len} at byte ${this.pos} overruns the message`)
    const r = new Reader(this.buf, this.pos, this.pos + len)
    this.pos += len
    return r
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varintBig()
        return
      case 1:
        this.pos += 8
        break
      case 2:
        this.bytes()
        return
      case 5:
        this.pos += 4
        break
      default:
        throw new PprofError(`unsupported wire type ${wireType} at byte ${this.pos}`)
    }
    if (this.pos > this.end) throw new PprofError('truncated fixed-width field')
  }

  /** repeated varint field: packed (wire type 2) or one element (wire type 0) */
  repeatedVarint(wireType: number, into: number[]): void {
    if (wireType === 2) {
      const r = this.sub()
      while (!r.done()) into.push(r.varint())
    } else if (wireType === 0) {
      into.push(this.varint())
    } else {
      throw new PprofError(`repeated varint with wire type ${wireType} at byte ${this.pos}`)
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false })
const utf8Enc = new TextEncoder()

function decodeValueType(r: Reader): ValueType {
  const v: ValueType = { type: 0, unit: 0 }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (f === 1 && wt === 0) v.type = r.varint()
    else if (f === 2 && wt === 0) v.unit = r.varint()
    else r.skip(wt)
  }
  return v
}

function decodeLabel(r: Reader): Label {
  const l: Label = { key: 0, str: 0, num: 0, numUnit: 0 }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (wt !== 0) r.skip(wt)
    else if (f === 1) l.key = r.varint()
    else if (f === 2) l.str = r.varint()
    else if (f === 3) l.num = r.varint()
    else if (f === 4) l.numUnit = r.varint()
    else r.skip(wt)
  }
  return l
}

function decodeSample(r: Reader): Sample {
  const s: Sample = { locationId: [], value: [], label: [] }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (f === 1) r.repeatedVarint(wt, s.locationId)
    else if (f === 2) r.repeatedVarint(wt, s.value)
    else if (f === 3 && wt === 2) s.label.push(decodeLabel(r.sub()))
    else r.skip(wt)
  }
  return s
}

function decodeMapping(r: Reader): Mapping {
  const m: Mapping = {
    id: 0,
    memoryStart: 0n,
    memoryLimit: 0n,
    fileOffset: 0n,
    filename: 0,
    buildId: 0,
    hasFunctions: false,
    hasFilenames: false,
    hasLineNumbers: false,
    hasInlineFrames: false
  }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (wt !== 0) {
      r.skip(wt)
      continue
    }
    switch (f) {
      case 1: m.id = r.varint(); break
      case 2: m.memoryStart = r.varintBig(); break
      case 3: m.memoryLimit = r.varintBig(); break
      case 4: m.fileOffset = r.varintBig(); break
      case 5: m.filename = r.varint(); break
      case 6: m.buildId = r.varint(); break
      case 7: m.hasFunctions = r.varint() !== 0; break
      case 8: m.hasFilenames = r.varint() !== 0; break
      case 9: m.hasLineNumbers = r.varint() !== 0; break
      case 10: m.hasInlineFrames = r.varint() !== 0; break
      default: r.skip(wt)
    }
  }
  return m
}

function decodeLine(r: Reader): Line {
  const l: Line = { functionId: 0, line: 0 }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (f === 1 && wt === 0) l.functionId = r.varint()
    else if (f === 2 && wt === 0) l.line = r.varint()
    else r.skip(wt)
  }
  return l
}

function decodeLocation(r: Reader): Location {
  const l: Location = { id: 0, mappingId: 0, address: 0n, line: [], isFolded: false }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (f === 1 && wt === 0) l.id = r.varint()
    else if (f === 2 && wt === 0) l.mappingId = r.varint()
    else if (f === 3 && wt === 0) l.address = r.varintBig()
    else if (f === 4 && wt === 2) l.line.push(decodeLine(r.sub()))
    else if (f === 5 && wt === 0) l.isFolded = r.varint() !== 0
    else r.skip(wt)
  }
  return l
}

function decodeFunction(r: Reader): ProfileFunction {
  const fn: ProfileFunction = { id: 0, name: 0, systemName: 0, filename: 0, startLine: 0 }
  while (!r.done()) {
    const tag = r.varint()
    const f = Math.floor(tag / 8)
    const wt = tag & 7
    if (wt !== 0) r.skip(wt)
    else if (f === 1) fn.id = r.varint()
    else if (f === 2) fn.name = r.varint()
    else if (f === 3) fn.systemName = r.varint()
    else if (f === 4) fn.filename = r.varint()
    else if (f === 5) fn.startLine = r.varint()
    else r.skip(wt)
  }
  return fn
}

export function emptyProfile(): Profile {
  return {
    sampleType: [],
    sample: [],
    mapping: [],
    location: [],
    function: [],
    stringTable: [''],
    dropFrames: 0,
    keepFrames: 0,
    timeNanos: 0n,
    durationNanos: 0n,
    periodType: undefined,
    period: 0,
    comment: [],
    defaultSampleType: 0
  }
}

/**
 * Decodes a pprof protobuf. Gzipped input is detected by its magic bytes (0x1f is an invalid
 * protobuf tag, so raw and gzipped profiles cannot be confused).
 */
export function decodeProfile(input: Uint8Array): Profile {
  const buf = isGzip(input) ? gunzip(input) : input
  const p = emptyProfile()
  p.stringTable = []
  const r = new Reader(buf)
  try {
    while (!r.done()) {
      const tag = r.varint()
      const f = Math.floor(tag / 8)
      const wt = tag & 7
      switch (f) {
        case 1: if (wt === 2) { p.sampleType.push(decodeValueType(r.sub())); continue } break
        case 2: if (wt === 2) { p.sample.push(decodeSample(r.sub())); continue } break
        case 3: if (wt === 2) { p.mapping.push(decodeMapping(r.sub())); continue } break
        case 4: if (wt === 2) { p.location.push(decodeLocation(r.sub())); continue } break
        case 5: if (wt === 2) { p.function.push(decodeFunction(r.sub())); continue } break
        case 6: if (wt === 2) { p.stringTable.push(utf8.decode(r.bytes())); continue } break
        case 7: if (wt === 0) { p.dropFrames = r.varint(); continue } break
        case 8: if (wt === 0) { p.keepFrames = r.varint(); continue } break
        case 9: if (wt === 0) { p.timeNanos = r.int64Big(); continue } break
        case 10: if (wt === 0) { p.durationNanos = r.int64Big(); continue } break
        case 11: if (wt === 2) { p.periodType = decodeValueType(r.sub()); continue } break
        case 12: if (wt === 0) { p.period = r.varint(); continue } break
        case 13: r.repeatedVarint(wt, p.comment); continue
        case 14: if (wt === 0) { p.defaultSampleType = r.varint(); continue } break
      }
      r.skip(wt)
    }
  } catch (err) {
    if (err instanceof PprofError) throw new PprofError(`not a valid pprof profile: ${err.message}`)
    throw err
  }
  if (p.stringTable.length === 0) p.stringTable.push('')
  if (p.stringTable[0] !== '') throw new PprofError('not a valid pprof profile: string_table[0] must be ""')
  return p
}

// ---------------------------------------------------------------------------------------------
// encoding

class Writer {
  private chunks: Uint8Array[] = []
  private cur = new Uint8Array(4096)
  private pos = 0
  length = 0

  private ensure(n: number): void {
    if (this.pos + n <= this.cur.length) return
    this.chunks.push(this.cur.subarray(0, this.pos))
    this.cur = new Uint8Array(Math.max(4096, n))
    this.pos = 0
  }

  byte(b: number): void {
    this.ensure(1)
    this.cur[this.pos++] = b
    this.length++
  }

  /** non-negative integer or negative int64 (10-byte two's complement) */
  varint(v: number): void {
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Number.isInteger(v)) {
      while (v >= 128) {
        this.byte((v % 128) | 0x80)
        v = Math.floor(v / 128)
      }
      this.byte(v)
      return
    }
    this.varintBig(BigInt(Math.trunc(v)))
  }

  varintBig(v: bigint): void {
    let u = v < 0n ? v + (1n << 64n) : v
    while (u >= 128n) {
      this.byte(Number(u & 0x7fn) | 0x80)
      u >>= 7n
    }
    this.byte(Number(u))
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.cur.set(bytes, this.pos)
    this.pos += bytes.length
    this.length += bytes.length
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length)
    let off = 0
    for (const c of this.chunks) {
      out.set(c, off)
      off += c.length
    }
    out.set(this.cur.subarray(0, this.pos), off)
    return out
  }
}

function tag(w: Writer, field: number, wireType: number): void {
  w.varint(field * 8 + wireType)
}

/** proto3: zero scalars are not written */
function fVarint(w: Writer, field: number, v: number): void {
  if (v === 0) return
  tag(w, field, 0)
  w.varint(v)
}

function fVarintBig(w: Writer, field: number, v: bigint): void {
  if (v === 0n) return
  tag(w, field, 0)
  w.varintBig(v)
}

function fBool(w: Writer, field: number, v: boolean): void {
  if (v) fVarint(w, field, 1)
}

function fBytes(w: Writer, field: number, bytes: Uint8Array): void {
  tag(w, field, 2)
  w.varint(bytes.length)
  w.raw(bytes)
}

function fMessage(w: Writer, field: number, build: (w: Writer) => void): void {
  const inner = new Writer()
  build(inner)
  fBytes(w, field, inner.finish())
}

function fPacked(w: Writer, field: number, values: number[]): void {
  if (values.length === 0) return
  const inner = new Writer()
  for (const v of values) inner.varint(v)
  fBytes(w, field, inner.finish())
}

function writeValueType(w: Writer, v: ValueType): void {
  fVarint(w, 1, v.type)
  fVarint(w, 2, v.unit)
}

/** Encodes a profile as raw (not gzipped) protobuf, fields in number order like the Go encoders. */
export function encodeProfile(p: Profile): Uint8Array {
  const w = new Writer()
  for (const st of p.sampleType) fMessage(w, 1, (m) => writeValueType(m, st))
  for (const s of p.sample) {
    fMessage(w, 2, (m) => {
      fPacked(m, 1, s.locationId)
      fPacked(m, 2, s.value)
      for (const l of s.label) {
        fMessage(m, 3, (lm) => {
          fVarint(lm, 1, l.key)
          fVarint(lm, 2, l.str)
          fVarint(lm, 3, l.num)
          fVarint(lm, 4, l.numUnit)
        })
      }
    })
  }
  for (const mp of p.mapping) {
    fMessage(w, 3, (m) => {
      fVarint(m, 1, mp.id)
      fVarintBig(m, 2, mp.memoryStart)
      fVarintBig(m, 3, mp.memoryLimit)
      fVarintBig(m, 4, mp.fileOffset)
      fVarint(m, 5, mp.filename)
      fVarint(m, 6, mp.buildId)
      fBool(m, 7, mp.hasFunctions)
      fBool(m, 8, mp.hasFilenames)
      fBool(m, 9, mp.hasLineNumbers)
      fBool(m, 10, mp.hasInlineFrames)
    })
  }
  for (const loc of p.location) {
    fMessage(w, 4, (m) => {
      fVarint(m, 1, loc.id)
      fVarint(m, 2, loc.mappingId)
      fVarintBig(m, 3, loc.address)
      for (const ln of loc.line) {
        fMessage(m, 4, (lm) => {
          fVarint(lm, 1, ln.functionId)
          fVarint(lm, 2, ln.line)
        })
      }
      fBool(m, 5, loc.isFolded)
    })
  }
  for (const fn of p.function) {
    fMessage(w, 5, (m) => {
      fVarint(m, 1, fn.id)
      fVarint(m, 2, fn.name)
      fVarint(m, 3, fn.systemName)
      fVarint(m, 4, fn.filename)
      fVarint(m, 5, fn.startLine)
    })
  }
  // every string is written, including the mandatory empty string_table[0]
  for (const s of p.stringTable) fBytes(w, 6, utf8Enc.encode(s))
  fVarint(w, 7, p.dropFrames)
  fVarint(w, 8, p.keepFrames)
  fVarintBig(w, 9, p.timeNanos)
  fVarintBig(w, 10, p.durationNanos)
  if (p.periodType) {
    const pt = p.periodType
    fMessage(w, 11, (m) => writeValueType(m, pt))
  }
  fVarint(w, 12, p.period)
  fPacked(w, 13, p.comment)
  fVarint(w, 14, p.defaultSampleType)
  return w.finish()
}

// ---------------------------------------------------------------------------------------------
// helpers

export interface Stack {
  /** function names, root first */
  frames: string[]
  value: number
}

export interface Stacks {
  stacks: Stack[]
  /** sum of the selected sample values */
  total: number
}

function str(p: Profile, idx: number, what: string): string {
  const s = p.stringTable[idx]
  if (s === undefined) throw new PprofError(`${what} references string ${idx}, but string_table has ${p.stringTable.length} entries`)
  return s
}

/** `type:unit` of each sample type, e.g. `cpu:nanoseconds` */
export function sampleTypes(p: Profile): { type: string; unit: string }[] {
  return p.sampleType.map((st, i) => ({ type: str(p, st.type, `sample_type[${i}].type`), unit: str(p, st.unit, `sample_type[${i}].unit`) }))
}

/**
 * One entry per distinct stack (identical stacks merged, first-seen order; zero values dropped).
 * A location with several lines holds inlined frames: line[0] is the innermost, so reading the
 * sample's locations leaf-last and each location's lines last-to-first gives root-first order.
 */
export function profileToStacks(p: Profile, sampleTypeIndex = 0): Stacks {
  if (!Number.isInteger(sampleTypeIndex) || sampleTypeIndex < 0 || sampleTypeIndex >= p.sampleType.length) {
    throw new PprofError(`sample type index ${sampleTypeIndex} out of range (profile has ${p.sampleType.length} sample types)`)
  }
  const fnName = new Map<number, string>()
  for (const fn of p.function) {
    const name = str(p, fn.name, `function ${fn.id} name`) || str(p, fn.systemName, `function ${fn.id} system_name`)
    fnName.set(fn.id, name || `function#${fn.id}`)
  }
  const locFrames = new Map<number, string[]>()
  for (const loc of p.location) {
    const frames: string[] = []
    for (let i = loc.line.length - 1; i >= 0; i--) {
      const fid = loc.line[i]!.functionId
      const name = fnName.get(fid)
      if (name === undefined) throw new PprofError(`location ${loc.id} references unknown function ${fid}`)
      frames.push(name)
    }
    // unsymbolised location: show its address like pprof does
    if (frames.length === 0) frames.push(`0x${loc.address.toString(16)}`)
    locFrames.set(loc.id, frames)
  }
  const merged = new Map<string, Stack>()
  let total = 0
  for (const [si, s] of p.sample.entries()) {
    const value = s.value[sampleTypeIndex] ?? 0
    if (value === 0) continue
    total += value
    const frames: string[] = []
    for (let i = s.locationId.length - 1; i >= 0; i--) {
      const lid = s.locationId[i]!
      const lf = locFrames.get(lid)
      if (!lf) throw new PprofError(`sample ${si} references unknown location ${lid}`)
      for (const f of lf) frames.push(f)
    }
    const key = frames.join('\n')
    const prev = merged.get(key)
    if (prev) prev.value += value
    else merged.set(key, { frames, value })
  }
  return { stacks: [...merged.values()], total }
}

/**
 * A copy stamped at `timeNanos` (duration kept), so a stored profile can be pushed into a fresh
 * server inside its ingestion window (profiles older than 1 h are rejected).
 */
export function restampProfile(p: Profile, timeNanos: bigint): Profile {
  return { ...p, timeNanos }
}

/** Index of `s` in the string table, appending it when absent (returns a new table if needed). */
export function internString(table: string[], s: string): number {
  const i = table.indexOf(s)
  if (i >= 0) return i
  table.push(s)
  return table.length - 1
}
