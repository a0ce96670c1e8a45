// The measuring half of a run: stack up (or external), Pyroscope ready, services healthy and
// visible in Pyroscope, load, then wait until the agents' last uploads have landed. Returns the
// query window and the load results.
import path from 'node:path'
import type { Kind, LoadResult, TimeWindow } from './model.js'
import type { PyroscopeClient } from './pyroscope/client.js'
import { resolveProfileTypes } from './pyroscope/discovery.js'
import type { Io } from './pipeline.js'
import type { Settings } from './settings.js'
import { composeUp } from './stack/compose.js'
import { saveStackState } from './stack/state.js'
import { waitForHttp, waitForServicesInPyroscope, waitForSettledTotals } from './stack/wait.js'
import { healthUrls, loadLoadPlan, selectPlan, type LoadPlan } from './load/plan.js'
import { checkLoadErrors, runLoad } from './load/generator.js'
import { commandLoadResult, loadCommandFailure, runLoadCommand } from './load/command.js'
import { serviceSelector } from './snapshot/take.js'
import { NOT_BASELINE } from './diff/server-diff.js'

export interface Measurement {
  services: string[]
  window: TimeWindow
  load?: LoadResult
}

export async function measure(settings: Settings, client: PyroscopeClient, io: Io, outDir: string): Promise<Measurement> {
  const s = settings.raw
  const plan = s.load === 'builtin' || s.services.length === 0 ? await readPlan(settings, io) : undefined
  const services = s.services.length > 0 ? s.services : plan!.services.map((x) => x.name)
  if (services.length === 0) throw new Error('no services to gate: list them in "services" or in the load plan')

  if (s.stack === 'compose') {
    const file = path.resolve(io.workspace, s['compose-file'])
    // saved before booting, so the post step tears down a half-started stack too
    saveStackState({ file, projectName: s['compose-project'], keep: s['keep-stack'] }, io.saveState)
    io.log(`booting ${s['compose-file']} (project ${s['compose-project']})`)
    await composeUp({ file, projectName: s['compose-project'], timeoutSec: s['boot-timeout'], build: true, outDir, log: io.log, env: {} })
  }

  await client.waitReady({ timeoutMs: s['ready-timeout'] * 1000, intervalMs: 1000, onWait: () => undefined })
  io.log(`Pyroscope ${client.baseUrl} is ready`)

  if (s.load === 'none') {
    return { services, window: { from: s['window-from']!, until: s['window-until']! } }
  }

  if (plan) {
    await waitForHttp(healthUrls(plan), { timeoutMs: s['ready-timeout'] * 1000, intervalMs: 1000, log: io.log })
  }

  const intervalMs = s['upload-interval'] * 1000
  let load: LoadResult
  if (s.load === 'builtin') {
    const measured = s['load-concurrency'] > 0 ? `${s['load-concurrency']} workers` : `${s['load-rate']} req/s`
    const fastWarmup = s['warmup-duration'] > 0 && s['warmup-concurrency'] > 0
    io.log(`load: ${s['warmup-duration']} s warm-up${fastWarmup ? ` with ${s['warmup-concurrency']} closed-loop workers` : ''}, then ${s['load-duration']} s at ${measured}`)
    if (fastWarmup) {
      // C2 compiles a method after hundreds to thousands of calls: at the measured rate a lightly
      // loaded service would still be changing its compiled code inside the measured window.
      const warm = await runLoad({ plan: plan!, warmupSec: 0, durationSec: s['warmup-duration'], mode: 'concurrency', concurrency: s['warmup-concurrency'], log: io.log })
      const reason = checkLoadErrors(warm, s['max-error-rate'] / 100)
      if (reason) io.warning(`warm-up: ${reason}`)
      else io.log(`warm-up: ${warm.requests} requests at ${warm.throughput.toFixed(0)} req/s`)
    }
    load = await runLoad({
      plan: plan!,
      warmupSec: fastWarmup ? 0 : s['warmup-duration'],
      durationSec: s['load-duration'],
      ...(s['load-concurrency'] > 0 ? { mode: 'concurrency' as const, concurrency: s['load-concurrency'] } : { mode: 'rate' as const, rate: s['load-rate'] }),
      log: io.log
    })
    const reason = checkLoadErrors(load, s['max-error-rate'] / 100)
    if (reason) throw new Error(`load failed: ${reason}`)
  } else {
    const timeoutSec = s['warmup-duration'] + s['load-duration'] + 600
    const r = await runLoadCommand(s['load-command']!, { cwd: io.workspace, env: definedEnv(), timeoutSec, log: io.log })
    const failure = loadCommandFailure(r, timeoutSec)
    if (failure) throw new Error(`load-command failed: ${failure}`)
    load = commandLoadResult({ startedAt: r.startedAt, endedAt: r.endedAt })
  }

  // services must be visible in Pyroscope before the window is queried
  const window: TimeWindow = { from: load.startedAt, until: load.endedAt }
  await waitForServicesInPyroscope(() => client.labelValues('service_name', '{}', { from: window.from - intervalMs, until: io.now() }), services, {
    timeoutMs: s['ready-timeout'] * 1000,
    intervalMs: 2000
  })

  // The agent stamps an upload with the start of its 10 s window and never flushes on exit: wait
  // until the totals of the window stop growing instead of sleeping a fixed time.
  const types = resolveProfileTypes(await client.profileTypes({ from: window.from - intervalMs, until: io.now() }), ['cpu'] as Kind[])
  const cpu = types.ids.cpu
  if (cpu) {
    const settled = await waitForSettledTotals(
      async () => {
        const totals: Record<string, number> = {}
        await Promise.all(
          services.map(async (svc) => {
            const fg = await client.render({ profileTypeId: cpu, selector: serviceSelector(svc, [NOT_BASELINE]), window, maxNodes: 1 })
            totals[svc] = fg.total
          })
        )
        return totals
      },
      { intervalMs: Math.max(1000, intervalMs / 2), stableRounds: 2, timeoutMs: intervalMs * 6 + 30_000, minWaitMs: intervalMs, expected: services, log: io.log }
    )
    io.log(`profiles settled after ${(settled.elapsedMs / 1000).toFixed(0)} s`)
  } else {
    io.warning('no CPU profile type found to watch the uploads settle; waiting two upload intervals')
    await new Promise((r) => setTimeout(r, intervalMs * 2))
  }
  return { services, window, load }
}

async function readPlan(settings: Settings, io: Io): Promise<LoadPlan> {
  const plan = await loadLoadPlan(path.resolve(io.workspace, settings.raw['load-plan']))
  return selectPlan(plan, {
    overrides: settings.raw['service-urls'],
    ...(settings.raw.services.length ? { services: settings.raw.services } : {})
  })
}

function definedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined))
}
