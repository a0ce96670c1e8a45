// Diffs built from the real upstream fixtures: the kafka JVM's CPU profile as the baseline, and the
// same profile with one real frame's work tripled as the current run, encoded the way the server's
// render-diff encodes a double flame graph. Checks totals, per-side shares against the single
// graphs (the server diff and the snapshot agree on the same data) and the diff colouring.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeFlamegraph } from '../../src/profile/flamegraph.js'
import { indexFlamegraph } from '../../src/profile/flame-table.js'
import { rankFunctions } from '../../src/profile/functions.js'
import { diffTreeFromTable } from '../../src/profile/diff-tree.js'
import { decodeProfile, profileToStacks } from '../../src/pyroscope/pprof.js'
import { renderDiffSvg } from '../../src/report/flamegraph-svg.js'
import { GROWTH_COLOUR, SHRINK_COLOUR } from '../../src/report/diff-shares.js'
import { encodeDiff, encodeLevels } from '../helpers/fake-pyroscope.js'
import { fixturePath } from '../helpers/fixtures.js'

const cpu = profileToStacks(decodeProfile(readFileSync(fixturePath('cortex-dev-01__kafka-0__cpu_lock0_alloc0__0.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz'))))
const HOT = 'org/apache/kafka/common/utils/ByteUtils.readVarint'
const current = cpu.stacks.map((s) => (s.frames.includes(HOT) ? { ...s, value: s.value * 3 } : s))
const single = (stacks: typeof cpu.stacks) => {
  const e = encodeLevels(stacks)
  return rankFunctions(indexFlamegraph(decodeFlamegraph({ flamebearer: { names: e.names, levels: e.levels, numTicks: e.total, maxSelf: 0 } })))
}
const diffJson = encodeDiff(cpu.stacks, current)
const table = indexFlamegraph(decodeFlamegraph(diffJson))

describe('a diff of the real kafka CPU profile', () => {
  it('has the fixture total on the left and the grown total on the right', () => {
    expect(cpu.total).toBe(5_820_000_000)
    const grown = current.reduce((a, s) => a + s.value, 0)
    const tree = diffTreeFromTable(table)
    expect(tree.leftTotal).toBe(5_820_000_000)
    expect(tree.rightTotal).toBe(grown)
    expect(grown).toBeGreaterThan(cpu.total)
  })

  it('gives each side the same shares as the single flame graph of that side (within rounding)', () => {
    for (const [side, stacks] of [['left', cpu.stacks], ['right', current]] as const) {
      const fromDiff = new Map(rankFunctions(table, side).functions.map((f) => [f.name, f]))
      const fromSingle = single(stacks)
      expect(fromSingle.functions.length).toBe(fromDiff.size)
      for (const f of fromSingle.functions) {
        expect(fromDiff.get(f.name)!.selfShare).toBeCloseTo(f.selfShare, 12)
        expect(fromDiff.get(f.name)!.totalShare).toBeCloseTo(f.totalShare, 12)
      }
    }
    const hotLeft = rankFunctions(table, 'left').functions.find((f) => f.name === HOT)!
    const hotRight = rankFunctions(table, 'right').functions.find((f) => f.name === HOT)!
    expect(hotRight.totalShare).toBeGreaterThan(hotLeft.totalShare * 2)
  })

  it('colours the grown frame red and frames that lost share green', () => {
    const svg = renderDiffSvg(diffTreeFromTable(table), { title: 'kafka cpu' })
    const frames = [...svg.matchAll(/<g class="f"><title>([^<]*)<\/title><rect [^>]*fill="#([0-9a-f]{6})"/g)].map((m) => ({
      title: m[1]!,
      r: parseInt(m[2]!.slice(0, 2), 16),
      g: parseInt(m[2]!.slice(2, 4), 16)
    }))
    expect(frames.length).toBeGreaterThan(50)
    const hot = frames.filter((f) => f.title.startsWith(HOT))
    expect(hot.length).toBeGreaterThan(0)
    for (const f of hot) expect(f.r, f.title).toBeGreaterThan(f.g)
    // everything else lost share to it: some frames must be green
    expect(frames.some((f) => !f.title.startsWith(HOT) && f.g > f.r)).toBe(true)
    expect(svg).toContain(GROWTH_COLOUR)
    expect(svg).toContain(SHRINK_COLOUR)
  })
})
