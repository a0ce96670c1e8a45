// Fits a markdown document made of blocks into a size budget: droppable blocks go first (last block
// first), then rows are cut from the end of the last blocks that have rows, each cut replaced by a
// "N more" line. Sizes are UTF-8 bytes, which is never less than GitHub's character count.

export interface Block {
  /** text before the rows (heading, table header); may be empty */
  head: string
  /** lines that may be cut from the end */
  rows?: string[]
  /** text after the rows (closing tags) */
  tail?: string
  /** removed whole before any rows are cut */
  droppable?: boolean
  /** the line that replaces `omitted` cut rows (a table row with the right number of cells, a list item) */
  moreRow?: (omitted: number) => string
}

export interface Cuts {
  droppedBlocks: number
  omittedRows: number
}

export interface Fitted extends Cuts {
  text: string
  truncated: boolean
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

const SEPARATOR = '\n\n'

function defaultMoreRow(omitted: number): string {
  return `… ${omitted} more`
}

function renderBlock(block: Block, keepRows: number): string {
  const rows = block.rows ?? []
  const parts: string[] = []
  if (block.head !== '') parts.push(block.head)
  for (let i = 0; i < keepRows && i < rows.length; i++) parts.push(rows[i] as string)
  if (keepRows < rows.length) parts.push((block.moreRow ?? defaultMoreRow)(rows.length - keepRows))
  if (block.tail !== undefined && block.tail !== '') parts.push(block.tail)
  return parts.join('\n')
}

/**
 * Joins the blocks with blank lines and appends `footer(cuts)`. The footer is always kept; it is
 * called with the final cuts so it can point to the full report when anything was cut.
 */
export function fitBlocks(blocks: Block[], budget: number, footer: (cuts: Cuts) => string): Fitted {
  const rowSizes = blocks.map((b) => (b.rows ?? []).map((r) => utf8Length(r) + 1))
  const fullSizes = blocks.map((b) => utf8Length(renderBlock(b, Infinity)) + SEPARATOR.length)
  let total = fullSizes.reduce((a, b) => a + b, 0)
  const untouchedFooter = footer({ droppedBlocks: 0, omittedRows: 0 })
  if (total + utf8Length(untouchedFooter) <= budget) {
    return { text: blocks.map((b) => renderBlock(b, Infinity)).join(SEPARATOR) + SEPARATOR + untouchedFooter, truncated: false, droppedBlocks: 0, omittedRows: 0 }
  }

  // the footer's size once cut, with room for the largest counts it can show
  const reserve = utf8Length(footer({ droppedBlocks: blocks.length, omittedRows: 10 ** 9 }))
  const available = budget - reserve
  const kept = blocks.map(() => true)
  const keepRows = blocks.map((b) => b.rows?.length ?? 0)
  let droppedBlocks = 0
  for (let i = blocks.length - 1; i >= 0 && total > available; i--) {
    if (!blocks[i]?.droppable) continue
    kept[i] = false
    total -= fullSizes[i] ?? 0
    droppedBlocks++
  }

  let omittedRows = 0
  for (let i = blocks.length - 1; i >= 0 && total > available; i--) {
    const block = blocks[i]
    const sizes = rowSizes[i]
    if (!kept[i] || block === undefined || sizes === undefined || sizes.length === 0) continue
    const moreSize = utf8Length((block.moreRow ?? defaultMoreRow)(sizes.length)) + 1
    // the block as it would be with no rows, and how much room the rows may take
    let rowsTotal = sizes.reduce((a, b) => a + b, 0)
    const withoutRows = (fullSizes[i] ?? 0) - rowsTotal + moreSize
    const roomForRows = available - (total - (fullSizes[i] ?? 0)) - withoutRows
    let keep = sizes.length
    while (keep > 0 && rowsTotal > roomForRows) rowsTotal -= sizes[--keep] ?? 0
    keepRows[i] = keep
    omittedRows += sizes.length - keep
    total = total - (fullSizes[i] ?? 0) + withoutRows + rowsTotal
  }

  const cuts = { droppedBlocks, omittedRows }
  let body = blocks
    .map((b, i) => (kept[i] ? renderBlock(b, keepRows[i] ?? 0) : undefined))
    .filter((t): t is string => t !== undefined)
    .join(SEPARATOR)
  const end = footer(cuts)
  const room = budget - utf8Length(end) - SEPARATOR.length
  // last resort when even the fixed parts are too large: cut at a line break
  if (utf8Length(body) > room) body = cutToBytes(body, room)
  return { text: body + SEPARATOR + end, truncated: true, ...cuts }
}

function cutToBytes(s: string, maxBytes: number): string {
  let lo = 0
  let hi = s.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (utf8Length(s.slice(0, mid)) <= maxBytes) lo = mid
    else hi = mid - 1
  }
  const cut = s.slice(0, lo)
  const newline = cut.lastIndexOf('\n')
  return newline > 0 ? cut.slice(0, newline) : ''
}
