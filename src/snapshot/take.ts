// Queries Pyroscope for one snapshot: per service and kind, the full window and each replicate
// sub-window, ranked into function shares. The I/O edge of the snapshot stage.
import type { Kind, KindSnapshot, ProfileStats, Snapshot, TimeWindow } from '../model.js'
import { SNAPSHOT_SCHEMA_VERSION } from '../model.js'
import { indexFlamegraph } from '../profile/flame-table.js'
import { rankFunctions } from '../profile/functions.js'
import { selector, type PyroscopeClient } from '../pyroscope/client.js'
import { buildKindSnapshot, splitWindow } from './build.js'

export interface TakeSnapshotOptions {
  services: string[]
  /** kind → discovered profile type ID (kinds the server lacks are simply absent) */
  profileTypes: Partial<Record<Kind, string>>
  window: TimeWindow
  replicates: number
  topN: number
  maxNodes: number
  /** extra label matchers, e.g. `profile_gate!="baseline"` so uploaded baselines never count */
  extraMatchers: string[]
  provenance: Snapshot['provenance']
}

export function serviceSelector(service: string, extraMatchers: readonly string[]): string {
  return selector({ service_name: service }, extraMatchers)
}

export async function queryStats(client: PyroscopeClient, profileTypeId: string, sel: string, window: TimeWindow, maxNodes: number): Promise<ProfileStats> {
  const fg = await client.render({ profileTypeId, selector: sel, window, maxNodes })
  return rankFunctions(indexFlamegraph(fg), 'left')
}

export async function takeSnapshot(client: PyroscopeClient, o: TakeSnapshotOptions): Promise<Snapshot> {
  const replicateWindows = splitWindow(o.window, o.replicates)
  const windowSeconds = (o.window.until - o.window.from) / 1000
  const services: Snapshot['services'] = {}
  const jobs: Promise<void>[] = []
  for (const service of o.services) {
    services[service] = {}
    const sel = serviceSelector(service, o.extraMatchers)
    for (const [kind, profileTypeId] of Object.entries(o.profileTypes) as [Kind, string][]) {
      // the client bounds concurrency; issuing everything at once keeps the wall time short
      jobs.push(
        (async () => {
          const [full, ...replicates] = await Promise.all([o.window, ...replicateWindows].map((w) => queryStats(client, profileTypeId, sel, w, o.maxNodes)))
          if (full!.total === 0) return
          const entry: KindSnapshot = buildKindSnapshot({ profileTypeId, full: full!, replicates, windowSeconds, topN: o.topN })
          services[service]![kind] = entry
        })()
      )
    }
  }
  await Promise.all(jobs)
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    provenance: o.provenance,
    window: o.window,
    replicates: replicateWindows,
    services: sortServices(services)
  }
}

function sortServices(services: Snapshot['services']): Snapshot['services'] {
  return Object.fromEntries(Object.keys(services).sort().map((s) => [s, services[s]!]))
}
