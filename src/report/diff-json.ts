// The diff tree as compact JSON for the artifact: a names table and flat pre-order rows of six
// numbers per frame, `nameIndex, depth, leftSelf, leftTotal, rightSelf, rightTotal`. Flat rather than
// nested so that neither writing nor reading it recurses, however deep the stacks are.
import type { DiffNode, DiffTree } from '../profile/diff-tree.js'

export const DIFF_JSON_VERSION = 1
export const DIFF_JSON_FIELDS = ['name', 'depth', 'leftSelf', 'leftTotal', 'rightSelf', 'rightTotal'] as const

export interface DiffJson {
  version: typeof DIFF_JSON_VERSION
  leftTotal: number
  rightTotal: number
  /** the meaning of each number in a row of `nodes` */
  fields: typeof DIFF_JSON_FIELDS
  names: string[]
  /** rows of `fields.length` numbers, pre-order: a frame's children follow it with depth + 1 */
  nodes: number[]
}

export function diffTreeToJson(tree: DiffTree): DiffJson {
  const names: string[] = []
  const nameIndex = new Map<string, number>()
  const nodes: number[] = []
  const stack: [DiffNode, number][] = [[tree.root, 0]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item
    let index = nameIndex.get(node.name)
    if (index === undefined) {
      index = names.length
      names.push(node.name)
      nameIndex.set(node.name, index)
    }
    nodes.push(index, depth, node.left.self, node.left.total, node.right.self, node.right.total)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i] as DiffNode, depth + 1])
  }
  return { version: DIFF_JSON_VERSION, leftTotal: tree.leftTotal, rightTotal: tree.rightTotal, fields: DIFF_JSON_FIELDS, names, nodes }
}

/** The inverse, for tests and for tools reading the artifact. */
export function diffTreeFromJson(json: DiffJson): DiffTree {
  const width = DIFF_JSON_FIELDS.length
  const path: DiffNode[] = []
  let root: DiffNode | undefined
  for (let at = 0; at + width <= json.nodes.length; at += width) {
    const [name, depth, leftSelf, leftTotal, rightSelf, rightTotal] = json.nodes.slice(at, at + width) as [number, number, number, number, number, number]
    const node: DiffNode = { name: json.names[name] ?? '', left: { self: leftSelf, total: leftTotal }, right: { self: rightSelf, total: rightTotal }, children: [] }
    if (depth === 0) root ??= node
    else path[depth - 1]?.children.push(node)
    path[depth] = node
    path.length = depth + 1
  }
  return { root: root ?? { name: 'total', left: { self: 0, total: 0 }, right: { self: 0, total: 0 }, children: [] }, leftTotal: json.leftTotal, rightTotal: json.rightTotal }
}
