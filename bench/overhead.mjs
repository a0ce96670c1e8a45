// Profiling overhead of the Pyroscope agent on the demo stack, measured side by side: two copies of
// the nine services run at the same time, one with the agent (the stack's settings, or whatever
// PYROSCOPE_PROFILING_INTERVAL / PYROSCOPE_PROFILER_ALLOC / OPTIMIZED say) and one without, under the
// same load. Running them together, not one after the other, is the point: on a shared 2-core VM the
// machine's speed drifts by 10 % and more between minutes, far more than the agent costs, while both
// copies see the same drift. Which copy has the agent alternates by round.
// Per round: 30 s closed-loop warm-up, then
//   - a fixed rate (OVERHEAD_RATE per copy, default 100 req/s, far from saturation), 60 s: real CPU
//     per request of each JVM (all threads, from the scheduler) and p50/p99 latency;
//   - saturation (OVERHEAD_WORKERS closed-loop workers per copy, default 8), 40 s: throughput, the
//     two copies competing for the same cores.
// Needs a Pyroscope at PYROSCOPE_URL for the agents to upload to. Run: npm run bench:overhead
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { loadLoadPlan } from '../lib/load/plan.js'
import { runLoad } from '../lib/load/generator.js'
import { cpuNanos, native, root, runDirOf, servicePid } from './stack.mjs'

if (!process.env.PYROSCOPE_URL) throw new Error('set PYROSCOPE_URL to a Pyroscope server the agents can upload to')
const rate = Number(process.env.OVERHEAD_RATE ?? 100)
const workers = Number(process.env.OVERHEAD_WORKERS ?? 8)
const rounds = Number(process.env.OVERHEAD_ROUNDS ?? 2)
const rateSec = Number(process.env.OVERHEAD_SECONDS ?? 60)
const saturationSec = 40
const SECOND_COPY_OFFSET = 100

const plan = await loadLoadPlan(path.join(root, 'stack/load-plan.json'))
/** the load plan aimed at the copy whose ports are shifted by offset */
function planAt(offset) {
  return {
    ...plan,
    services: plan.services.map((s) => {
      const url = new URL(s.baseUrl)
      url.port = String(Number(url.port) + offset)
      return { ...s, baseUrl: url.origin }
    })
  }
}
const copies = [0, SECOND_COPY_OFFSET].map((offset) => ({ offset, plan: planAt(offset), env: { PORT_OFFSET: String(offset) } }))
const stopAll = () => copies.forEach((c) => native('stop', c.env))

function jvmCpu(copy) {
  return Object.fromEntries(plan.services.map((s) => [s.name, cpuNanos(servicePid(s.name, copy.offset))]))
}

const both = (f) => Promise.all(copies.map(f))

/** the agent's failed uploads in a copy's logs (native.sh starts each log afresh): a failing server makes the agents retry */
function failedUploads(copy) {
  return plan.services.reduce((n, s) => n + readFileSync(path.join(runDirOf(copy.offset), `${s.name}.log`), 'utf8').split('Error uploading').length - 1, 0)
}

async function round(index) {
  // even rounds: the first copy has the agent; odd rounds: the second
  const agentOn = (copy) => (copy.offset === 0) === (index % 2 === 0)
  stopAll()
  for (const copy of copies) native('start', { ...copy.env, AGENT: agentOn(copy) ? 'on' : 'off' })
  try {
    await both((c) => runLoad({ plan: c.plan, mode: 'concurrency', concurrency: 4, warmupSec: 0, durationSec: 30, progressIntervalMs: 0 }))
    await both((c) => runLoad({ plan: c.plan, mode: 'rate', rate, warmupSec: 0, durationSec: 10, progressIntervalMs: 0 }))
    const before = copies.map(jvmCpu)
    const atRate = await both((c) => runLoad({ plan: c.plan, mode: 'rate', rate, warmupSec: 0, durationSec: rateSec, progressIntervalMs: 0 }))
    const after = copies.map(jvmCpu)
    const saturated = await both((c) => runLoad({ plan: c.plan, mode: 'concurrency', concurrency: workers, warmupSec: 0, durationSec: saturationSec, progressIntervalMs: 0 }))
    const failed = failedUploads(copies.find(agentOn))
    if (failed > 0) throw new Error(`the agents logged ${failed} failed uploads to ${process.env.PYROSCOPE_URL}: that is not a working agent's overhead (see the services' logs in stack/.run*)`)
    return copies.map((copy, i) => {
      const cpuMsOf = (service) => (after[i][service] - before[i][service]) / 1e6
      const requestsOf = (service) => atRate[i].endpoints.filter((e) => e.service === service).reduce((a, e) => a + e.requests, 0)
      const perService = Object.fromEntries(plan.services.map((s) => [s.name, cpuMsOf(s.name) / requestsOf(s.name)]))
      const cpuMs = plan.services.reduce((a, s) => a + cpuMsOf(s.name), 0)
      return {
        agent: agentOn(copy) ? 'on' : 'off',
        round: index + 1,
        cpuMsPerRequest: cpuMs / atRate[i].requests,
        cpuMsPerSecondPerJvm: cpuMs / rateSec / plan.services.length,
        perService,
        p50: atRate[i].latencyMs.p50,
        p99: atRate[i].latencyMs.p99,
        throughput: saturated[i].throughput,
        errors: atRate[i].errors + saturated[i].errors
      }
    })
  } finally {
    stopAll()
  }
}

const results = []
try {
  for (let i = 0; i < rounds; i++) {
    for (const r of await round(i)) {
      results.push(r)
      console.log(`round ${r.round}, agent ${r.agent.padEnd(3)}: at ${rate} req/s ${r.cpuMsPerRequest.toFixed(3)} ms CPU/request, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; saturated ${r.throughput.toFixed(1)} req/s; errors ${r.errors}`)
    }
  }
} finally {
  stopAll()
}

const side = (agent) => results.filter((r) => r.agent === agent)
const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length
const ratio = (f) => mean(side('on').map(f)) / mean(side('off').map(f))
const pct = (x) => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(1)} %`
console.log('\nCPU per request at the fixed rate, with / without the agent, per service:')
for (const s of plan.services) {
  const x = ratio((r) => r.perService[s.name])
  console.log(`  ${s.name.padEnd(32)} ${mean(side('off').map((r) => r.perService[s.name])).toFixed(2)} → ${mean(side('on').map((r) => r.perService[s.name])).toFixed(2)} ms  ${pct(x)}`)
}
const extraPerJvm = mean(side('on').map((r) => r.cpuMsPerSecondPerJvm)) - mean(side('off').map((r) => r.cpuMsPerSecondPerJvm))
console.log(`the agent's CPU per JVM at ${rate} req/s: ${extraPerJvm.toFixed(1)} ms/s (${(extraPerJvm / 10).toFixed(2)} % of a core)`)
const cpu = ratio((r) => r.cpuMsPerRequest)
const p99 = ratio((r) => r.p99)
const tp = ratio((r) => r.throughput)
console.log(
  `with/without agent: CPU per request ${cpu.toFixed(3)}× (${pct(cpu)}), p99 at ${rate} req/s ${p99.toFixed(3)}× (${pct(p99)}), ` +
    `saturated throughput ${tp.toFixed(3)}× (${pct(tp)}); target: within 10 %`
)
