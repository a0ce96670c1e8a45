// Hands "which stack did main start" to the post step (runs.post), which runs in a fresh process.
// Pure encode/decode here; the @actions/core calls are thin, injectable wrappers.
import { formatZodIssues } from '../zod-issues.js'
import * as core from '@actions/core'
import { z } from 'zod'

export const STACK_STATE_KEY = 'profile-gate-stack'

export const StackStateSchema = z.object({
  file: z.string().min(1),
  projectName: z.string().min(1),
  /** keep the stack up after the run (debugging): the post step only reports it */
  keep: z.boolean()
})
export type StackState = z.infer<typeof StackStateSchema>

export function encodeStackState(state: StackState): string {
  return JSON.stringify(StackStateSchema.parse(state))
}

/** '' (nothing saved: main never started a stack) → undefined; garbage → an Error. */
export function decodeStackState(raw: string): StackState | undefined {
  if (raw.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error(`saved stack state ${STACK_STATE_KEY} is not JSON: ${raw.slice(0, 200)}`)
  }
  const parsed = StackStateSchema.safeParse(value)
  if (!parsed.success) {
    throw new Error(`saved stack state ${STACK_STATE_KEY} is invalid: ${formatZodIssues(parsed.error)}`)
  }
  return parsed.data
}

/** Save before `compose up` so the post step also tears down a stack that failed half-way. */
export function saveStackState(state: StackState, save: (key: string, value: string) => void = core.saveState): void {
  save(STACK_STATE_KEY, encodeStackState(state))
}

export function loadStackState(get: (key: string) => string = core.getState): StackState | undefined {
  return decodeStackState(get(STACK_STATE_KEY))
}
