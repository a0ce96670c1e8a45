// The smallest share increase the default settings detect reliably (80 % power, one test at
// alpha = 0.01 after Holm over a typical handful of candidates), per kind, from the noise measured
// in real snapshots: each service's pooled replicate dispersion and profile total. Like the gate, it
// needs both the share test and the work-per-second test to reach significance, at the same load.
// usage: node scripts/detection-limit.mjs SNAPSHOT.json [...]   (needs lib/: npx tsc -p tsconfig.json)
import { readFileSync } from 'node:fs'
import { pooledDispersion, rateChangeEvidence, shareChangeEvidence, upperTail } from '../lib/compare/stats.js'

const files = process.argv.slice(2)
const alpha = 0.01 / 5 // Holm: the smallest p-value faces alpha/m; m = 5 candidates is typical
const power = 0.8
const runVariation = 0.1
const zFor = (p) => { let lo = 0, hi = 10; for (let i = 0; i < 60; i++) { const m = (lo + hi) / 2; if (upperTail(m) > p) lo = m; else hi = m } return hi }
const zAlpha = zFor(alpha)
const zPower = zFor(1 - power)
const byKind = {}
for (const file of files) {
  const s = JSON.parse(readFileSync(file, 'utf8'))
  for (const [service, kinds] of Object.entries(s.services)) {
    for (const [kind, k] of Object.entries(kinds)) {
      const phi = pooledDispersion(k.functions.filter((f) => f.replicateSelf).map((f) => ({ totals: k.replicateTotals, values: f.replicateSelf })))
      if (phi === undefined || k.total === 0) continue
      // smallest delta from a 5 % baseline share whose z reaches zAlpha + zPower
      let lo = 0, hi = 0.95
      for (let i = 0; i < 50; i++) {
        const d = (lo + hi) / 2
        const e = shareChangeEvidence({ share: 0.05, total: k.total, dispersion: phi }, { share: 0.05 + d, total: k.total, dispersion: phi }, runVariation)
        // the same total per second on both sides: the function's own work grew by d of the total
        const seconds = k.totalPerSecond > 0 ? k.total / k.totalPerSecond : 1
        const r = rateChangeEvidence({ value: 0.05 * k.total, seconds, dispersion: phi }, { value: (0.05 + d) * k.total, seconds, dispersion: phi }, runVariation)
        if (Math.min(e.z, r.z) >= zAlpha + zPower) hi = d; else lo = d
      }
      const thresholds = Math.max(0.01, 0.05 * 0.2) // min-absolute 1 pp, min-relative 20 %
      ;(byKind[kind] ??= []).push({ service, delta: Math.max(hi, thresholds), samples: k.total / phi })
    }
  }
}
console.log('| kind | detectable increase from a 5 % share (median over services) | range | effective samples per run (median) |')
console.log('|---|---|---|---|')
for (const [kind, rows] of Object.entries(byKind)) {
  const d = rows.map((r) => r.delta).sort((a, b) => a - b)
  const n = rows.map((r) => r.samples).sort((a, b) => a - b)
  const med = (xs) => xs[Math.floor(xs.length / 2)]
  console.log(`| ${kind} | +${(med(d) * 100).toFixed(1)} pp | +${(d[0] * 100).toFixed(1)} – +${(d[d.length - 1] * 100).toFixed(1)} pp | ${med(n).toFixed(0)} |`)
}
