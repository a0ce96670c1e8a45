// Why the load generator jitters its arrivals (src/load/generator.ts), measured side by side in one
// run: the fraud service (fresh stack per trial, the real agent, itimer CPU every 2 ms) gets the same
// 50 req/s of /fraud/score with strictly periodic arrivals and with each request at a random point of
// its slot. Per trial it prints DenseMatrix.multiply's share of the profiled CPU and the profiled
// CPU as a fraction of the JVM's real CPU (/proc schedstat). Periodic arrivals are phase-locked to
// the kernel tick that drives itimer, so the share lands wherever the phase puts it.
// Needs a Pyroscope at PYROSCOPE_URL and lib/ (npx tsc -p tsconfig.json). Run: npm run bench:aliasing
import { setTimeout as sleep } from 'node:timers/promises'
import { runLoad } from '../lib/load/generator.js'
import { PyroscopeClient, selector } from '../lib/pyroscope/client.js'
import { indexFlamegraph } from '../lib/profile/flame-table.js'
import { rankFunctions } from '../lib/profile/functions.js'
import { cpuNanos, native as nativeWith, servicePid } from './stack.mjs'

const url = process.env.PYROSCOPE_URL
if (!url) throw new Error('set PYROSCOPE_URL to a Pyroscope server the agents can upload to')
const rounds = Number(process.env.ALIASING_ROUNDS ?? 2)
const service = 'bank-fraud-detection-service'
const native = (cmd, env) => nativeWith(cmd, { PYROSCOPE_URL: url, ...env })
const plan = {
  version: 1,
  services: [{ name: service, baseUrl: 'http://127.0.0.1:8083', endpoints: [{ name: 'score', method: 'POST', path: '/fraud/score', body: { account: 'A1', amount: 420.0, merchant: 'M42' }, headers: { 'content-type': 'application/json' }, weight: 1 }] }]
}
const client = new PyroscopeClient({ url })

async function trial(arrivals, round) {
  const trialLabel = `${arrivals}-${round}`
  native('stop', {})
  native('start', { PYROSCOPE_LABELS: `aliasing_trial=${trialLabel}` })
  try {
    const pid = servicePid(service)
    const random = arrivals === 'periodic' ? () => 0 : undefined
    await runLoad({ plan, mode: 'rate', rate: 50, warmupSec: 0, durationSec: 15, progressIntervalMs: 0, random })
    const cpu0 = cpuNanos(pid)
    const r = await runLoad({ plan, mode: 'rate', rate: 50, warmupSec: 0, durationSec: 40, progressIntervalMs: 0, random })
    const realCpu = cpuNanos(pid) - cpu0
    // the agent uploads every 10 s, stamped with its window's start
    await sleep(25_000)
    const fg = await client.render({
      profileTypeId: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      selector: selector({ service_name: service, aliasing_trial: trialLabel }),
      window: { from: r.startedAt, until: r.endedAt },
      maxNodes: 65_536
    })
    const stats = rankFunctions(indexFlamegraph(fg))
    const multiply = stats.functions.filter((f) => f.name.includes('DenseMatrix.multiply')).reduce((a, f) => a + f.self, 0)
    // uploads are stamped with the start of their 10 s window: the profile covers about these 40 s
    const seconds = (r.endedAt - r.startedAt) / 1000
    return { arrivals, round, share: stats.total > 0 ? multiply / stats.total : NaN, captured: stats.total / realCpu, realCpuPerSec: realCpu / seconds / 1e6 }
  } finally {
    native('stop', {})
  }
}

const results = []
try {
  for (let round = 1; round <= rounds; round++) {
    for (const arrivals of ['periodic', 'jittered']) {
      const t = await trial(arrivals, round)
      results.push(t)
      console.log(`${t.arrivals.padEnd(8)} #${t.round}: DenseMatrix.multiply ${(t.share * 100).toFixed(1)} % of profiled CPU, profiled/real CPU ${t.captured.toFixed(2)} (real ${t.realCpuPerSec.toFixed(0)} ms/s)`)
    }
  }
} finally {
  native('stop', {})
}
const spread = (side) => {
  const xs = results.filter((t) => t.arrivals === side).map((t) => t.share)
  return `${(Math.min(...xs) * 100).toFixed(1)}–${(Math.max(...xs) * 100).toFixed(1)} %`
}
console.log(`multiply share, periodic: ${spread('periodic')}; jittered: ${spread('jittered')}`)
