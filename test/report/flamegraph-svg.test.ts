import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DiffTree } from '../../src/profile/diff-tree.js'
import { GROWTH_COLOUR, NEUTRAL_COLOUR, SHRINK_COLOUR } from '../../src/report/diff-shares.js'
import { layoutDiff, renderDiffSvg } from '../../src/report/flamegraph-svg.js'
import { bigDiffTree, derivedDiffTree, HOSTILE_NAMES } from './fixtures.js'
import { assertWellFormedXml } from './xml.js'

interface DrawnFrame {
  title: string
  fill: string
  width: number
  hatched: boolean
}

/** The frames of a rendered SVG, by the first line of their title (the function name). */
function frames(svg: string): Map<string, DrawnFrame> {
  const out = new Map<string, DrawnFrame>()
  for (const m of svg.matchAll(/<g class="f"><title>([^<]*)<\/title><rect [^>]*width="([\d.]+)"[^>]*fill="(#[0-9a-f]{6})"\/>(<rect [^>]*fill="url\(#pg-removed\)"\/>)?/g))
    out.set(m[1]!.split('\n')[0]!, { title: m[1]!, width: Number(m[2]), fill: m[3]!, hatched: m[4] !== undefined })
  return out
}

function xmllint(): string | undefined {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' })
    return 'xmllint'
  } catch {
    return undefined
  }
}

describe('renderDiffSvg on the derived diff example (pyroscope-api.md §4.2)', () => {
  const svg = renderDiffSvg(derivedDiffTree(), { title: 'checkout cpu' })
  const drawn = frames(svg)

  it('is well-formed XML', () => {
    assertWellFormedXml(svg)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
  })

  it('colours growth red, shrinkage green and no change grey', () => {
    expect(drawn.get('d')?.fill).toBe(GROWTH_COLOUR) // 0 → 33.3 %: the largest growth, full red
    expect(drawn.get('c')?.fill).toBe(SHRINK_COLOUR) // 33.3 → 0 %: the largest shrinkage, full green
    for (const name of ['total', 'a', 'b', 'e']) expect(drawn.get(name)?.fill, name).toBe(NEUTRAL_COLOUR) // same share
  })

  it('hatches frames only the baseline has', () => {
    expect(drawn.get('c')?.hatched).toBe(true)
    expect(drawn.get('d')?.hatched).toBe(false)
  })

  it('sizes frames by the mean of both shares', () => {
    // b: (16.7 + 16.7) / 2, c and d: 33.3 / 2, e: 50 → 1/6, 1/6, 1/6, 1/2 of 1200 px (less a 0.5 px gap)
    expect([...['b', 'c', 'd', 'e']].map((n) => drawn.get(n)?.width)).toEqual([199.5, 199.5, 199.5, 599.5])
  })

  it('titles each frame with baseline, current and delta', () => {
    expect(drawn.get('d')?.title).toBe('d\nbaseline 0.0 % · current 33.3 % · delta +33.3 pp')
    expect(drawn.get('c')?.title).toBe('c\nbaseline 33.3 % · current 0.0 % · delta -33.3 pp')
    expect(drawn.get('b')?.title).toBe('b\nbaseline 16.7 % · current 16.7 % · delta +0.0 pp')
  })

  it('has a legend scaled to the largest change', () => {
    expect(svg).toContain('<g class="legend"')
    expect(svg).toContain('fill="url(#pg-change)"')
    expect(svg).toContain('>-33.3 pp</text>')
    expect(svg).toContain('>+33.3 pp</text>')
    expect(svg).toContain('only in baseline')
  })

  it('draws the root at the top, children below their parent', () => {
    const y = (name: string) => Number(new RegExp(`<title>${name}\\n[^<]*</title><rect x="[\\d.]+" y="(\\d+)"`).exec(svg)?.[1])
    expect(y('total')).toBeLessThan(y('a'))
    expect(y('a')).toBeLessThan(y('d'))
  })
})

describe('renderDiffSvg robustness', () => {
  it('escapes hostile names in titles and labels and stays well-formed', () => {
    const tree: DiffTree = {
      leftTotal: HOSTILE_NAMES.length,
      rightTotal: HOSTILE_NAMES.length * 2,
      root: {
        name: 'total',
        left: { self: 0, total: HOSTILE_NAMES.length },
        right: { self: 0, total: HOSTILE_NAMES.length * 2 },
        children: [...HOSTILE_NAMES, 'nul\u0000char\uFFFE', '\uD800lone'].map((name, i) => ({
          name,
          left: { self: 1, total: 1 },
          right: { self: i % 3, total: i % 3 },
          children: []
        }))
      }
    }
    const svg = renderDiffSvg(tree, { title: ']]> <title> & "x"', width: 4000 })
    assertWellFormedXml(svg)
    expect(svg).not.toContain('<script')
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;script&gt;')
    expect(svg).toContain(']]&gt;')
    expect(svg).not.toContain('x'.repeat(1001))
  })

  it('draws an empty tree as a valid picture', () => {
    const empty: DiffTree = { leftTotal: 0, rightTotal: 0, root: { name: 'total', left: { self: 0, total: 0 }, right: { self: 0, total: 0 }, children: [] } }
    const svg = renderDiffSvg(empty, { title: 'empty' })
    assertWellFormedXml(svg)
    expect(svg).toContain('no samples')
  })

  it('prunes frames narrower than minFrameWidthPx with their subtrees and says how many', () => {
    const tree = derivedDiffTree()
    // a narrow frame under `e` with a child of its own
    tree.root.children[0]!.children[3]!.children.push({
      name: 'tiny',
      left: { self: 0, total: 0.001 },
      right: { self: 0, total: 0.004 },
      children: [{ name: 'tinier', left: { self: 0.001, total: 0.001 }, right: { self: 0.004, total: 0.004 }, children: [] }]
    })
    const svg = renderDiffSvg(tree, { title: 't' })
    expect(frames(svg).has('tiny')).toBe(false)
    expect(frames(svg).has('tinier')).toBe(false)
    expect(svg).toContain('2 frames narrower than 0.5 px not drawn')
    expect(frames(renderDiffSvg(tree, { title: 't', minFrameWidthPx: 0 })).has('tinier')).toBe(true)
  })

  it('truncates labels to fit their frame', () => {
    const tree = derivedDiffTree()
    tree.root.children[0]!.children[0]!.name = 'com/acme/AVeryLongClassNameThatCannotFitIntoTwoHundredPixelsOfWidth.method'
    const label = /<text x="2" y="80">([^<]*)<\/text>/.exec(renderDiffSvg(tree, { title: 't' }))?.[1]
    expect(label?.endsWith('…')).toBe(true)
    expect(label!.length * 6.6).toBeLessThan(199.5)
  })

  it('lays out a 100,000-node tree in linear time and renders it quickly', () => {
    const tree = bigDiffTree(100_000)
    const start = performance.now()
    const svg = renderDiffSvg(tree, { title: 'big' })
    const elapsed = performance.now() - start
    const layout = layoutDiff(tree, 1200, 0.5)
    expect(layout.frames.length + layout.prunedFrames).toBe(100_000)
    expect(svg).toContain(`${layout.prunedFrames} frames narrower than 0.5 px not drawn`)
    expect(elapsed).toBeLessThan(2000) // typically ~100 ms
    assertWellFormedXml(svg)
  })

  it.runIf(xmllint())('passes xmllint (when installed; the built-in check covers CI)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-svg-'))
    const file = join(dir, 'diff.svg')
    writeFileSync(file, renderDiffSvg(bigDiffTree(5000), { title: '<&> ]]>' }))
    expect(() => execFileSync('xmllint', ['--noout', file], { stdio: 'pipe' })).not.toThrow()
  })
})
