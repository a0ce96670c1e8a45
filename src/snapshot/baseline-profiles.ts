// The full merged profiles kept beside the baseline (baseline/profiles/<service>/<kind>.pb.gz), so a
// later gate run can have its own Pyroscope diff against them. File edge.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Kind, ProfileFile, Snapshot } from '../model.js'
import { gzip } from '../pyroscope/pprof.js'
import type { PyroscopeClient } from '../pyroscope/client.js'
import { serviceSelector } from './take.js'
import { writeFileAtomic } from './baseline-file.js'

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function profileFileName(service: string, kind: Kind): string {
  // service names come from Pyroscope labels: keep the path inside the baseline directory
  const safe = service.replace(/[^A-Za-z0-9._-]/g, '_')
  return `profiles/${safe}/${kind}.pb.gz`
}

export interface FetchedProfile {
  service: string
  kind: Kind
  bytes: Uint8Array
  file: ProfileFile
}

/** Fetches the untruncated merged pprof of every service and kind in the snapshot. */
export async function fetchBaselineProfiles(client: PyroscopeClient, snapshot: Snapshot, extraMatchers: string[]): Promise<FetchedProfile[]> {
  const jobs: Promise<FetchedProfile>[] = []
  for (const [service, kinds] of Object.entries(snapshot.services)) {
    for (const [kind, k] of Object.entries(kinds) as [Kind, NonNullable<(typeof kinds)[Kind]>][]) {
      jobs.push(
        (async () => {
          const raw = await client.selectMergeProfile({ profileTypeId: k.profileTypeId, selector: serviceSelector(service, extraMatchers), window: snapshot.window })
          const bytes = gzip(raw)
          return { service, kind, bytes, file: { path: profileFileName(service, kind), sha256: sha256(bytes), bytes: bytes.length } }
        })()
      )
    }
  }
  return Promise.all(jobs)
}

/** Records the files in the snapshot (the checksums make a stale or edited profile detectable). */
export function attachProfiles(snapshot: Snapshot, profiles: FetchedProfile[]): Snapshot {
  const services = structuredClone(snapshot.services)
  for (const p of profiles) {
    const k = services[p.service]?.[p.kind]
    if (k) k.profile = p.file
  }
  return { ...snapshot, services }
}

export async function writeBaselineProfiles(baselineDir: string, profiles: FetchedProfile[]): Promise<void> {
  for (const p of profiles) await writeFileAtomic(path.join(baselineDir, p.file.path), p.bytes)
}

export class BaselineProfileError extends Error {}

/** Reads a recorded profile and checks it against the checksum in profiles.json (fails closed). */
export async function readBaselineProfile(baselineDir: string, file: ProfileFile): Promise<Uint8Array> {
  const full = path.resolve(baselineDir, file.path)
  if (!full.startsWith(path.resolve(baselineDir) + path.sep)) throw new BaselineProfileError(`baseline profile path ${file.path} leaves the baseline directory`)
  let bytes: Uint8Array
  try {
    bytes = await readFile(full)
  } catch (err) {
    throw new BaselineProfileError(`baseline profile ${file.path} cannot be read: ${(err as Error).message}`)
  }
  const actual = sha256(bytes)
  if (actual !== file.sha256) {
    throw new BaselineProfileError(`baseline profile ${file.path} has sha256 ${actual.slice(0, 12)}…, profiles.json records ${file.sha256.slice(0, 12)}…: refresh the baseline`)
  }
  return bytes
}
