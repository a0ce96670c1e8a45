// Per-function statistics of a flame graph: self value and share, and a recursion-safe total
// (a function that appears twice on one stack is counted once). Pure.
import type { FunctionStat, ProfileStats } from '../model.js'
import type { FlameTable } from './flame-table.js'
import { normalizeFrameName, OTHER_FRAME } from './normalize.js'

export type Side = 'left' | 'right'

export interface RankOptions {
  /** merge generated JVM names (default true) */
  normalize?: boolean
}

/** Function identities of a table's names after normalisation: id per name index. */
export function functionIds(names: string[], normalize: boolean): { ids: Int32Array; functions: string[] } {
  const ids = new Int32Array(names.length)
  const byName = new Map<string, number>()
  const functions: string[] = []
  for (let i = 0; i < names.length; i++) {
    const key = normalize ? normalizeFrameName(names[i]!) : names[i]!
    let id = byName.get(key)
    if (id === undefined) {
      id = functions.length
      functions.push(key)
      byName.set(key, id)
    }
    ids[i] = id
  }
  return { ids, functions }
}

export function rankFunctions(table: FlameTable, side: Side = 'left', options: RankOptions = {}): ProfileStats {
  const selfArr = side === 'left' ? table.selfLeft : table.selfRight
  const totalArr = side === 'left' ? table.totalLeft : table.totalRight
  const { ids, functions } = functionIds(table.names, options.normalize ?? true)
  const nf = functions.length
  const self = new Float64Array(nf)
  const total = new Float64Array(nf)
  const onPath = new Int32Array(nf)
  const rootTotal = table.count > 0 ? totalArr[0]! : 0

  // iterative DFS; a node is pushed as ~i on exit to undo its path counter
  const stack = new Int32Array(table.count * 2 + 2)
  let sp = 0
  for (let c = 0; c < table.childCount[0]!; c++) stack[sp++] = table.firstChild[0]! + c
  while (sp > 0) {
    const node = stack[--sp]!
    if (node < 0) {
      onPath[ids[table.nameIndex[~node]!]!]!--
      continue
    }
    const f = ids[table.nameIndex[node]!]!
    self[f]! += selfArr[node]!
    if (onPath[f] === 0) total[f]! += totalArr[node]!
    onPath[f]!++
    stack[sp++] = ~node
    const first = table.firstChild[node]!
    for (let c = table.childCount[node]! - 1; c >= 0; c--) stack[sp++] = first + c
  }

  const otherId = functions.indexOf(OTHER_FRAME)
  const out: FunctionStat[] = []
  for (let f = 0; f < nf; f++) {
    if (f === otherId || (self[f] === 0 && total[f] === 0)) continue
    out.push({
      name: functions[f]!,
      self: self[f]!,
      total: total[f]!,
      selfShare: rootTotal > 0 ? Math.min(1, self[f]! / rootTotal) : 0,
      totalShare: rootTotal > 0 ? Math.min(1, total[f]! / rootTotal) : 0
    })
  }
  out.sort((a, b) => b.self - a.self || b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const truncated = otherId >= 0 ? self[otherId]! : 0
  return {
    total: rootTotal,
    truncatedShare: rootTotal > 0 ? Math.min(1, truncated / rootTotal) : 0,
    functions: out,
    nodeCount: table.count
  }
}
