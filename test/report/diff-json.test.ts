import { describe, expect, it } from 'vitest'
import { diffTreeFromJson, diffTreeToJson } from '../../src/report/diff-json.js'
import { bigDiffTree, derivedDiffTree } from './fixtures.js'

describe('diffTreeToJson', () => {
  it('writes names once and one flat pre-order row per frame', () => {
    const json = diffTreeToJson(derivedDiffTree())
    expect(json.names).toEqual(['total', 'a', 'b', 'c', 'd', 'e'])
    expect(json.fields).toEqual(['name', 'depth', 'leftSelf', 'leftTotal', 'rightSelf', 'rightTotal'])
    expect(json.nodes.slice(0, 12)).toEqual([0, 0, 0, 6, 0, 24, 1, 1, 0, 6, 0, 24])
    expect(json.nodes.slice(-6)).toEqual([5, 2, 3, 3, 12, 12])
    expect([json.leftTotal, json.rightTotal]).toEqual([6, 24])
  })

  it('round-trips, also for large trees', () => {
    expect(diffTreeFromJson(JSON.parse(JSON.stringify(diffTreeToJson(derivedDiffTree()))))).toEqual(derivedDiffTree())
    const big = bigDiffTree(20_000)
    expect(diffTreeFromJson(diffTreeToJson(big))).toEqual(big)
  })

  it('does not recurse: a 50,000-deep stack is fine', () => {
    const root = { name: 'total', left: { self: 0, total: 1 }, right: { self: 0, total: 1 }, children: [] as never[] }
    let tip: { children: unknown[] } = root
    for (let i = 0; i < 50_000; i++) {
      const next = { name: `f${i % 10}`, left: { self: 0, total: 1 }, right: { self: 0, total: 1 }, children: [] }
      tip.children.push(next)
      tip = next
    }
    const json = diffTreeToJson({ root, leftTotal: 1, rightTotal: 1 })
    expect(json.nodes).toHaveLength(50_001 * 6)
    expect(json.names).toHaveLength(11)
  })
})
