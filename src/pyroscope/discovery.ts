// Maps the gate's profile kinds to the profile type IDs a server actually holds. The Java IDs
// changed between Pyroscope 1.0, 1.1 and 1.2 (pyroscope-api.md §3.3), so matching is by profile
// name and sample type with a ranked list of candidates, never by one hard-coded full ID.
import type { Kind } from '../model.js'

export interface ProfileType {
  /** `<name>:<sample type>:<sample unit>:<period type>:<period unit>` */
  ID: string
  name: string
  sampleType: string
  sampleUnit: string
  periodType: string
  periodUnit: string
}

export class ProfileTypeIdError extends Error {}

/**
 * Parses a profile type ID. Five colon-separated parts; a sixth (e.g. `:delta`) is accepted and
 * ignored like the server does. Period parts may be empty (older `memory:…:bytes::` IDs).
 */
export function parseProfileTypeId(id: string): ProfileType {
  const parts = id.split(':')
  const [name, sampleType, sampleUnit, periodType, periodUnit] = parts
  if (
    (parts.length !== 5 && parts.length !== 6) ||
    !name ||
    !sampleType ||
    !sampleUnit ||
    periodType === undefined ||
    periodUnit === undefined
  ) {
    throw new ProfileTypeIdError(
      `invalid profile type ID ${JSON.stringify(id)}: expected <name>:<sample type>:<sample unit>:<period type>:<period unit>, e.g. process_cpu:cpu:nanoseconds:cpu:nanoseconds`
    )
  }
  return { ID: parts.slice(0, 5).join(':'), name, sampleType, sampleUnit, periodType, periodUnit }
}

interface Candidate {
  name: string
  sampleType: string
  /** preferred period type; other periods rank next, an empty period (older servers) last */
  periodType?: string
}

/** Ranked candidates per kind: earlier entries win. */
export const KIND_CANDIDATES: Record<Kind, readonly Candidate[]> = {
  cpu: [{ name: 'process_cpu', sampleType: 'cpu', periodType: 'cpu' }],
  alloc: [
    { name: 'memory', sampleType: 'alloc_in_new_tlab_bytes', periodType: 'space' },
    { name: 'memory', sampleType: 'alloc_outside_tlab_bytes', periodType: 'space' },
    { name: 'memory', sampleType: 'alloc_sample_bytes', periodType: 'space' }
  ],
  mutex: [
    { name: 'mutex', sampleType: 'delay', periodType: 'mutex' },
    { name: 'mutex', sampleType: 'contentions', periodType: 'mutex' }
  ],
  block: [
    { name: 'block', sampleType: 'delay', periodType: 'block' },
    { name: 'block', sampleType: 'contentions', periodType: 'block' }
  ],
  // the legacy ingest path files wall-clock under period type `cpu` (pyroscope-api.md §3.4)
  wall: [{ name: 'wall', sampleType: 'wall', periodType: 'wall' }]
}

export interface Resolution {
  /** kind → chosen profile type ID */
  ids: Partial<Record<Kind, string>>
  types: Partial<Record<Kind, ProfileType>>
  /** kinds the server has no profile type for (in the order asked) */
  missing: Kind[]
}

function periodRank(t: ProfileType, preferred: string | undefined): number {
  if (preferred !== undefined && t.periodType === preferred) return 0
  if (t.periodType !== '') return 1
  return 2
}

/** Chooses one profile type per kind; a kind without a match is listed in `missing`, not thrown. */
export function resolveProfileTypes(available: readonly ProfileType[], kinds: readonly Kind[]): Resolution {
  const ids: Partial<Record<Kind, string>> = {}
  const types: Partial<Record<Kind, ProfileType>> = {}
  const missing: Kind[] = []
  for (const kind of kinds) {
    let chosen: ProfileType | undefined
    for (const c of KIND_CANDIDATES[kind]) {
      const matches = available
        .filter((t) => t.name === c.name && t.sampleType === c.sampleType)
        .sort((a, b) => periodRank(a, c.periodType) - periodRank(b, c.periodType) || (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0))
      chosen = matches[0]
      if (chosen) break
    }
    if (chosen) {
      ids[kind] = chosen.ID
      types[kind] = chosen
    } else if (!missing.includes(kind)) {
      missing.push(kind)
    }
  }
  return { ids, types, missing }
}
