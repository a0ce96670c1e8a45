import { describe, expect, it } from 'vitest'
import { KINDS } from '../../src/model.js'
import { parseProfileTypeId, ProfileTypeIdError, resolveProfileTypes } from '../../src/pyroscope/discovery.js'

const types = (ids: string[]) => ids.map(parseProfileTypeId)

// pyroscope-api.md §3.3 / §3.4
const V1_0 = [
  'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
  'memory:alloc_in_new_tlab_objects:count::',
  'memory:alloc_in_new_tlab_bytes:bytes::',
  'memory:alloc_outside_tlab_objects:count::',
  'memory:alloc_outside_tlab_bytes:bytes::',
  'block:contentions:count::',
  'block:delay:nanoseconds::',
  'wall:wall:nanoseconds:cpu:nanoseconds'
]
const V1_1 = [
  'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
  'memory:alloc_in_new_tlab_objects:count::',
  'memory:alloc_in_new_tlab_bytes:bytes::',
  'mutex:contentions:count::',
  'mutex:delay:nanoseconds::',
  'block:contentions:count::',
  'block:delay:nanoseconds::'
]
// upstream pkg/test/integration/ingest_jfr_test.go (cpu_lock0_alloc0) + dump2 wall
const CURRENT = [
  'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
  'memory:alloc_in_new_tlab_objects:count:space:bytes',
  'memory:alloc_in_new_tlab_bytes:bytes:space:bytes',
  'memory:alloc_outside_tlab_objects:count:space:bytes',
  'memory:alloc_outside_tlab_bytes:bytes:space:bytes',
  'mutex:contentions:count:mutex:count',
  'mutex:delay:nanoseconds:mutex:count',
  'block:contentions:count:block:count',
  'block:delay:nanoseconds:block:count',
  'wall:wall:nanoseconds:wall:nanoseconds',
  'memory:live:count:objects:count'
]

describe('parseProfileTypeId', () => {
  it('parses the five parts, with empty periods and a sixth part', () => {
    expect(parseProfileTypeId('process_cpu:cpu:nanoseconds:cpu:nanoseconds')).toEqual({
      ID: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      name: 'process_cpu',
      sampleType: 'cpu',
      sampleUnit: 'nanoseconds',
      periodType: 'cpu',
      periodUnit: 'nanoseconds'
    })
    expect(parseProfileTypeId('memory:alloc_in_new_tlab_bytes:bytes::')).toMatchObject({ periodType: '', periodUnit: '' })
    expect(parseProfileTypeId('memory:alloc_space:bytes:space:bytes:delta').ID).toBe('memory:alloc_space:bytes:space:bytes')
  })

  it('throws a clear error for legacy and malformed IDs', () => {
    for (const bad of ['myapp.cpu', 'a:b:c:d', ':cpu:nanoseconds:cpu:nanoseconds', 'a:b:c:d:e:f:g', '']) {
      expect(() => parseProfileTypeId(bad)).toThrow(ProfileTypeIdError)
    }
    expect(() => parseProfileTypeId('myapp.cpu')).toThrow(/invalid profile type ID "myapp.cpu": expected <name>:<sample type>/)
  })
})

describe('resolveProfileTypes', () => {
  it('current servers (>= 1.2)', () => {
    const r = resolveProfileTypes(types(CURRENT), KINDS)
    expect(r.ids).toEqual({
      cpu: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      alloc: 'memory:alloc_in_new_tlab_bytes:bytes:space:bytes',
      mutex: 'mutex:delay:nanoseconds:mutex:count',
      wall: 'wall:wall:nanoseconds:wall:nanoseconds',
      block: 'block:delay:nanoseconds:block:count'
    })
    expect(r.missing).toEqual([])
    expect(r.types.alloc?.sampleUnit).toBe('bytes')
  })

  it('v1.1: no periods', () => {
    const r = resolveProfileTypes(types(V1_1), KINDS)
    expect(r.ids).toEqual({
      cpu: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      alloc: 'memory:alloc_in_new_tlab_bytes:bytes::',
      mutex: 'mutex:delay:nanoseconds::',
      block: 'block:delay:nanoseconds::'
    })
    expect(r.missing).toEqual(['wall'])
  })

  it('v1.0: locks only as block, wall with the cpu period', () => {
    const r = resolveProfileTypes(types(V1_0), KINDS)
    expect(r.ids).toEqual({
      cpu: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      alloc: 'memory:alloc_in_new_tlab_bytes:bytes::',
      wall: 'wall:wall:nanoseconds:cpu:nanoseconds',
      block: 'block:delay:nanoseconds::'
    })
    expect(r.missing).toEqual(['mutex'])
  })

  it('prefers the current ID when old and new coexist (upgraded server), whatever the order', () => {
    const mixed = types(['memory:alloc_in_new_tlab_bytes:bytes::', 'mutex:delay:nanoseconds::', ...CURRENT].reverse())
    const r = resolveProfileTypes(mixed, ['alloc', 'mutex', 'wall'])
    expect(r.ids).toEqual({
      alloc: 'memory:alloc_in_new_tlab_bytes:bytes:space:bytes',
      mutex: 'mutex:delay:nanoseconds:mutex:count',
      wall: 'wall:wall:nanoseconds:wall:nanoseconds'
    })
    const wall = resolveProfileTypes(types(['wall:wall:nanoseconds:cpu:nanoseconds', 'wall:wall:nanoseconds:wall:nanoseconds']), ['wall'])
    expect(wall.ids.wall).toBe('wall:wall:nanoseconds:wall:nanoseconds')
  })

  it('alloc falls back: outside TLAB, then the JDK alloc sampler', () => {
    expect(resolveProfileTypes(types(['memory:alloc_outside_tlab_bytes:bytes:space:bytes', 'memory:alloc_sample_bytes:bytes:space:bytes']), ['alloc']).ids.alloc).toBe(
      'memory:alloc_outside_tlab_bytes:bytes:space:bytes'
    )
    expect(resolveProfileTypes(types(['memory:alloc_sample_objects:count:space:bytes', 'memory:alloc_sample_bytes:bytes:space:bytes']), ['alloc']).ids.alloc).toBe(
      'memory:alloc_sample_bytes:bytes:space:bytes'
    )
  })

  it('mutex falls back to contentions; object counts never stand in for bytes', () => {
    expect(resolveProfileTypes(types(['mutex:contentions:count:mutex:count']), ['mutex']).ids.mutex).toBe('mutex:contentions:count:mutex:count')
    const r = resolveProfileTypes(types(['memory:alloc_in_new_tlab_objects:count:space:bytes', 'memory:live:count:objects:count']), ['alloc'])
    expect(r.missing).toEqual(['alloc'])
  })

  it('reports every kind missing on an empty server, without throwing', () => {
    const r = resolveProfileTypes([], ['cpu', 'alloc', 'cpu'])
    expect(r).toEqual({ ids: {}, types: {}, missing: ['cpu', 'alloc'] })
  })
})
