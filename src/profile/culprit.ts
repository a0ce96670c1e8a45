// Names the function a developer would fix for a flagged frame: a regression often surfaces in a
// JDK or native leaf (Formatter.parse, DigestBase.<init>), while the change is in the application
// method that calls it. From the diff tree, take the call path where the frame grew most and walk
// up to the nearest application frame. Pure.
import type { DiffNode, DiffTree } from './diff-tree.js'

/** runtime, library and native frames: not what a pull request changes */
const PLATFORM = /^(java\/|javax\/|jdk\/|sun\/|com\/sun\/|kotlin\/|scala\/|io\/netty\/|io\/vertx\/|\.|lib[^/]*\.so|\[)/

export function isApplicationFrame(name: string): boolean {
  return !PLATFORM.test(name) && name !== 'total' && name !== 'other'
}

/** For each requested frame name: the nearest application caller on the path where it grew most. */
export function growthCallers(tree: DiffTree, names: ReadonlySet<string>): Map<string, string> {
  const best = new Map<string, { growth: number; caller: string }>()
  const lt = tree.leftTotal || 1
  const rt = tree.rightTotal || 1
  // iterative DFS keeping the nearest application ancestor of each node
  const stack: Array<{ node: DiffNode; app: string | undefined }> = [{ node: tree.root, app: undefined }]
  while (stack.length) {
    const { node, app } = stack.pop()!
    if (names.has(node.name) && app !== undefined && app !== node.name) {
      const growth = node.right.total / rt - node.left.total / lt
      const prev = best.get(node.name)
      if (!prev || growth > prev.growth) best.set(node.name, { growth, caller: app })
    }
    const nextApp = isApplicationFrame(node.name) ? node.name : app
    for (const c of node.children) stack.push({ node: c, app: nextApp })
  }
  return new Map([...best].filter(([, v]) => v.growth > 0).map(([k, v]) => [k, v.caller]))
}
