// action.yml, the settings schema and the README's tables must describe the same inputs and outputs.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { INPUTS, OUTPUTS, parseSettings } from '../../src/settings.js'
import { repoRoot } from '../helpers/fixtures.js'

const action = YAML.parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post: string }
}
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')

/** rows of the markdown table between two marker comments: first cell (in backticks) -> other cells */
function tableRows(marker: string): Map<string, string[]> {
  const start = readme.indexOf(`<!-- ${marker}:start -->`)
  const end = readme.indexOf(`<!-- ${marker}:end -->`)
  if (start < 0 || end < 0) throw new Error(`README has no <!-- ${marker}:start/end --> table`)
  const rows = new Map<string, string[]>()
  for (const line of readme.slice(start, end).split('\n')) {
    const m = /^\| `([^`]+)` \|(.*)\|$/.exec(line.trim())
    if (m) rows.set(m[1]!, m[2]!.split(' | ').map((c) => c.trim()))
  }
  return rows
}

describe('inputs and outputs stay in sync', () => {
  it('action.yml declares exactly the inputs the settings read, with the same defaults and descriptions', () => {
    expect(Object.keys(action.inputs)).toEqual(Object.keys(INPUTS))
    for (const [name, spec] of Object.entries(INPUTS)) {
      expect(action.inputs[name]!.default, name).toBe(spec.default)
      expect(action.inputs[name]!.description, name).toBe(spec.description)
    }
    expect(Object.keys(action.outputs)).toEqual(Object.keys(OUTPUTS))
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js' })
  })

  it('the README input table lists every input with its default', () => {
    const rows = tableRows('inputs')
    expect([...rows.keys()]).toEqual(Object.keys(INPUTS))
    for (const [name, spec] of Object.entries(INPUTS)) {
      const shown = rows.get(name)![0]!.replace(/^`|`$/g, '')
      expect(shown, name).toBe(spec.default === '' ? '' : spec.default)
    }
  })

  it('the README output table lists every output', () => {
    expect([...tableRows('outputs').keys()]).toEqual(Object.keys(OUTPUTS))
  })

  it('the documented defaults parse into valid settings', () => {
    const s = parseSettings(() => '')
    expect(s.raw.mode).toBe('gate')
    expect(s.kinds).toEqual(['cpu', 'alloc', 'mutex'])
    expect([...s.failOn].sort()).toEqual(['missing', 'new-hotspot', 'regression'])
  })

  it('rejects bad input naming it and what was expected, and never echoes a secret', () => {
    expect(() => parseSettings((n) => (n === 'kinds' ? 'cpu,heap' : ''))).toThrow(/input "kinds".*"heap" is not one of the accepted values/)
    expect(() => parseSettings((n) => (n === 'load-duration' ? '-5' : ''))).toThrow(/input "load-duration"/)
    expect(() => parseSettings((n) => (n === 'webhook-url' ? 'not a url s3cr3t' : ''))).toThrow(/input "webhook-url" = "\*\*\*"/)
    expect(() => parseSettings((n) => (n === 'webhook-url' ? 'not a url s3cr3t' : ''))).not.toThrow(/s3cr3t/)
    expect(() => parseSettings((n) => (n === 'load' ? 'none' : ''))).toThrow(/window-from/)
    expect(() => parseSettings((n) => (n === 'fail-on' ? 'regression,sometimes' : ''))).toThrow(/"sometimes" is not regression/)
  })
})
