import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { DiffTree } from '../../src/profile/diff-tree.js'
import { diffTreeFromJson, type DiffJson } from '../../src/report/diff-json.js'
import { jsonForScript, renderDiffHtml } from '../../src/report/flamegraph-html.js'
import { bigDiffTree, derivedDiffTree, HOSTILE_NAMES } from './fixtures.js'

function embedded(html: string): DiffJson {
  const m = /<script type="application\/json" id="pg-data">([^<]*)<\/script>/.exec(html)
  if (!m) throw new Error('no embedded data')
  return JSON.parse(m[1]!) as DiffJson
}

function hostileTree(): DiffTree {
  const names = [...HOSTILE_NAMES, '</script><script>alert(1)</script>', '<!--', '</SCRIPT >', '\u2028\u2029']
  return {
    leftTotal: names.length,
    rightTotal: names.length,
    root: {
      name: 'total',
      left: { self: 0, total: names.length },
      right: { self: 0, total: names.length },
      children: names.map((name) => ({ name, left: { self: 1, total: 1 }, right: { self: 1, total: 1 }, children: [] }))
    }
  }
}

describe('renderDiffHtml', () => {
  const html = renderDiffHtml(derivedDiffTree(), { title: 'checkout <cpu> & "alloc"' })

  it('references nothing outside the page and forbids loading anything', () => {
    expect(html).not.toMatch(/\b(src|href|action)\s*=/i)
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i)
    expect(html).not.toMatch(/@import|url\(/i)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`)
  })

  it('escapes the title', () => {
    expect(html).toContain('<title>checkout &lt;cpu&gt; &amp; &quot;alloc&quot;</title>')
  })

  it('embeds the tree so that it reads back exactly', () => {
    expect(diffTreeFromJson(embedded(html))).toEqual(derivedDiffTree())
  })

  it('has the controls: views, reset, search', () => {
    for (const id of ['value="diff"', 'value="baseline"', 'value="current"', 'id="pg-reset"', 'id="pg-search"', 'id="pg-tip"']) expect(html).toContain(id)
  })

  it('escapes <, > and & in the embedded JSON so no name can end the script element', () => {
    const page = renderDiffHtml(hostileTree(), { title: 't' })
    const data = page.slice(page.indexOf('id="pg-data">') + 13, page.indexOf('</script>', page.indexOf('id="pg-data">')))
    expect(data).not.toMatch(/[<>&]/)
    // exactly the page's own three script elements
    expect(page.match(/<\/script/gi)).toHaveLength(3)
    expect(page.match(/<script/gi)).toHaveLength(3)
    expect(diffTreeFromJson(embedded(page))).toEqual(hostileTree())
    expect(jsonForScript('</script>')).toBe('"\\u003c/script\\u003e"')
  })

  it('puts names into the page only as text (textContent), never as markup', () => {
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/)
  })

  it('stays compact for 100,000 nodes', () => {
    const big = renderDiffHtml(bigDiffTree(100_000), { title: 'big' })
    expect(big.length).toBeLessThan(8_000_000)
  })
})

function chromiumBinary(): string | undefined {
  for (const bin of ['chromium', 'chromium-browser']) {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore' })
      return bin
    } catch {
      // try the next name
    }
  }
  return undefined
}

const chromium = chromiumBinary()
const run = promisify(execFile)

/** Loads the page in headless Chromium and returns the DOM after the script ran. */
async function domAfterLoad(html: string, hash: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-html-'))
  const file = join(dir, 'diff.html')
  writeFileSync(file, html)
  const args = ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(dir, 'profile')}`, '--window-size=1200,800', '--dump-dom', `${pathToFileURL(file).href}${hash}`]
  const { stdout } = await run(chromium as string, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

describe.skipIf(chromium === undefined)(`in headless Chromium${chromium === undefined ? ' (skipped: no chromium binary on PATH; apt-get install chromium)' : ''}`, () => {
  it('loads offline, renders the frames and highlights a searched function', async () => {
    const dom = await domAfterLoad(renderDiffHtml(derivedDiffTree(), { title: 'derived' }), '#search=d')
    const drawn = [...dom.matchAll(/<div class="fr( m)?"[^>]*style="([^"]*)">([^<]*)<\/div>/g)].map((m) => ({ match: m[1] !== undefined, style: m[2]!, name: m[3]! }))
    expect(drawn.map((f) => f.name)).toEqual(['total', 'a', 'b', 'c', 'd', 'e'])
    expect(drawn.filter((f) => f.match).map((f) => f.name)).toEqual(['d'])
    expect(drawn.find((f) => f.name === 'd')?.style).toContain('background: rgb(204, 24, 24)')
    expect(drawn.find((f) => f.name === 'c')?.style).toContain('background: rgb(24, 140, 56)')
    expect(dom).toContain('6 frames drawn · 1 frames match, 1 highlighted')
  })

  it('runs none of the hostile names as markup', async () => {
    const dom = await domAfterLoad(renderDiffHtml(hostileTree(), { title: 't' }), '#view=current')
    expect(dom).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(dom).not.toMatch(/<img/)
    // the current view colours by name hue, not by change: no neutral diff grey
    expect(dom).toMatch(/class="fr"[^>]*background: rgb/)
    expect(dom).not.toContain('rgb(211, 211, 211)')
  })

  it('draws a 100,000-node diff', async () => {
    const dom = await domAfterLoad(renderDiffHtml(bigDiffTree(100_000), { title: 'big' }), '')
    expect(Number(/(\d+) frames drawn/.exec(dom)?.[1])).toBeGreaterThan(1000)
  })
})
