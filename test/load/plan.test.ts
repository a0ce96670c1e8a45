import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { healthUrls, loadLoadPlan, LoadPlanError, parseLoadPlan, resolveTarget, selectPlan } from '../../src/load/plan.js'

const EXAMPLE = {
  version: 1,
  services: [
    {
      name: 'bank-api-gateway',
      baseUrl: 'http://127.0.0.1:8080',
      health: '/health',
      endpoints: [
        { name: 'fib', method: 'GET', path: '/api/fib?n=27', weight: 2 },
        {
          name: 'transfer',
          method: 'POST',
          path: '/api/transfer',
          body: { from: 'A1', to: 'B2', amount: '12.50' },
          headers: { 'content-type': 'application/json' },
          weight: 1
        }
      ]
    },
    { name: 'ledger', baseUrl: 'http://127.0.0.1:8081/ledger/', endpoints: [{ name: 'list', method: 'GET', path: '/entries' }] }
  ]
}

function planError(value: unknown): string {
  try {
    parseLoadPlan(typeof value === 'string' ? value : JSON.stringify(value), 'stack/load-plan.json')
  } catch (e) {
    expect(e).toBeInstanceOf(LoadPlanError)
    return (e as Error).message
  }
  throw new Error('expected a LoadPlanError')
}

describe('load plan', () => {
  it('parses the documented shape, defaulting weight to 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-'))
    const file = join(dir, 'load-plan.json')
    await writeFile(file, JSON.stringify(EXAMPLE))
    const plan = await loadLoadPlan(file)
    expect(plan.services[0]?.endpoints[1]?.body).toEqual({ from: 'A1', to: 'B2', amount: '12.50' })
    expect(plan.services[1]?.endpoints[0]?.weight).toBe(1)
    expect(healthUrls(plan)).toEqual(['http://127.0.0.1:8080/health'])
    await expect(loadLoadPlan(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: load plan not found/)
  })

  it('names the file, field path, expectation and offending value', () => {
    const bad = structuredClone(EXAMPLE) as { services: { endpoints: Record<string, unknown>[] }[] } & Record<string, unknown>
    const ep = bad.services[0]?.endpoints[1]
    if (ep === undefined) throw new Error('fixture')
    ep.method = 'PATCH'
    ep.weight = 0
    const msg = planError(bad)
    expect(msg).toMatch(/^stack\/load-plan\.json: invalid load plan/)
    expect(msg).toContain('services[0].endpoints[1].method: expected one of GET|POST|PUT|DELETE (got "PATCH")')
    expect(msg).toContain('services[0].endpoints[1].weight: expected a positive integer (got 0)')

    expect(planError({ ...EXAMPLE, version: 2 })).toContain('version: expected 1 (got 2)')
    expect(planError({ version: 1, services: [{ name: 'a', baseUrl: 'localhost:8080', endpoints: [{ name: 'e', method: 'GET', path: 'api' }] }] })).toMatch(
      /services\[0\]\.baseUrl: expected an absolute http\(s\) URL[^\n]*\(got "localhost:8080"\)[\s\S]*services\[0\]\.endpoints\[0\]\.path: expected a path starting with "\/" \(got "api"\)/
    )
    expect(planError({ version: 1, services: [{ name: 'a', baseUrl: 'http://x', endpoints: [] }] })).toContain('services[0].endpoints: expected at least one endpoint')
    expect(planError('{"version":1,')).toMatch(/stack\/load-plan\.json: not valid JSON/)
    const dup = structuredClone(EXAMPLE)
    dup.services.push(structuredClone(EXAMPLE.services[1]!))
    expect(planError(dup)).toContain('services[2].name: duplicate service name "ledger"')
  })

  it('selects services and overrides base URLs, rejecting unknown names', () => {
    const plan = parseLoadPlan(JSON.stringify(EXAMPLE), 'p')
    const sel = selectPlan(plan, { services: ['ledger'], overrides: { ledger: 'http://127.0.0.1:9999' } })
    expect(sel.services.map((s) => [s.name, s.baseUrl])).toEqual([['ledger', 'http://127.0.0.1:9999']])
    expect(plan.services[1]?.baseUrl).toBe('http://127.0.0.1:8081/ledger/') // not mutated
    expect(() => selectPlan(plan, { overrides: { legder: 'http://x' } })).toThrow(
      /base URL overrides: unknown service "legder"; the load plan has bank-api-gateway, ledger/
    )
    expect(() => selectPlan(plan, { services: ['nope'] })).toThrow(/service selection: unknown service "nope"/)
    expect(() => selectPlan(plan, { overrides: { ledger: 'ftp://x' } })).toThrow(/base URL override for "ledger".*got "ftp:\/\/x"/)
  })

  it('keeps a base URL path prefix when resolving targets', () => {
    expect(resolveTarget('http://127.0.0.1:8081/ledger/', '/entries?x=1')).toEqual({ origin: 'http://127.0.0.1:8081', path: '/ledger/entries?x=1' })
    expect(resolveTarget('https://h', '/a')).toEqual({ origin: 'https://h', path: '/a' })
  })
})
