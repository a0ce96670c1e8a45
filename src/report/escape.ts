// Escaping of untrusted text (function, service and kind names, messages) for every output format.
// Function names come from profiled code and, in the fork-safe two-stage workflow, from an untrusted
// artifact: they must never break a table, inject HTML or markup, or ping people.

/** Longest name shown in a table cell; longer ones keep their head and tail around an ellipsis. */
export const MAX_CELL_CHARS = 200
/** Longest free text (messages, warnings) shown inline. */
export const MAX_INLINE_CHARS = 1000

// Bidirectional overrides and isolates can make text display differently from what it is.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g
// Line breaks and other control characters would end a table row or a markdown line.
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029\u0085]/g
const OTHER_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g

/** Keeps the first and last parts of a too-long string, by code points (never splits a surrogate pair). */
export function truncateMiddle(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s
  const points = Array.from(s)
  if (points.length <= maxChars) return s
  const keep = Math.max(1, maxChars - 1)
  const head = Math.ceil(keep / 2)
  return points.slice(0, head).join('') + '…' + points.slice(points.length - (keep - head)).join('')
}

/** Keeps the first part of a too-long string, by code points. */
export function truncateEnd(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s
  const points = Array.from(s)
  if (points.length <= maxChars) return s
  return points.slice(0, Math.max(0, maxChars - 1)).join('') + '…'
}

/** One line of plain text: line breaks become spaces, other control and bidi characters are dropped. */
export function toSingleLine(s: string): string {
  return s.replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').replace(OTHER_CONTROLS, '').replace(BIDI_CONTROLS, '')
}

// Every character with a meaning in GitHub-flavoured markdown or HTML becomes a numeric entity.
// The parser decodes entities only after it has recognised structure, so an entity can never start
// a table cell, emphasis, code span, link, math ($) or emoji (:). Mentions and issue references are
// found by GitHub *after* decoding, on the rendered text, so `@` and `#` additionally get a zero-width
// space behind them (the technique Renovate uses), which breaks `@user`, `@org/team` and `#123`.
const MARKDOWN_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '!': '&#33;',
  $: '&#36;',
  ':': '&#58;',
  '@': '&#64;&#8203;',
  '#': '&#35;&#8203;'
}
const MARKDOWN_SPECIAL = /[&<>"'|\\`*_~[\]()!$:@#]/g

function escapeMarkdownText(s: string): string {
  return (
    toSingleLine(s)
      .replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ENTITIES[c] ?? c)
      // `www.` and `GH-123` are autolinked without any special character
      .replace(/(w)(ww)\./gi, '$1$2&#46;')
      .replace(/\b(gh)-(\d)/gi, '$1&#45;$2')
  )
}

/**
 * Text for a markdown table cell (also safe inside `<code>`, `<summary>` and list items):
 * single line, no markup, no mention, no reference, at most `maxChars` characters before escaping.
 */
export function escapeMarkdownCell(s: string, maxChars = MAX_CELL_CHARS): string {
  return escapeMarkdownText(truncateMiddle(s, maxChars))
}

/** Free text (a warning, a failure message) for a markdown paragraph or list item. */
export function escapeInline(s: string, maxChars = MAX_INLINE_CHARS): string {
  return escapeMarkdownText(truncateEnd(s, maxChars))
}

/**
 * A name displayed as code in markdown. A backtick code span cannot hold every string (a name can
 * contain backticks and `|` still splits table cells inside it), so this is an HTML `<code>` element
 * around entity-escaped text.
 */
export function markdownCode(s: string, maxChars = MAX_CELL_CHARS): string {
  return `<code>${escapeMarkdownCell(s, maxChars)}</code>`
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text or attribute value for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c)
}

// Characters XML 1.0 forbids even as references: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Text or attribute value for XML (SVG): entity-escaped, characters XML cannot hold replaced by U+FFFD. */
export function escapeXml(s: string): string {
  return escapeHtml(s.replace(XML_INVALID, '\uFFFD'))
}

/** A URL fit for a markdown link destination, or undefined when it is not plain http(s). */
export function safeLinkUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  // `URL.href` leaves these legal-but-markdown-significant characters as they are
  return parsed.href.replace(/[()<>|\s"'`\\[\]]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
}

/** `[text](url)`, or just the escaped text when the URL is missing or not http(s). */
export function markdownLink(text: string, url: string | undefined): string {
  const href = safeLinkUrl(url)
  const label = escapeInline(text)
  return href === undefined ? label : `[${label}](${href})`
}
