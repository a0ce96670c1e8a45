// Prints every flagged function of the accuracy runs (scripts/accuracy.sh) as a markdown table.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const out = process.argv[2]
const pct = (x) => (x === undefined || x === null ? '—' : `${(x * 100).toFixed(1)} %`)
for (const run of readdirSync(out).filter((d) => existsSync(path.join(out, d, 'report.json'))).sort()) {
  const r = JSON.parse(readFileSync(path.join(out, run, 'report.json'), 'utf8'))
  const flagged = r.kinds.flatMap((k) => k.functions.filter((f) => f.verdict !== 'unchanged').map((f) => ({ ...f, service: k.service, kind: k.kind, source: k.source })))
  const load = r.load.current
  console.log(`\n### ${run}: ${r.verdict} (${r.counts.regressions} regressions, ${r.counts.newHotspots} new hotspots, ${r.counts.improvements} improvements, ${r.failures.length} failures)` +
    (load ? ` — load ${load.throughput.toFixed(1)} req/s, ${load.errors} errors` : ''))
  for (const f of r.failures) console.log(`- failure: ${f}`)
  if (flagged.length) {
    console.log('\n| verdict | service | kind | function | baseline | current | evidence |\n|---|---|---|---|---|---|---|')
    for (const f of flagged) console.log(`| ${f.verdict} | ${f.service} | ${f.kind} | \`${f.function}\` | ${pct(f.baselineShare)} | ${pct(f.currentShare)} | ${f.evidence.reason} |`)
  }
}
