// A self-contained SVG diff flame graph: an icicle (root at the top), sized and coloured as
// described in diff-shares.ts, one <title> tooltip per frame, a legend, and frames narrower than
// `minFrameWidthPx` pruned with their subtrees. Linear in the number of nodes; output built in an array.
import type { DiffNode, DiffTree } from '../profile/diff-tree.js'
import { changeColour, frameShares, GROWTH_COLOUR, NEUTRAL_COLOUR, SHRINK_COLOUR } from './diff-shares.js'
import { escapeXml, toSingleLine, truncateEnd, truncateMiddle } from './escape.js'
import { formatDeltaPp, formatShare } from './format.js'

export interface DiffSvgOptions {
  title: string
  /** px; default 1200 */
  width?: number
  /** frames narrower than this are not drawn, nor their subtrees; default 0.5 */
  minFrameWidthPx?: number
}

const ROW = 17
const FRAME = 16
const CHAR_PX = 6.6 // 11 px monospace
const HEADER = 34
const LEGEND = 62
const MAX_TITLE_NAME = 1000

interface Frame {
  node: DiffNode
  x: number
  width: number
  depth: number
  baseline: number
  current: number
}

export interface DiffLayout {
  frames: Frame[]
  prunedFrames: number
  maxDepth: number
  maxAbsChange: number
}

/** Positions of the drawn frames, in pre-order; pruned subtrees are counted, not laid out. */
export function layoutDiff(tree: DiffTree, width: number, minFrameWidthPx: number): DiffLayout {
  const frames: Frame[] = []
  let prunedFrames = 0
  let maxDepth = 0
  let maxAbsChange = 0
  const rootShares = frameShares(tree.root, tree)
  const rootWeight = (rootShares.baseline + rootShares.current) / 2
  if (!(rootWeight > 0)) return { frames, prunedFrames: 0, maxDepth: 0, maxAbsChange: 0 }
  const pxPerWeight = width / rootWeight
  const pruned: DiffNode[] = []
  const stack: { node: DiffNode; x: number; depth: number }[] = [{ node: tree.root, x: 0, depth: 0 }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, x, depth } = item
    const shares = frameShares(node, tree)
    const frameWidth = ((shares.baseline + shares.current) / 2) * pxPerWeight
    if (frameWidth < minFrameWidthPx || frameWidth <= 0) {
      pruned.push(node)
      continue
    }
    frames.push({ node, x, width: frameWidth, depth, ...shares })
    if (depth > maxDepth) maxDepth = depth
    const change = Math.abs(shares.current - shares.baseline)
    if (change > maxAbsChange) maxAbsChange = change
    // children pushed in reverse so they pop, and are drawn, left to right in tree order
    let childX = x
    const placed: { node: DiffNode; x: number; depth: number }[] = []
    for (const child of node.children) {
      const s = frameShares(child, tree)
      placed.push({ node: child, x: childX, depth: depth + 1 })
      childX += ((s.baseline + s.current) / 2) * pxPerWeight
    }
    for (let i = placed.length - 1; i >= 0; i--) stack.push(placed[i] as (typeof placed)[number])
  }
  // every node under a pruned frame is pruned too
  for (let node = pruned.pop(); node !== undefined; node = pruned.pop()) {
    prunedFrames++
    for (const child of node.children) pruned.push(child)
  }
  return { frames, prunedFrames, maxDepth, maxAbsChange }
}

function px(n: number): string {
  return (Math.round(n * 100) / 100).toString()
}

function frameTitle(name: string, f: Frame): string {
  return `${escapeXml(truncateMiddle(toSingleLine(name), MAX_TITLE_NAME))}\nbaseline ${formatShare(f.baseline)} · current ${formatShare(f.current)} · delta ${formatDeltaPp(f.current - f.baseline)}`
}

function legend(y: number, width: number, maxAbsChange: number, prunedFrames: number, minFrameWidthPx: number): string[] {
  const bar = Math.min(300, width - 20)
  const max = formatDeltaPp(maxAbsChange).replace(/^\+/, '')
  const out = [
    `<g class="legend" transform="translate(10 ${y})">`,
    `<rect x="0" y="0" width="${bar}" height="12" fill="url(#pg-change)"/>`,
    `<text x="0" y="26">-${escapeXml(max)}</text>`,
    `<text x="${bar / 2}" y="26" text-anchor="middle">0 pp</text>`,
    `<text x="${bar}" y="26" text-anchor="end">+${escapeXml(max)}</text>`,
    `<text x="${bar + 16}" y="10">change of total share: red grew, green shrank, grey unchanged</text>`,
    `<rect x="${bar + 16}" y="16" width="24" height="12" fill="${SHRINK_COLOUR}"/><rect x="${bar + 16}" y="16" width="24" height="12" fill="url(#pg-removed)"/>`,
    `<text x="${bar + 46}" y="26">only in baseline</text>`,
    `<text x="0" y="44">width: mean of baseline and current share of the total${prunedFrames > 0 ? ` · ${prunedFrames} frames narrower than ${minFrameWidthPx} px not drawn` : ''}</text>`,
    '</g>'
  ]
  return out
}

export function renderDiffSvg(tree: DiffTree, opts: DiffSvgOptions): string {
  const width = opts.width ?? 1200
  const minFrameWidthPx = opts.minFrameWidthPx ?? 0.5
  const layout = layoutDiff(tree, width, minFrameWidthPx)
  const graphHeight = layout.frames.length === 0 ? 0 : (layout.maxDepth + 1) * ROW
  const height = HEADER + graphHeight + LEGEND
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(toSingleLine(opts.title))}</title>`,
    '<defs>',
    `<linearGradient id="pg-change"><stop offset="0" stop-color="${SHRINK_COLOUR}"/><stop offset="0.5" stop-color="${NEUTRAL_COLOUR}"/><stop offset="1" stop-color="${GROWTH_COLOUR}"/></linearGradient>`,
    '<pattern id="pg-removed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="6" fill="#ffffff" fill-opacity="0.7"/></pattern>',
    '</defs>',
    '<style>text{font:11px monospace;fill:#111}.t{font:bold 14px sans-serif}.legend text{font:11px sans-serif}g.f:hover rect{stroke:#000;stroke-width:0.5}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="t" x="10" y="22">${escapeXml(truncateEnd(toSingleLine(opts.title), 200))}</text>`
  ]
  if (layout.frames.length === 0) out.push(`<text x="10" y="${HEADER + 12}">no samples</text>`)
  for (const f of layout.frames) {
    const y = HEADER + f.depth * ROW
    const w = Math.max(0, f.width - 0.5) // a hairline gap between siblings
    const name = f.node.name
    const fill = changeColour(f.current - f.baseline, layout.maxAbsChange)
    out.push(`<g class="f"><title>${frameTitle(name, f)}</title><rect x="${px(f.x)}" y="${y}" width="${px(w)}" height="${FRAME}" fill="${fill}"/>`)
    if (f.node.right.total === 0 && f.node.left.total > 0)
      out.push(`<rect x="${px(f.x)}" y="${y}" width="${px(w)}" height="${FRAME}" fill="url(#pg-removed)"/>`)
    const chars = Math.floor((w - 4) / CHAR_PX)
    if (chars >= 3) out.push(`<text x="${px(f.x + 2)}" y="${y + 12}">${escapeXml(truncateEnd(toSingleLine(name), chars))}</text>`)
    out.push('</g>')
  }
  out.push(...legend(HEADER + graphHeight + 10, width, layout.maxAbsChange, layout.prunedFrames, minFrameWidthPx))
  out.push('</svg>')
  return out.join('')
}
