// Benchmarks, measured side by side in one run (these machines are noisy: compare ratios, not
// absolute times). Run with `npm run bench` (compiles src/ to lib/ first).
//  1. decode + rank a 1,000,000-node flame graph vs JSON.parse of the same payload (target ≤ 3×)
//  2. the peak memory of that decode
//  3. render a 100,000-node diff flame graph (SVG and HTML)
import { performance } from 'node:perf_hooks'
import { decodeFlamegraph } from '../lib/profile/flamegraph.js'
import { indexFlamegraph } from '../lib/profile/flame-table.js'
import { rankFunctions } from '../lib/profile/functions.js'
import { renderDiffSvg } from '../lib/report/flamegraph-svg.js'
import { renderDiffHtml } from '../lib/report/flamegraph-html.js'

function rng(seed) {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296)
}

/** a render response with exactly `nodes` nodes: random tree, 5,000 distinct names, depth ≤ 40 */
function syntheticRender(nodes, seed = 1) {
  const rand = rng(seed)
  const names = ['total']
  for (let i = 1; i <= 5000; i++) names.push(`com/example/pkg${i % 97}/Class${i}$Inner.method${i % 13}`)
  // build parent links breadth-first so every level is contiguous
  const parent = new Int32Array(nodes)
  const depth = new Int32Array(nodes)
  parent[0] = -1
  for (let i = 1; i < nodes; i++) {
    let p = Math.floor(rand() * i)
    while (depth[p] >= 40) p = parent[p]
    parent[i] = p
    depth[i] = depth[p] + 1
  }
  const kids = Array.from({ length: nodes }, () => [])
  for (let i = 1; i < nodes; i++) kids[parent[i]].push(i)
  const self = new Float64Array(nodes)
  for (let i = 0; i < nodes; i++) self[i] = 1 + Math.floor(rand() * 1000) * 10_000_000
  const total = new Float64Array(nodes)
  const order = []
  const stack = [0]
  while (stack.length) {
    const n = stack.pop()
    order.push(n)
    for (const k of kids[n]) stack.push(k)
  }
  for (let j = order.length - 1; j >= 0; j--) {
    const n = order[j]
    total[n] = self[n] + kids[n].reduce((a, k) => a + total[k], 0)
  }
  const levels = []
  const prevEnd = []
  const x = new Float64Array(nodes)
  const walk = [[0, 0]]
  // DFS in child order so x offsets follow the encoding (self first, then children)
  const byLevel = []
  const visit = (n, d, xs) => {
    x[n] = xs
    ;(byLevel[d] ??= []).push(n)
    let cx = xs + self[n]
    for (const k of kids[n]) {
      visit(k, d + 1, cx)
      cx += total[k]
    }
  }
  // iterative version of visit to avoid deep recursion
  const st = [[0, 0, 0]]
  while (st.length) {
    const [n, d, xs] = st.pop()
    x[n] = xs
    ;(byLevel[d] ??= []).push(n)
    let cx = xs + self[n]
    const frames = []
    for (const k of kids[n]) {
      frames.push([k, d + 1, cx])
      cx += total[k]
    }
    for (let i = frames.length - 1; i >= 0; i--) st.push(frames[i])
  }
  void walk; void visit
  for (let d = 0; d < byLevel.length; d++) {
    const ns = byLevel[d].sort((a, b) => x[a] - x[b])
    const level = []
    let end = 0
    for (const n of ns) {
      level.push(x[n] - end, total[n], self[n], n === 0 ? 0 : 1 + (n % 5000))
      end = x[n] + total[n]
    }
    levels.push(level)
    prevEnd.push(end)
  }
  return JSON.stringify({ version: 1, flamebearer: { names, levels, numTicks: total[0], maxSelf: 0 }, metadata: { format: 'single', spyName: '', sampleRate: 1e9, units: 'samples', name: 'cpu' } })
}

function time(fn, rounds) {
  const times = []
  let result
  for (let i = 0; i < rounds; i++) {
    const t = performance.now()
    result = fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)], result }
}

if (process.env.BENCH_DUMP) { (await import("node:fs")).writeFileSync(process.env.BENCH_DUMP, syntheticRender(Number(process.env.BENCH_NODES))); process.exit(0) }
const nodes = Number(process.env.BENCH_NODES ?? 1_000_000)
const payload = syntheticRender(nodes)
console.log(`flame graph: ${nodes.toLocaleString()} nodes, ${(payload.length / 1e6).toFixed(1)} MB of JSON`)
const rounds = 5
const parse = time(() => JSON.parse(payload), rounds)
global.gc?.()
const before = process.memoryUsage().heapUsed
let peak = before
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1)
const full = time(() => {
  const stats = rankFunctions(indexFlamegraph(decodeFlamegraph(JSON.parse(payload))), 'left')
  peak = Math.max(peak, process.memoryUsage().heapUsed)
  return stats
}, rounds)
clearInterval(sampler)
console.log(`JSON.parse:                    ${parse.median.toFixed(0)} ms`)
console.log(`parse + decode + rank:         ${full.median.toFixed(0)} ms  (${full.result.functions.length} functions)`)
console.log(`ratio to JSON.parse:           ${(full.median / parse.median).toFixed(2)}×  (target ≤ 3×)`)
console.log(`peak heap above baseline:      ${((peak - before) / 1e6).toFixed(0)} MB (payload string ${(payload.length / 1e6).toFixed(0)} MB)`)

// diff flame graph rendering, 100k nodes
function diffTree(n, seed = 2) {
  const rand = rng(seed)
  const root = { name: 'total', left: { self: 0, total: 0 }, right: { self: 0, total: 0 }, children: [] }
  const all = [root]
  for (let i = 1; i < n; i++) {
    const p = all[Math.floor(rand() * all.length)]
    const l = Math.floor(rand() * 100)
    const r = Math.floor(l * (0.5 + rand()))
    const node = { name: `com/example/F${i % 3000}.m`, left: { self: l, total: l }, right: { self: r, total: r }, children: [] }
    p.children.push(node)
    all.push(node)
  }
  const fix = (node) => {
    for (const c of node.children) fix(c)
    node.left.total = node.left.self + node.children.reduce((a, c) => a + c.left.total, 0)
    node.right.total = node.right.self + node.children.reduce((a, c) => a + c.right.total, 0)
  }
  // iterative post-order to keep the stack shallow
  const order = []
  const st = [root]
  while (st.length) {
    const x = st.pop()
    order.push(x)
    for (const c of x.children) st.push(c)
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const x = order[i]
    x.left.total = x.left.self + x.children.reduce((a, c) => a + c.left.total, 0)
    x.right.total = x.right.self + x.children.reduce((a, c) => a + c.right.total, 0)
  }
  void fix
  return { root, leftTotal: root.left.total, rightTotal: root.right.total }
}
const tree = diffTree(100_000)
const svg = time(() => renderDiffSvg(tree, { title: 'bench' }), 3)
const html = time(() => renderDiffHtml(tree, { title: 'bench' }), 3)
const treeJson = time(() => JSON.stringify(tree), 3)
console.log(`diff flame graph, 100,000 nodes: SVG ${svg.median.toFixed(0)} ms (${(svg.result.length / 1e6).toFixed(1)} MB), HTML ${html.median.toFixed(0)} ms; JSON.stringify of the tree ${treeJson.median.toFixed(0)} ms (SVG ratio ${(svg.median / treeJson.median).toFixed(2)}×)`)
