// How a diff frame is sized and coloured, shared by the SVG renderer and (in the HTML page's script,
// the same formulas) the interactive view.
//
// Width: the mean of the frame's baseline and current total shares. Drawing by the current share
// alone would hide frames that only the baseline has (exactly the shrinkage a reviewer wants to see);
// max(left, right) would let children overflow their parent. The mean keeps every child inside its
// parent (both sides are sub-additive) and shows removed and added frames at half their share.
//
// Colour: the change of the frame's total share, current − baseline (fractions of each side's total).
import type { DiffNode, DiffTree } from '../profile/diff-tree.js'

export interface FrameShares {
  baseline: number
  current: number
}

export function shareOf(value: number, total: number): number {
  return total > 0 ? value / total : 0
}

export function frameShares(node: DiffNode, tree: DiffTree): FrameShares {
  return { baseline: shareOf(node.left.total, tree.leftTotal), current: shareOf(node.right.total, tree.rightTotal) }
}

/** Changes smaller than this (0.01 pp) count as no change. */
export const NEUTRAL_CHANGE = 1e-4

type Rgb = [number, number, number]
const NEUTRAL: Rgb = [211, 211, 211]
const GROWTH_FROM: Rgb = [247, 196, 196]
const GROWTH_TO: Rgb = [204, 24, 24]
const SHRINK_FROM: Rgb = [196, 236, 196]
const SHRINK_TO: Rgb = [24, 140, 56]

export const NEUTRAL_COLOUR = hex(NEUTRAL)
export const GROWTH_COLOUR = hex(GROWTH_TO)
export const SHRINK_COLOUR = hex(SHRINK_TO)

function hex([r, g, b]: Rgb): string {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`
}

function lerp(a: Rgb, b: Rgb, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)]
}

const STEPS = 64
const growthRamp = Array.from({ length: STEPS + 1 }, (_, i) => hex(lerp(GROWTH_FROM, GROWTH_TO, i / STEPS)))
const shrinkRamp = Array.from({ length: STEPS + 1 }, (_, i) => hex(lerp(SHRINK_FROM, SHRINK_TO, i / STEPS)))

/** Red for growth, green for shrinkage, grey for ~0; intensity linear in |change| / maxAbsChange. */
export function changeColour(change: number, maxAbsChange: number): string {
  if (!(Math.abs(change) >= NEUTRAL_CHANGE) || !(maxAbsChange > 0)) return NEUTRAL_COLOUR
  const step = Math.min(STEPS, Math.round((Math.abs(change) / maxAbsChange) * STEPS))
  return (change > 0 ? growthRamp : shrinkRamp)[step] as string
}
