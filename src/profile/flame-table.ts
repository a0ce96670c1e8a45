// Turns the delta-encoded `levels` of a flame graph into a flat, indexed call tree
// (struct of arrays: fast and small for graphs of a million nodes).
import type { Flamegraph } from './flamegraph.js'
import { FlamegraphError } from './flamegraph.js'

export interface FlameTable {
  names: string[]
  /** number of nodes, root included (node 0) */
  count: number
  nameIndex: Int32Array
  depth: Int32Array
  /** -1 for the root */
  parent: Int32Array
  /** children of node i are nodes firstChild[i] .. firstChild[i] + childCount[i] - 1 */
  firstChild: Int32Array
  childCount: Int32Array
  selfLeft: Float64Array
  totalLeft: Float64Array
  /** zero for single graphs */
  selfRight: Float64Array
  totalRight: Float64Array
  double: boolean
}

/**
 * Decodes x offsets level by level and links every node to its parent with one merge walk per
 * level: children are laid out inside the parent's children region [x + self, x + total), in
 * the same order as their parents (pyroscope-api.md §5.3). For diffs both sides are checked, as a
 * node may have zero width on one of them.
 */
export function indexFlamegraph(fg: Flamegraph): FlameTable {
  const double = fg.format === 'double'
  const width = double ? 7 : 4
  let count = 0
  for (const level of fg.levels) count += level.length / width
  const nameIndex = new Int32Array(count)
  const depth = new Int32Array(count)
  const parent = new Int32Array(count).fill(-1)
  const firstChild = new Int32Array(count)
  const childCount = new Int32Array(count)
  const selfLeft = new Float64Array(count)
  const totalLeft = new Float64Array(count)
  const selfRight = new Float64Array(count)
  const totalRight = new Float64Array(count)
  const xLeft = new Float64Array(count)
  const xRight = new Float64Array(count)

  let base = 0
  let prevBase = 0
  let prevCount = 0
  for (let d = 0; d < fg.levels.length; d++) {
    const level = fg.levels[d]!
    const n = level.length / width
    let endL = 0
    let endR = 0
    for (let k = 0; k < n; k++) {
      const i = base + k
      const o = k * width
      xLeft[i] = endL + level[o]!
      totalLeft[i] = level[o + 1]!
      selfLeft[i] = level[o + 2]!
      endL = xLeft[i]! + totalLeft[i]!
      if (double) {
        xRight[i] = endR + level[o + 3]!
        totalRight[i] = level[o + 4]!
        selfRight[i] = level[o + 5]!
        endR = xRight[i]! + totalRight[i]!
      }
      nameIndex[i] = level[o + width - 1]!
      depth[i] = d
    }
    if (d === 0) {
      if (n !== 1) throw new FlamegraphError(`flame graph: level 0 has ${n} nodes, expected the single root`)
    } else {
      // merge walk: parents of this level are the previous level's nodes, in order
      let p = prevBase
      const pEnd = prevBase + prevCount
      for (let k = 0; k < n; k++) {
        const i = base + k
        while (p < pEnd && !fits(i, p)) p++
        if (p === pEnd) {
          throw new FlamegraphError(`flame graph: node ${k} of level ${d} (${fg.names[nameIndex[i]!]}) lies outside every parent`)
        }
        parent[i] = p
        if (childCount[p] === 0) firstChild[p] = i
        childCount[p]!++
      }
    }
    prevBase = base
    prevCount = n
    base += n
  }
  return { names: fg.names, count, nameIndex, depth, parent, firstChild, childCount, selfLeft, totalLeft, selfRight, totalRight, double }

  function fits(child: number, p: number): boolean {
    const leftOk =
      totalLeft[child] === 0 && double
        ? true
        : xLeft[child]! >= xLeft[p]! + selfLeft[p]! && xLeft[child]! + totalLeft[child]! <= xLeft[p]! + totalLeft[p]!
    if (!double) return leftOk
    const rightOk =
      totalRight[child] === 0
        ? true
        : xRight[child]! >= xRight[p]! + selfRight[p]! && xRight[child]! + totalRight[child]! <= xRight[p]! + totalRight[p]!
    // a parent must exist on every side where the child has width
    return leftOk && rightOk && (totalLeft[child]! > 0 ? totalLeft[p]! > 0 : true) && (totalRight[child]! > 0 ? totalRight[p]! > 0 : true)
  }
}
