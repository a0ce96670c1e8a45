import { describe, expect, it } from 'vitest'
import { decodeFlamegraph, FlamegraphError } from '../../src/profile/flamegraph.js'
import { indexFlamegraph } from '../../src/profile/flame-table.js'
import { rankFunctions } from '../../src/profile/functions.js'
import { diffTreeFromTable, mergeDiffTree } from '../../src/profile/diff-tree.js'
import { readFixtureJson } from '../helpers/fixtures.js'

const stats = (json: unknown, side: 'left' | 'right' = 'left') => rankFunctions(indexFlamegraph(decodeFlamegraph(json)), side)
const byName = (s: ReturnType<typeof stats>) => new Map(s.functions.map((f) => [f.name, f]))

describe('decoding and ranking flame graphs', () => {
  it('decodes the upstream single example (a;b=1, a;c=2)', () => {
    const s = stats({ flamebearer: { names: ['total', 'a', 'c', 'b'], levels: [[0, 3, 0, 0], [0, 3, 0, 1], [0, 1, 1, 3, 0, 2, 2, 2]], numTicks: 3, maxSelf: 2 }, metadata: { format: 'single' } })
    const f = byName(s)
    expect(s.total).toBe(3)
    expect(f.get('c')!.self).toBe(2)
    expect(f.get('b')!.self).toBe(1)
    expect(f.get('a')!.total).toBe(3)
    expect(f.get('a')!.self).toBe(0)
    expect(s.functions.map((x) => x.name)).toEqual(['c', 'b', 'a'])
  })

  it('counts a recursive function once per stack (derived example of pyroscope-api.md §5.5)', () => {
    const s = stats({ flamebearer: { names: ['total', 'main', 'g', 'f'], levels: [[0, 6, 0, 0], [0, 6, 0, 1], [0, 4, 1, 3, 0, 2, 2, 2], [1, 3, 0, 3], [1, 3, 3, 2]], numTicks: 6, maxSelf: 3 } })
    const f = byName(s)
    expect(f.get('g')).toMatchObject({ self: 5, total: 5 })
    expect(f.get('f')).toMatchObject({ self: 1, total: 4 })
    expect(f.get('main')).toMatchObject({ self: 0, total: 6, totalShare: 1 })
  })

  it('on the real Connect fixture: self sums to the root and recursion is not double counted', () => {
    const s = stats(readFixtureJson('flamegraph.json'))
    expect(s.total).toBe(11_100_000_000)
    const selfSum = s.functions.reduce((a, f) => a + f.self, 0)
    expect(selfSum + s.truncatedShare * s.total).toBeCloseTo(s.total, -1)
    const serve = byName(s).get('net/http.HandlerFunc.ServeHTTP')!
    expect(serve.totalShare).toBeCloseTo(0.0559, 3)
    for (const f of s.functions) expect(f.totalShare).toBeLessThanOrEqual(1)
    expect(s.nodeCount).toBe(2110)
  })

  it('decodes the real render fixture with numbers (profile.json)', () => {
    const s = stats(readFixtureJson('profile.json'))
    expect(s.total).toBe(953)
    // maxSelf (732) is per node; the same function at another node adds to its self
    expect(s.functions[0]!.self).toBeGreaterThanOrEqual(732)
    expect(s.functions.reduce((a, f) => a + f.self, 0)).toBe(953)
  })

  it('reports the share folded into "other" and never lists it as a function', () => {
    const s = stats({ flamebearer: { names: ['total', 'a', 'other', 'b'], levels: [[0, 10, 0, 0], [0, 10, 0, 1], [0, 4, 4, 2, 0, 6, 6, 3]], numTicks: 10, maxSelf: 6 } })
    expect(s.truncatedShare).toBeCloseTo(0.4)
    expect(s.functions.map((f) => f.name)).not.toContain('other')
  })

  it('decodes the derived render-diff example into left and right sides', () => {
    const json = readDiffExample()
    const table = indexFlamegraph(decodeFlamegraph(json))
    const left = byName(rankFunctions(table, 'left'))
    const right = byName(rankFunctions(table, 'right'))
    expect([left.get('b')!.self, left.get('c')!.self, left.get('e')!.self, left.get('d')?.self]).toEqual([1, 2, 3, undefined])
    expect([right.get('b')!.self, right.get('d')!.self, right.get('e')!.self, right.get('c')?.self]).toEqual([4, 8, 12, undefined])
    const tree = diffTreeFromTable(table)
    expect(tree.leftTotal).toBe(6)
    expect(tree.rightTotal).toBe(24)
    expect(tree.root.children[0]!.children.map((c) => c.name).sort()).toEqual(['b', 'c', 'd', 'e'])
  })

  it('decodes the Connect form of the diff (int64 strings) identically', () => {
    const connect = {
      flamegraph: {
        names: ['total', 'a', 'e', 'd', 'c', 'b'],
        levels: readDiffExample().flamebearer.levels.map((l) => ({ values: l.map(String) })),
        total: '30', maxSelf: '12', leftTicks: '6', rightTicks: '24'
      }
    }
    const a = decodeFlamegraph(connect)
    const b = decodeFlamegraph(readDiffExample())
    expect(a).toEqual(b)
  })

  it('merges two single graphs into the same diff tree the server would give', () => {
    const single = (stacks: Record<string, number>) => {
      // encode a;x = v stacks (depth 2) as a render response
      const names = ['total', 'a', ...Object.keys(stacks)]
      const sum = Object.values(stacks).reduce((x, y) => x + y, 0)
      const l2: number[] = []
      Object.entries(stacks).forEach(([, v], i) => l2.push(0, v, v, i + 2))
      return indexFlamegraph(decodeFlamegraph({ flamebearer: { names, levels: [[0, sum, 0, 0], [0, sum, 0, 1], l2], numTicks: sum, maxSelf: 0 } }))
    }
    const tree = mergeDiffTree(single({ b: 1, c: 2, e: 3 }), single({ b: 4, d: 8, e: 12 }))
    const a = tree.root.children[0]!
    const kids = Object.fromEntries(a.children.map((c) => [c.name, [c.left.self, c.right.self]]))
    expect(kids).toEqual({ b: [1, 4], c: [2, 0], e: [3, 12], d: [0, 8] })
    expect([tree.leftTotal, tree.rightTotal]).toEqual([6, 24])
  })

  it('rejects malformed input naming the field', () => {
    expect(() => decodeFlamegraph({ flamebearer: { names: ['total'], levels: [[0, 1, 0]], numTicks: 1 } })).toThrow(/levels\[0\] has 3 values/)
    expect(() => decodeFlamegraph({ flamebearer: { names: ['total'], levels: [[0, 1, 0, 5]], numTicks: 1 } })).toThrow(/names index 5/)
    expect(() => decodeFlamegraph({ nope: 1 }, 'render of x')).toThrow(FlamegraphError)
    expect(() => decodeFlamegraph({ nope: 1 }, 'render of x')).toThrow(/render of x/)
    expect(() => indexFlamegraph(decodeFlamegraph({ flamebearer: { names: ['total', 'a'], levels: [[0, 1, 0, 0], [5, 1, 1, 1]], numTicks: 1 } }))).toThrow(/outside every parent/)
  })

  it('treats an empty result as an empty profile', () => {
    const s = stats({ flamegraph: { names: ['total'], levels: [{ values: ['0', '0', '0', '0'] }] } })
    expect(s.total).toBe(0)
    expect(s.functions).toEqual([])
    expect(stats({ flamegraph: {} }).total).toBe(0)
  })
})

function readDiffExample() {
  return {
    version: 1,
    flamebearer: {
      names: ['total', 'a', 'e', 'd', 'c', 'b'],
      levels: [[0, 6, 0, 0, 24, 0, 0], [0, 6, 0, 0, 24, 0, 1], [0, 1, 1, 0, 4, 4, 5, 0, 2, 2, 0, 0, 0, 4, 0, 0, 0, 0, 8, 8, 3, 0, 3, 3, 0, 12, 12, 2]],
      numTicks: 30,
      maxSelf: 12
    },
    metadata: { format: 'double', spyName: '', sampleRate: 1000000000, units: 'samples', name: 'cpu' },
    leftTicks: 6,
    rightTicks: 24
  }
}
