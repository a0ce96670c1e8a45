// Hand-built report inputs and diff trees for the report tests.
import type { Comparison, FunctionComparison, Kind, KindComparison, LoadResult, Snapshot } from '../../src/model.js'
import type { DiffNode, DiffTree } from '../../src/profile/diff-tree.js'
import type { ReportInput } from '../../src/report/model.js'

export const HOSTILE_NAMES = [
  'a|b',
  '@octocat',
  '@org/team',
  '#12',
  '<script>alert(1)</script>',
  'tick`code`tick',
  '</details>',
  ']]>',
  'line1\nline2\r\n| x | y |',
  '[link](https://evil.example)',
  'https://evil.example/autolink',
  'www.evil.example',
  'GH-42',
  '$$Lambda$12/0x123.apply',
  '**bold** _em_ ~~del~~ :smile:',
  '<img src=x onerror=alert(1)>',
  'x'.repeat(10_000)
]

export function fn(partial: Partial<FunctionComparison> & { function: string }): FunctionComparison {
  const baselineShare = 'baselineShare' in partial ? partial.baselineShare : 0.1
  const currentShare = 'currentShare' in partial ? partial.currentShare : 0.15
  return {
    service: 'checkout',
    kind: 'cpu',
    metric: 'self',
    delta: (currentShare ?? 0) - (baselineShare ?? 0),
    relativeDelta: baselineShare ? ((currentShare ?? 0) - baselineShare) / baselineShare : Infinity,
    evidence: { test: 'replicate-t', z: 4.2, pValue: 0.0001, adjustedP: 0.001, reason: '+50 % relative, above 20 %; p=0.001' },
    verdict: 'regression',
    threshold: 0.2,
    failing: true,
    ...partial,
    baselineShare,
    currentShare
  }
}

export function kindComparison(service: string, kind: Kind, functions: FunctionComparison[], partial: Partial<KindComparison> = {}): KindComparison {
  return {
    service,
    kind,
    profileTypeId: kind === 'cpu' ? 'process_cpu:cpu:nanoseconds:cpu:nanoseconds' : 'memory:alloc_in_new_tlab_bytes:bytes:space:bytes',
    status: 'compared',
    optional: false,
    baselineTotalPerSecond: 1e9,
    currentTotalPerSecond: 1.1e9,
    truncatedShare: { baseline: 0.01, current: 0.012 },
    source: 'snapshot',
    functions: functions.map((f) => ({ ...f, service, kind })),
    warnings: [],
    ...partial
  }
}

export function comparison(kinds: KindComparison[], partial: Partial<Comparison> = {}): Comparison {
  const all = kinds.flatMap((k) => k.functions)
  return {
    passed: !all.some((f) => f.failing) && (partial.failures ?? []).length === 0,
    kinds,
    failures: [],
    warnings: [],
    counts: {
      regressions: all.filter((f) => f.verdict === 'regression').length,
      newHotspots: all.filter((f) => f.verdict === 'new-hotspot').length,
      improvements: all.filter((f) => f.verdict === 'improvement').length,
      missing: kinds.filter((k) => k.status.startsWith('missing')).length
    },
    ...partial
  }
}

export const BASELINE_WINDOW = { from: 1_763_700_000_000, until: 1_763_700_300_000 }
export const CURRENT_WINDOW = { from: 1_763_800_000_000, until: 1_763_800_300_000 }

export function load(throughput: number, p95: number): LoadResult {
  return {
    startedAt: 1_763_800_000_000,
    endedAt: 1_763_800_300_000,
    mode: 'rate',
    requests: throughput * 300,
    errors: 2,
    throughput,
    endpoints: [
      { service: 'checkout', name: 'pay', method: 'POST', path: '/pay', requests: throughput * 300, errors: 2, throughput, latencyMs: { p50: 3, p95, p99: p95 * 2, max: 100 } }
    ]
  }
}

export function snapshot(window: { from: number; until: number }, partial: Partial<Snapshot['provenance']> = {}, withLoad?: LoadResult): Snapshot {
  return {
    schemaVersion: 1,
    provenance: { tool: 'profile-gate 0.1.0', createdAt: '2026-11-20T10:00:00Z', commit: '0123456789abcdef0123456789abcdef01234567', ref: 'main', settings: {}, ...partial },
    window,
    replicates: [window],
    services: {},
    ...(withLoad ? { load: withLoad } : {})
  }
}

export function reportInput(c: Comparison, partial: Partial<ReportInput> = {}): ReportInput {
  return {
    comparison: c,
    baseline: snapshot(BASELINE_WINDOW),
    current: snapshot(CURRENT_WINDOW, { commit: 'fedcba9876543210fedcba9876543210fedcba98', ref: 'refs/pull/7/merge', createdAt: '2026-11-21T10:00:00Z' }),
    gateName: 'profile-gate',
    runUrl: 'https://github.com/acme/shop/actions/runs/1',
    failOn: 'regression',
    mode: 'gate',
    ...partial
  }
}

function node(name: string, left: [number, number], right: [number, number], children: DiffNode[] = []): DiffNode {
  return { name, left: { self: left[0], total: left[1] }, right: { self: right[0], total: right[1] }, children }
}

/**
 * docs/pyroscope-api.md §4.2: left stacks `a;b=1, a;c=2, a;e=3`, right `a;b=4, a;d=8, a;e=12`.
 * Total shares: b 16.7 → 16.7 %, c 33.3 → 0 %, d 0 → 33.3 %, e 50 → 50 %.
 */
export function derivedDiffTree(): DiffTree {
  return {
    leftTotal: 6,
    rightTotal: 24,
    root: node('total', [0, 6], [0, 24], [
      node('a', [0, 6], [0, 24], [node('b', [1, 1], [4, 4]), node('c', [2, 2], [0, 0]), node('d', [0, 0], [8, 8]), node('e', [3, 3], [12, 12])])
    ])
  }
}

/** A random tree of exactly `count` nodes (deterministic, stacks at most 48 deep), for size and speed tests. */
export function bigDiffTree(count: number, seed = 1): DiffTree {
  let s = seed
  const random = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648
    return s / 2_147_483_648
  }
  const nodes: DiffNode[] = [node('total', [0, 0], [0, 0])]
  const depths = [0]
  for (let i = 1; i < count; i++) {
    // prefer recent nodes as parents (deep, bushy stacks like real ones), up to a depth of 48
    let p = Math.max(0, nodes.length - 1 - Math.floor(random() * 50))
    while ((depths[p] as number) >= 48) p = Math.floor(random() * nodes.length)
    const child = node(`com/acme/pkg${i % 97}/Class${i}.method$${i % 7}`, [Math.floor(random() * 10), 0], [Math.floor(random() * 10), 0])
    ;(nodes[p] as DiffNode).children.push(child)
    nodes.push(child)
    depths.push((depths[p] as number) + 1)
  }
  // totals bottom-up: children come after their parents in `nodes`
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i] as DiffNode
    n.left.total = n.left.self + n.children.reduce((a, c) => a + c.left.total, 0)
    n.right.total = n.right.self + n.children.reduce((a, c) => a + c.right.total, 0)
  }
  const root = nodes[0] as DiffNode
  return { root, leftTotal: root.left.total, rightTotal: root.right.total }
}

/** Entity-decodes markdown output, as GitHub's renderer does after parsing structure. */
export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}
