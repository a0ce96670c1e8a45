// A minimal XML 1.0 well-formedness check for the SVG tests (CI has no xmllint): tags balance,
// attributes are quoted and contain no `<`, every `&` starts a valid reference, no forbidden chars.
const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*'
const ATTRIBUTE = new RegExp(`^\\s+(${NAME})\\s*=\\s*("[^"<]*"|'[^'<]*')`)
const REFERENCE = /&(?:[A-Za-z_][-A-Za-z0-9_.]*|#[0-9]+|#x[0-9A-Fa-f]+);/y
const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos'])

function checkText(text: string, at: number): void {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(text)) throw new Error(`forbidden character near ${at}`)
  if (text.includes(']]>')) throw new Error(`']]>' in text near ${at}`)
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    REFERENCE.lastIndex = i
    const m = REFERENCE.exec(text)
    if (!m) throw new Error(`bad reference near ${at + i}`)
    const entity = m[0].slice(1, -1)
    if (!entity.startsWith('#') && !PREDEFINED.has(entity)) throw new Error(`undeclared entity &${entity}; near ${at + i}`)
  }
}

export function assertWellFormedXml(xml: string): void {
  const open: string[] = []
  let i = 0
  let roots = 0
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const text = xml.slice(i, lt < 0 ? xml.length : lt)
    if (open.length === 0 && text.trim() !== '') throw new Error(`text outside the root element near ${i}`)
    checkText(text, i)
    if (lt < 0) break
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4)
      if (end < 0 || xml.slice(lt + 4, end).includes('--')) throw new Error(`bad comment near ${lt}`)
      i = end + 3
      continue
    }
    const gt = xml.indexOf('>', lt)
    if (gt < 0) throw new Error(`unterminated tag near ${lt}`)
    let tag = xml.slice(lt + 1, gt)
    // attribute values cannot contain `>` unescaped in our output; a quote imbalance shows up below
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim()
      if (open.pop() !== name) throw new Error(`mismatched </${name}> near ${lt}`)
    } else {
      const selfClosing = tag.endsWith('/')
      if (selfClosing) tag = tag.slice(0, -1)
      const m = new RegExp(`^(${NAME})`).exec(tag)
      if (!m) throw new Error(`bad tag name near ${lt}`)
      let rest = tag.slice(m[1]!.length)
      const seen = new Set<string>()
      for (let a = ATTRIBUTE.exec(rest); a; a = ATTRIBUTE.exec(rest)) {
        if (seen.has(a[1]!)) throw new Error(`duplicate attribute ${a[1]} near ${lt}`)
        seen.add(a[1]!)
        checkText(a[2]!.slice(1, -1), lt)
        rest = rest.slice(a[0].length)
      }
      if (rest.trim() !== '') throw new Error(`bad attributes ${JSON.stringify(rest.slice(0, 40))} near ${lt}`)
      if (open.length === 0) roots++
      if (!selfClosing) open.push(m[1]!)
    }
    i = gt + 1
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`)
  if (roots !== 1) throw new Error(`${roots} root elements`)
}
