import { describe, expect, it } from 'vitest'
import {
  escapeHtml,
  escapeInline,
  escapeMarkdownCell,
  escapeXml,
  markdownCode,
  markdownLink,
  safeLinkUrl,
  truncateMiddle
} from '../../src/report/escape.js'
import { HOSTILE_NAMES, decodeEntities } from './fixtures.js'

// what GitHub's markdown would see as structure or a mention/reference in escaped output
const MARKDOWN_DANGER = /[|<>`*_~[\]()!$:\\\n\r]|@(?!&#8203;)|#(?!&#8203;|\d+;)/

const decode = decodeEntities

describe('escapeMarkdownCell', () => {
  it.each(HOSTILE_NAMES)('leaves no markdown, HTML or line break in %j', (name) => {
    const escaped = escapeMarkdownCell(name)
    // every special character is inside an entity; strip the entities and nothing special remains
    expect(escaped.replace(/&(#\d+|amp|lt|gt|quot);/g, '')).not.toMatch(MARKDOWN_DANGER)
    expect(escaped).not.toMatch(/[\n\r]/)
  })

  it('breaks mentions and issue references even after entity decoding', () => {
    for (const name of ['@octocat', '@org/team', '#12', 'see acme/shop#3']) {
      const shown = decode(escapeMarkdownCell(name))
      expect(shown).not.toMatch(/@[A-Za-z]/)
      expect(shown).not.toMatch(/#\d/)
    }
    expect(decode(escapeMarkdownCell('@org/team'))).toBe('@\u200Borg/team')
  })

  it('shows the name itself once decoded (line breaks as spaces)', () => {
    expect(decode(escapeMarkdownCell('Foo$Bar.<init>|x')).replace(/\u200B/g, '')).toBe('Foo$Bar.<init>|x')
    expect(decode(escapeMarkdownCell('a\nb\r\nc'))).toBe('a b c')
  })

  it('breaks www. and GH-n autolinks', () => {
    expect(escapeMarkdownCell('www.evil.example')).not.toContain('www.')
    expect(escapeMarkdownCell('GH-42')).not.toMatch(/GH-4/)
  })

  it('drops bidi overrides and control characters', () => {
    expect(escapeMarkdownCell('a\u202Eb\u0000c\u0007')).toBe('abc')
  })

  it('truncates absurdly long names in the middle, keeping head and tail', () => {
    const name = `com/acme/${'x'.repeat(10_000)}.method`
    const escaped = escapeMarkdownCell(name)
    expect(escaped.length).toBeLessThan(300)
    expect(escaped).toContain('…')
    expect(escaped.startsWith('com/acme/')).toBe(true)
    expect(escaped.endsWith('.method')).toBe(true)
  })

  it('never splits a surrogate pair when truncating', () => {
    const cut = truncateMiddle('😀'.repeat(50), 9)
    expect(Array.from(cut)).toHaveLength(9)
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })
})

describe('escapeInline and markdownCode', () => {
  it('escapes free text like cells, with a larger limit', () => {
    expect(escapeInline('@a | <b>')).toBe('&#64;&#8203;a &#124; &lt;b&gt;')
    expect(escapeInline('y'.repeat(5000)).length).toBeLessThanOrEqual(1000)
  })

  it('puts names in a <code> element that no backtick or tag can close', () => {
    expect(markdownCode('a`</code><b>x')).toBe('<code>a&#96;&lt;/code&gt;&lt;b&gt;x</code>')
  })
})

describe('links', () => {
  it('accepts only http(s) URLs and percent-encodes markdown-significant characters', () => {
    expect(safeLinkUrl('javascript:alert(1)')).toBeUndefined()
    expect(safeLinkUrl('data:text/html,x')).toBeUndefined()
    expect(safeLinkUrl('not a url')).toBeUndefined()
    expect(safeLinkUrl('https://h/a(b)|c')).toBe('https://h/a%28b%29%7Cc')
  })

  it('renders text only for an unsafe URL', () => {
    expect(markdownLink('run', 'javascript:x')).toBe('run')
    expect(markdownLink('[run]', 'https://h/')).toBe('[&#91;run&#93;](https://h/)')
  })
})

describe('escapeHtml and escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  })

  it('replaces characters XML cannot hold', () => {
    expect(escapeXml('a\u0000b\uFFFEc\uD800d]]>')).toBe('a\uFFFDb\uFFFDc\uFFFDd]]&gt;')
    expect(escapeXml('😀')).toBe('😀')
  })
})
