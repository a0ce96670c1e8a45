// Profiling overhead of the Pyroscope agent on the demo stack, measured side by side in one run:
// the nine services natively without the agent, then with it, under the same closed-loop load
// (so throughput can drop if the agent costs CPU). Prints throughput and p99 ratios.
// Needs a Pyroscope at PYROSCOPE_URL for the agents to upload to. Run: npm run bench:overhead
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { loadLoadPlan } from '../lib/load/plan.js'
import { runLoad } from '../lib/load/generator.js'

const root = path.resolve(import.meta.dirname, '..')
const native = (cmd, env) => execFileSync(path.join(root, 'stack/native.sh'), [cmd], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
const plan = await loadLoadPlan(path.join(root, 'stack/load-plan.json'))
const seconds = Number(process.env.OVERHEAD_SECONDS ?? 60)
const workers = Number(process.env.OVERHEAD_WORKERS ?? 8)
const rounds = Number(process.env.OVERHEAD_ROUNDS ?? 2)

async function measure(agent) {
  native('stop', {})
  native('start', { AGENT: agent })
  const r = await runLoad({ plan, mode: 'concurrency', concurrency: workers, warmupSec: 20, durationSec: seconds, progressIntervalMs: 60_000 })
  native('stop', {})
  return { throughput: r.throughput, p99: r.latencyMs.p99, p50: r.latencyMs.p50, errors: r.errors }
}

const results = { off: [], on: [] }
try {
  // alternate to spread the machine's drift over both sides
  for (let i = 0; i < rounds; i++) {
    results.off.push(await measure('off'))
    results.on.push(await measure('on'))
  }
} finally {
  native('stop', {})
}
const mean = (xs, k) => xs.reduce((a, x) => a + x[k], 0) / xs.length
for (const side of ['off', 'on']) {
  console.log(`agent ${side.padEnd(3)}: ${mean(results[side], 'throughput').toFixed(1)} req/s, p50 ${mean(results[side], 'p50').toFixed(1)} ms, p99 ${mean(results[side], 'p99').toFixed(1)} ms, errors ${mean(results[side], 'errors')}`)
}
const tp = mean(results.on, 'throughput') / mean(results.off, 'throughput')
const p99 = mean(results.on, 'p99') / mean(results.off, 'p99')
console.log(`with/without agent: throughput ${tp.toFixed(3)}× (${((1 - tp) * 100).toFixed(1)} % lower), p99 ${p99.toFixed(3)}× (${((p99 - 1) * 100).toFixed(1)} % higher); target < 10 %`)
