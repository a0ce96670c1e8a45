// The committed baseline: a Snapshot validated with zod on read, written atomically with a stable
// key and row order so that a refresh PR has a readable diff.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { SnapshotSchema, type Kind, type Snapshot } from '../model.js'
import { formatZodIssues } from '../zod-issues.js'

export class BaselineError extends Error {}

export function parseSnapshot(json: unknown, source: string): Snapshot {
  const parsed = SnapshotSchema.safeParse(json)
  if (!parsed.success) throw new BaselineError(`${source} is not a valid profile-gate snapshot: ${formatZodIssues(parsed.error)}`)
  return parsed.data
}

export async function readBaseline(file: string): Promise<Snapshot> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new BaselineError(
      code === 'ENOENT'
        ? `no baseline at ${file}: run the action with mode: baseline on the default branch and commit the file`
        : `cannot read the baseline ${file}: ${(err as Error).message}`
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new BaselineError(`${file} is not JSON: ${(err as Error).message}`)
  }
  return parseSnapshot(json, file)
}

/** A baseline must hold every expected service and kind, with data: never a partial one. */
export function assertCompleteSnapshot(snapshot: Snapshot, services: string[], kinds: Kind[], optional: (service: string, kind: Kind) => boolean): void {
  const missing: string[] = []
  for (const service of services) {
    for (const kind of kinds) {
      const k = snapshot.services[service]?.[kind]
      if ((!k || k.total === 0) && !optional(service, kind)) missing.push(`${service} ${kind}`)
    }
  }
  if (missing.length) {
    throw new BaselineError(`refusing to write a partial baseline: no data for ${missing.join(', ')} (the old baseline is kept)`)
  }
}

/**
 * JSON with object keys sorted (arrays keep their order, which the snapshot builder makes stable),
 * two-space indented, with arrays of numbers on one line so that a refresh diff shows one line per
 * changed replicate series instead of one per number.
 */
export function stableStringify(value: unknown): string {
  const text = JSON.stringify(sortKeys(value), null, 2)
  return text.replace(/\[\n\s*(-?[\d.eE+-]+(?:,\n\s*-?[\d.eE+-]+)*)\n\s*\]/g, (_, nums: string) => `[${nums.split(/,\n\s*/).join(', ')}]`) + '\n'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])])
    )
  }
  return value
}

/** Writes to a temporary file beside the target and renames it: readers never see half a file. */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  await writeFile(tmp, content)
  await rename(tmp, file)
}

export async function writeBaseline(file: string, snapshot: Snapshot): Promise<string> {
  const validated = parseSnapshot(snapshot, 'the new baseline')
  const text = stableStringify(validated)
  await writeFileAtomic(file, text)
  return text
}
