// The committed baseline (baseline/profiles.json and its profiles) is what every PR is gated
// against: it must parse, cover the stack, record where it came from, and its stored profiles must
// match their checksums and decode.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeProfile, gunzip, isGzip } from '../../src/pyroscope/pprof.js'
import { parseSnapshot } from '../../src/snapshot/baseline-file.js'
import { readBaselineProfile } from '../../src/snapshot/baseline-profiles.js'
import { repoRoot } from '../helpers/fixtures.js'

const dir = path.join(repoRoot, 'baseline')
const file = path.join(dir, 'profiles.json')
const plan = JSON.parse(readFileSync(path.join(repoRoot, 'stack/load-plan.json'), 'utf8')) as { services: { name: string }[] }

describe('the committed baseline', () => {
  const snapshot = parseSnapshot(JSON.parse(readFileSync(file, 'utf8')), file)

  it('covers every service of the load plan with cpu and alloc, and records its provenance', () => {
    expect(Object.keys(snapshot.services).sort()).toEqual(plan.services.map((s) => s.name).sort())
    for (const [service, kinds] of Object.entries(snapshot.services)) {
      expect(kinds.cpu?.total, `${service} cpu`).toBeGreaterThan(0)
      expect(kinds.alloc?.total, `${service} alloc`).toBeGreaterThan(0)
    }
    expect(snapshot.provenance.commit).toMatch(/^[0-9a-f]{7,40}$/)
    expect(snapshot.provenance.settings).toMatchObject({ load: 'builtin', loadRate: 50, loadDurationSeconds: 120, warmupSeconds: 20 })
    expect(snapshot.load?.errors).toBe(0)
  })

  it('stores a profile per service and kind whose checksum matches and which decodes', async () => {
    let profiles = 0
    for (const kinds of Object.values(snapshot.services)) {
      for (const k of Object.values(kinds)) {
        if (!k?.profile) continue
        const bytes = await readBaselineProfile(dir, k.profile)
        const profile = decodeProfile(isGzip(bytes) ? gunzip(bytes) : bytes)
        expect(profile.sample.length, k.profile.path).toBeGreaterThan(0)
        profiles++
      }
    }
    expect(profiles).toBeGreaterThanOrEqual(2 * plan.services.length)
  })
})
