// msw server for the GitHub REST API. The Octokit is built with fetch: globalThis.fetch, which msw
// patches (the default getOctokit fetch is undici's and escapes msw, toolchain §2.5).
// msw 3 renamed onUnhandledRequest to onUnhandledFrame; the old key is silently ignored.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { makeOctokit, type Octokit } from '../../src/github/octokit.js'

export const API = 'https://api.github.test'
export const server = setupServer()

export function useMswServer(): void {
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
}

export interface TestOctokit {
  octokit: Octokit
  /** the delays the retry asked for, instead of sleeping */
  sleeps: number[]
}

export function testOctokit(retry: { retries?: number; maxDelayMs?: number } = {}): TestOctokit {
  const sleeps: number[] = []
  const octokit = makeOctokit('ghs_test_token', {
    fetch: globalThis.fetch,
    baseUrl: API,
    retry: { baseDelayMs: 10, ...retry, sleep: async (ms) => void sleeps.push(ms) }
  })
  return { octokit, sleeps }
}

/** GitHub's error body shape */
export const ghError = (message: string) => ({ message, documentation_url: 'https://docs.github.com/rest' })

export const SHA = (c: string) => c.repeat(40).slice(0, 40)
