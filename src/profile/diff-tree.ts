// A call tree with a baseline (left) and current (right) value per frame: the input of the
// diff flame graph renderers. Built from a double flame graph (server render-diff) or by merging
// two single ones.
import type { FlameTable } from './flame-table.js'
import { normalizeFrameName } from './normalize.js'

export interface SideValue {
  self: number
  total: number
}

export interface DiffNode {
  name: string
  left: SideValue
  right: SideValue
  children: DiffNode[]
}

export interface DiffTree {
  root: DiffNode
  leftTotal: number
  rightTotal: number
}


/** Diff tree of a double (render-diff) flame graph. */
export function diffTreeFromTable(table: FlameTable): DiffTree {
  const nodes: DiffNode[] = new Array(table.count)
  for (let i = 0; i < table.count; i++) {
    nodes[i] = {
      name: i === 0 ? 'total' : normalizeFrameName(table.names[table.nameIndex[i]!]!),
      left: { self: table.selfLeft[i]!, total: table.totalLeft[i]! },
      right: { self: table.selfRight[i]!, total: table.totalRight[i]! },
      children: []
    }
  }
  for (let i = 1; i < table.count; i++) nodes[table.parent[i]!]!.children.push(nodes[i]!)
  const root = nodes[0] ?? { name: 'total', left: { self: 0, total: 0 }, right: { self: 0, total: 0 }, children: [] }
  return { root, leftTotal: root.left.total, rightTotal: root.right.total }
}

/**
 * Diff tree of two single graphs (baseline = left, current = right), joined by call path: used
 * when the server cannot diff (the baseline lives in a file, not in the run's Pyroscope).
 */
export function mergeDiffTree(left: FlameTable, right: FlameTable): DiffTree {
  const root: DiffNode = { name: 'total', left: { self: 0, total: 0 }, right: { self: 0, total: 0 }, children: [] }
  const index = new Map<DiffNode, Map<string, DiffNode>>()
  const add = (table: FlameTable, side: 'left' | 'right') => {
    // single graphs keep their values in the left arrays
    const self = table.selfLeft
    const total = table.totalLeft
    const mapped: DiffNode[] = new Array(table.count)
    mapped[0] = root
    root[side].self += self[0] ?? 0
    root[side].total += total[0] ?? 0
    for (let i = 1; i < table.count; i++) {
      const parent = mapped[table.parent[i]!]!
      const name = normalizeFrameName(table.names[table.nameIndex[i]!]!)
      let kids = index.get(parent)
      if (!kids) index.set(parent, (kids = new Map()))
      let node = kids.get(name)
      if (!node) {
        node = { name, left: { self: 0, total: 0 }, right: { self: 0, total: 0 }, children: [] }
        kids.set(name, node)
        parent.children.push(node)
      }
      node[side].self += self[i]!
      node[side].total += total[i]!
      mapped[i] = node
    }
  }
  add(left, 'left')
  add(right, 'right')
  return { root, leftTotal: root.left.total, rightTotal: root.right.total }
}
