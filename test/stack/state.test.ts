import { describe, expect, it } from 'vitest'
import { decodeStackState, encodeStackState, loadStackState, saveStackState, STACK_STATE_KEY } from '../../src/stack/state.js'

describe('stack state', () => {
  it('round-trips through saveState/getState', () => {
    const store = new Map<string, string>()
    const state = { file: 'stack/docker compose.yml', projectName: 'pg-1', keep: true }
    saveStackState(state, (k, v) => store.set(k, v))
    expect([...store.keys()]).toEqual([STACK_STATE_KEY])
    expect(loadStackState((k) => store.get(k) ?? '')).toEqual(state)
  })

  it('returns undefined when main saved nothing, and rejects garbage', () => {
    expect(loadStackState(() => '')).toBeUndefined()
    expect(() => decodeStackState('{oops')).toThrow(/not JSON/)
    expect(() => decodeStackState('{"file":"a","projectName":""}')).toThrow(/projectName.*keep|keep.*projectName/s)
    expect(() => encodeStackState({ file: '', projectName: 'p', keep: false })).toThrow()
  })
})
