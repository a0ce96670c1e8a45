import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { assertCompleteSnapshot, BaselineError, readBaseline, stableStringify, writeBaseline } from '../../src/snapshot/baseline-file.js'
import { buildKindSnapshot, splitWindow } from '../../src/snapshot/build.js'
import { readBaselineProfile, sha256 } from '../../src/snapshot/baseline-profiles.js'
import { syntheticSnapshot } from '../helpers/snapshots.js'

const dir = mkdtempSync(path.join(tmpdir(), 'pg-baseline-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the baseline file', () => {
  const snap = syntheticSnapshot({ services: { b: { cpu: { x: 0.5, y: 0.5 } }, a: { cpu: { x: 1 } } }, seed: 1 })

  it('round-trips, sorted keys, numeric arrays on one line, no temp files left', async () => {
    const file = path.join(dir, 'ok/profiles.json')
    const text = await writeBaseline(file, snap)
    expect(await readBaseline(file)).toEqual(snap)
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"b"'))
    expect(text).toMatch(/"replicateTotals": \[\d+(, \d+)+\]/)
    expect(readdirSync(path.dirname(file))).toEqual(['profiles.json'])
    // stable: writing the same snapshot twice gives the same bytes
    expect(stableStringify(snap)).toBe(text)
  })

  it('names the file and the field path of an invalid baseline', async () => {
    const file = path.join(dir, 'bad.json')
    const broken = structuredClone(snap) as unknown as { services: { a: { cpu: { total: unknown } } } }
    broken.services.a.cpu.total = 'lots'
    writeFileSync(file, JSON.stringify(broken))
    await expect(readBaseline(file)).rejects.toThrow(/bad\.json is not a valid profile-gate snapshot: services\.a\.cpu\.total: .*number/)
  })

  it('rejects a foreign JSON file, a non-JSON file and a missing file with clear messages', async () => {
    const foreign = path.join(dir, 'package.json')
    writeFileSync(foreign, JSON.stringify({ name: 'x', version: '1.0.0' }))
    await expect(readBaseline(foreign)).rejects.toThrow(/schemaVersion/)
    const text = path.join(dir, 'notjson.json')
    writeFileSync(text, 'version: 1')
    await expect(readBaseline(text)).rejects.toThrow(/is not JSON/)
    await expect(readBaseline(path.join(dir, 'missing.json'))).rejects.toThrow(/no baseline at .*run the action with mode: baseline/)
  })

  it('refuses a partial snapshot unless the missing part is optional', () => {
    expect(() => assertCompleteSnapshot(snap, ['a', 'b', 'c'], ['cpu'], () => false)).toThrow(BaselineError)
    expect(() => assertCompleteSnapshot(snap, ['a', 'b', 'c'], ['cpu', 'alloc'], () => false)).toThrow(/no data for a alloc, b alloc, c cpu, c alloc/)
    expect(() => assertCompleteSnapshot(snap, ['a', 'b'], ['cpu', 'alloc'], (_s, k) => k === 'alloc')).not.toThrow()
  })

  it('a baseline profile whose checksum does not match is rejected (fails closed)', async () => {
    const bytes = new Uint8Array([1, 2, 3])
    writeFileSync(path.join(dir, 'p.pb.gz'), bytes)
    await expect(readBaselineProfile(dir, { path: 'p.pb.gz', sha256: sha256(bytes), bytes: 3 })).resolves.toEqual(Buffer.from(bytes))
    await expect(readBaselineProfile(dir, { path: 'p.pb.gz', sha256: 'f'.repeat(64), bytes: 3 })).rejects.toThrow(/sha256 .* records ffffffffffff…: refresh the baseline/)
    await expect(readBaselineProfile(dir, { path: '../etc/passwd', sha256: 'f'.repeat(64), bytes: 3 })).rejects.toThrow(/leaves the baseline directory/)
  })
})

describe('snapshot building', () => {
  it('keeps the top-N by self and by total, with replicate values, and records the cut-off', () => {
    const fn = (name: string, self: number, total: number) => ({ name, self, total, selfShare: self / 100, totalShare: total / 100 })
    const full = { total: 100, truncatedShare: 0, nodeCount: 5, functions: [fn('a', 50, 50), fn('b', 30, 100), fn('c', 15, 15), fn('d', 5, 5)] }
    const k = buildKindSnapshot({ profileTypeId: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds', full, replicates: [full, { ...full, total: 0, functions: [] }], windowSeconds: 10, topN: 2 })
    expect(k.functions.map((f) => f.name)).toEqual(['a', 'b'])
    expect(k.cutoffShare).toBe(0.3)
    expect(k.functions[0]!.replicateSelf).toEqual([50, 0])
    expect(k.totalPerSecond).toBe(10)
    expect(k.unit).toBe('nanoseconds')
    const byTotal = buildKindSnapshot({ profileTypeId: 'x:y:bytes:z:w', full, replicates: [], windowSeconds: 10, topN: 1 })
    expect(byTotal.functions.map((f) => f.name)).toEqual(['a', 'b'])
  })

  it('splits a window into contiguous replicate windows', () => {
    const w = splitWindow({ from: 1000, until: 2000 }, 3)
    expect(w).toEqual([{ from: 1000, until: 1333 }, { from: 1333, until: 1667 }, { from: 1667, until: 2000 }])
  })
})

