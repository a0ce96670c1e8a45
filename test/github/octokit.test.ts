import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { errorMessage, makeOctokit, retryDelay } from '../../src/github/octokit.js'
import { ghError, server, useMswServer } from './helpers.js'

useMswServer()

const err = (status: number, headers: Record<string, string> = {}) => ({ status, message: 'x', response: { headers, data: ghError('server says') } })

describe('makeOctokit', () => {
  it('uses GITHUB_API_URL (GHES) and sends the token', async () => {
    vi.stubEnv('GITHUB_API_URL', 'https://ghe.test/api/v3')
    let auth: string | null = null
    server.use(
      http.get('https://ghe.test/api/v3/repos/octo/hello', ({ request }) => {
        auth = request.headers.get('authorization')
        return HttpResponse.json({ default_branch: 'trunk' })
      })
    )
    const octokit = makeOctokit('ghs_abc', { fetch: globalThis.fetch })
    expect((await octokit.rest.repos.get({ owner: 'octo', repo: 'hello' })).data.default_branch).toBe('trunk')
    expect(auth).toBe('token ghs_abc')
  })

  it('reports retries through onRetry without the token', async () => {
    let calls = 0
    const seen: string[] = []
    server.use(http.get('https://api.x.test/repos/o/r', () => (++calls === 1 ? new HttpResponse(null, { status: 504 }) : HttpResponse.json({ default_branch: 'main' }))))
    const octokit = makeOctokit('ghs_abc', {
      fetch: globalThis.fetch,
      baseUrl: 'https://api.x.test',
      retry: { sleep: async () => {}, onRetry: (i) => seen.push(JSON.stringify(i)) }
    })
    await octokit.rest.repos.get({ owner: 'o', repo: 'r' })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toContain('"status":504')
    expect(seen.join('')).not.toContain('ghs_abc')
  })
})

describe('retryDelay', () => {
  const opts = { baseDelayMs: 100 }
  it('backs off exponentially on 5xx, not on 501 or 4xx', () => {
    expect(retryDelay(err(502), 0, opts)).toBe(100)
    expect(retryDelay(err(500), 2, opts)).toBe(400)
    expect(retryDelay(err(501), 0, opts)).toBeUndefined()
    expect(retryDelay(err(404), 0, opts)).toBeUndefined()
    expect(retryDelay(err(422), 0, opts)).toBeUndefined()
    expect(retryDelay(new Error('x'), 0, opts)).toBeUndefined()
  })
  it('403 without rate-limit headers is permanent', () => {
    expect(retryDelay(err(403), 0, opts)).toBeUndefined()
  })
  it('retry-after in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-21T10:00:00Z')
    expect(retryDelay(err(403, { 'retry-after': '7' }), 0, opts, now)).toBe(7000)
    expect(retryDelay(err(429, { 'retry-after': 'Sat, 21 Nov 2026 10:00:05 GMT' }), 0, opts, now)).toBe(5000)
    expect(retryDelay(err(429), 1, opts, now)).toBe(200)
  })
  it('primary rate limit waits until x-ratelimit-reset (+1 s)', () => {
    const now = 1_000_000_000_000
    expect(retryDelay(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 10) }), 0, opts, now)).toBe(11_000)
  })
  it('errorMessage prefers the API body message', () => {
    expect(errorMessage(err(404))).toBe('server says')
    expect(errorMessage(new Error('plain'))).toBe('plain')
  })
})
