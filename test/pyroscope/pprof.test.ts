import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  decodeProfile,
  emptyProfile,
  encodeProfile,
  gunzip,
  gzip,
  PprofError,
  profileToStacks,
  restampProfile,
  sampleTypes,
  type Profile
} from '../../src/pyroscope/pprof.js'
import { FIXTURE, fixture } from './helpers.js'

const fixtures = [FIXTURE.cpuPb, FIXTURE.mutexPb, FIXTURE.allocPb]

describe('pprof codec on the real golden SelectMergeProfile answers', () => {
  it('decodes the CPU profile: 440 samples, 958 strings, Java frame names', () => {
    const p = decodeProfile(fixture(FIXTURE.cpuPb))
    expect(p.sample).toHaveLength(440)
    expect(p.stringTable).toHaveLength(958)
    expect(p.stringTable[0]).toBe('')
    expect(sampleTypes(p)).toEqual([{ type: 'cpu', unit: 'nanoseconds' }])
    expect(p.periodType && [p.stringTable[p.periodType.type], p.stringTable[p.periodType.unit]]).toEqual(['cpu', 'nanoseconds'])
    expect(p.stringTable).toContain('org/apache/kafka/common/utils/ByteUtils.readVarint')
    expect(p.timeNanos).toBe(1708078385606000000n)
  })

  it.each(fixtures)('decode → encode → decode is lossless and byte-identical (%s)', (name) => {
    const gz = fixture(name)
    const p = decodeProfile(gz)
    const encoded = encodeProfile(p)
    expect(decodeProfile(encoded)).toEqual(p)
    // field order, packing and omitted zeros match the Go (vtproto) encoder exactly
    expect(Buffer.from(encoded)).toEqual(gunzipSync(gz))
  })

  it('profileToStacks: total equals the sum of sample values, stacks are root first', () => {
    const p = decodeProfile(fixture(FIXTURE.cpuPb))
    const sum = p.sample.reduce((acc, s) => acc + (s.value[0] ?? 0), 0)
    const { stacks, total } = profileToStacks(p, 0)
    expect(total).toBe(sum)
    expect(total).toBe(5_820_000_000)
    expect(stacks.reduce((a, s) => a + s.value, 0)).toBe(total)
    const readVarint = stacks.filter((s) => s.frames.includes('org/apache/kafka/common/utils/ByteUtils.readVarint'))
    expect(readVarint.length).toBeGreaterThan(0)
    // the leaf side is deeper than the thread entry point
    for (const s of readVarint) {
      expect(s.frames.indexOf('java/lang/Thread.run')).toBeLessThan(s.frames.indexOf('org/apache/kafka/common/utils/ByteUtils.readVarint'))
    }
    expect(new Set(stacks.map((s) => s.frames.join(';'))).size).toBe(stacks.length)
  })

  it('rejects an out-of-range sample type index', () => {
    const p = decodeProfile(fixture(FIXTURE.mutexPb))
    expect(() => profileToStacks(p, 1)).toThrow(/out of range/)
  })
})

function synthetic(): Profile {
  const p = emptyProfile()
  p.stringTable = ['', 'cpu', 'nanoseconds', 'main', 'outer', 'inner', 'leaf']
  p.sampleType = [{ type: 1, unit: 2 }]
  p.function = [
    { id: 1, name: 3, systemName: 0, filename: 0, startLine: 0 },
    { id: 2, name: 4, systemName: 0, filename: 0, startLine: 0 },
    { id: 3, name: 5, systemName: 0, filename: 0, startLine: 0 },
    { id: 4, name: 6, systemName: 0, filename: 0, startLine: 0 }
  ]
  p.location = [
    { id: 1, mappingId: 0, address: 0n, line: [{ functionId: 1, line: 10 }], isFolded: false },
    // inner() inlined into outer(): line[0] is the callee
    { id: 2, mappingId: 0, address: 0xffff_ffff_8100_0000n, line: [{ functionId: 3, line: 5 }, { functionId: 2, line: 7 }], isFolded: false },
    { id: 3, mappingId: 0, address: 0x4000n, line: [{ functionId: 4, line: 1 }], isFolded: true },
    { id: 4, mappingId: 0, address: 0xdeadn, line: [], isFolded: false }
  ]
  p.sample = [
    { locationId: [3, 2, 1], value: [7], label: [] },
    { locationId: [4, 1], value: [2], label: [] },
    { locationId: [3, 2, 1], value: [1], label: [] },
    { locationId: [1], value: [0], label: [] }
  ]
  p.timeNanos = 1_779_729_300_000_000_000n
  p.durationNanos = 10_000_000_000n
  p.period = 10_000_000
  p.periodType = { type: 1, unit: 2 }
  return p
}

describe('pprof codec details', () => {
  it('expands inlined frames root first and merges identical stacks', () => {
    const { stacks, total } = profileToStacks(synthetic())
    expect(total).toBe(10)
    expect(stacks).toEqual([
      { frames: ['main', 'outer', 'inner', 'leaf'], value: 8 },
      { frames: ['main', '0xdead'], value: 2 }
    ])
  })

  it('round-trips 64-bit addresses, negative values and labels', () => {
    const p = synthetic()
    p.sample[1]!.value = [-5]
    p.sample[0]!.label = [{ key: 1, str: 3, num: 0, numUnit: 0 }, { key: 2, str: 0, num: 2 ** 40, numUnit: 2 }]
    p.mapping = [
      { id: 1, memoryStart: 0x7f00_0000_0000n, memoryLimit: 0xffff_ffff_ffff_ffffn, fileOffset: 0n, filename: 3, buildId: 0, hasFunctions: true, hasFilenames: false, hasLineNumbers: true, hasInlineFrames: true }
    ]
    p.comment = [4, 5]
    p.defaultSampleType = 1
    expect(decodeProfile(encodeProfile(p))).toEqual(p)
  })

  it('decodes unpacked repeated varints as well as packed ones', () => {
    // Sample{location_id: 1 (unpacked), location_id: 2 (unpacked), value: [3] (packed)}
    const sample = [0x08, 0x01, 0x08, 0x02, 0x12, 0x01, 0x03]
    const bytes = Uint8Array.from([0x12, sample.length, ...sample, 0x32, 0x00])
    const p = decodeProfile(bytes)
    expect(p.sample).toEqual([{ locationId: [1, 2], value: [3], label: [] }])
    expect(p.stringTable).toEqual([''])
  })

  it('skips unknown fields', () => {
    // field 99 (varint) then string_table ""
    const p = decodeProfile(Uint8Array.from([0x98, 0x06, 0x05, 0x32, 0x00]))
    expect(p.stringTable).toEqual([''])
  })

  it('rejects garbage with a PprofError', () => {
    expect(() => decodeProfile(Uint8Array.from([0x0a, 0x50, 0x01]))).toThrow(PprofError)
    expect(() => decodeProfile(Uint8Array.from([0x32, 0x01, 0x61]))).toThrow(/string_table\[0\]/)
    expect(() => gunzip(Uint8Array.from([0x1f, 0x8b, 0, 0]))).toThrow(/gunzip/)
  })

  it('gzip/gunzip round trip; decodeProfile accepts both forms', () => {
    const raw = encodeProfile(synthetic())
    expect(Buffer.from(gunzip(gzip(raw)))).toEqual(Buffer.from(raw))
    expect(decodeProfile(gzip(raw))).toEqual(decodeProfile(raw))
  })

  it('restampProfile sets time_nanos, keeps duration, leaves the input alone', () => {
    const p = decodeProfile(fixture(FIXTURE.mutexPb))
    const before = p.timeNanos
    const r = restampProfile(p, 1_779_729_300_000_000_000n)
    expect(r.timeNanos).toBe(1_779_729_300_000_000_000n)
    expect(r.durationNanos).toBe(p.durationNanos)
    expect(p.timeNanos).toBe(before)
    expect(decodeProfile(encodeProfile(r)).timeNanos).toBe(1_779_729_300_000_000_000n)
    expect(profileToStacks(r)).toEqual(profileToStacks(p))
  })
})
