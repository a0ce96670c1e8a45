import { readFileSync, existsSync } from 'node:fs'
import path from 'node:path'

export const repoRoot = path.resolve(import.meta.dirname, '../..')
/** the upstream fixtures live beside the checkout; a missing directory fails the test loudly */
export const fixturesDir = path.resolve(repoRoot, '../shared/fixtures/pyroscope')

export function fixturePath(name: string): string {
  const p = path.join(fixturesDir, name)
  if (!existsSync(p)) throw new Error(`fixture ${p} is missing: the tests need ../shared beside the checkout`)
  return p
}

export function readFixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8'))
}
