import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { verifyPrHead } from '../../src/github/pull-request.js'
import { clampDescription, setCommitStatus } from '../../src/github/status.js'
import { API, ghError, server, SHA, testOctokit, useMswServer } from './helpers.js'

useMswServer()

const sha = SHA('a')
const STATUS = `${API}/repos/octo/hello/statuses/${sha}`

describe('setCommitStatus', () => {
  it('posts state, context, target URL and a description cut to 140 characters', async () => {
    let sent: Record<string, unknown> | undefined
    server.use(
      http.post(STATUS, async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>
        return HttpResponse.json({ url: `${API}/repos/octo/hello/statuses/${sha}`, state: 'failure' }, { status: 201 })
      })
    )
    const r = await setCommitStatus(testOctokit().octokit, {
      owner: 'octo',
      repo: 'hello',
      sha,
      state: 'failure',
      description: `2 regressions: ${'x'.repeat(300)}`,
      context: 'profile-gate',
      targetUrl: 'https://github.test/run/1'
    })
    expect(r.action).toBe('set')
    expect(sent).toMatchObject({ state: 'failure', context: 'profile-gate', target_url: 'https://github.test/run/1' })
    expect(String(sent?.['description'])).toHaveLength(140)
    expect(String(sent?.['description']).endsWith('…')).toBe(true)
  })

  it('clampDescription keeps short text and folds whitespace', () => {
    expect(clampDescription(' a\n b ')).toBe('a b')
  })

  it('degrades on 403 with a reason naming the permission', async () => {
    server.use(http.post(STATUS, () => HttpResponse.json(ghError('Resource not accessible by integration'), { status: 403 })))
    const r = await setCommitStatus(testOctokit().octokit, { owner: 'octo', repo: 'hello', sha, state: 'success', description: 'ok', context: 'profile-gate' })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/statuses: write/)
  })

  it('retries a 500 then sets the status', async () => {
    let calls = 0
    server.use(http.post(STATUS, () => (++calls === 1 ? HttpResponse.json(ghError('oops'), { status: 500 }) : HttpResponse.json({ url: 'u' }, { status: 201 }))))
    const { octokit, sleeps } = testOctokit()
    const r = await setCommitStatus(octokit, { owner: 'octo', repo: 'hello', sha, state: 'success', description: 'ok', context: 'profile-gate' })
    expect(r.action).toBe('set')
    expect(sleeps).toEqual([10])
  })

  it('422 (e.g. unknown sha) → skipped, not thrown', async () => {
    server.use(http.post(STATUS, () => HttpResponse.json(ghError('No commit found for SHA'), { status: 422 })))
    const r = await setCommitStatus(testOctokit().octokit, { owner: 'octo', repo: 'hello', sha, state: 'success', description: 'ok', context: 'profile-gate' })
    expect(r).toMatchObject({ action: 'skipped' })
    expect(r.reason).toMatch(/422.*No commit found/)
  })
})

describe('verifyPrHead', () => {
  const PR = `${API}/repos/octo/hello/pulls/12`
  const pr = (headSha: string) => ({ number: 12, state: 'open', html_url: 'https://github.test/pr/12', head: { sha: headSha } })

  it('accepts a PR whose head is the measured commit', async () => {
    server.use(http.get(PR, () => HttpResponse.json(pr(sha))))
    expect(await verifyPrHead(testOctokit().octokit, { owner: 'octo', repo: 'hello', prNumber: 12, headSha: sha.toUpperCase() })).toEqual({
      ok: true,
      number: 12,
      headSha: sha,
      state: 'open',
      url: 'https://github.test/pr/12'
    })
  })

  it('rejects a PR number whose head differs (tampered artifact or a newer push)', async () => {
    server.use(http.get(PR, () => HttpResponse.json(pr(SHA('b')))))
    const r = await verifyPrHead(testOctokit().octokit, { owner: 'octo', repo: 'hello', prNumber: 12, headSha: sha })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toMatch(/not the measured commit/)
  })

  it('reports a missing PR without throwing', async () => {
    server.use(http.get(PR, () => HttpResponse.json(ghError('Not Found'), { status: 404 })))
    const r = await verifyPrHead(testOctokit().octokit, { owner: 'octo', repo: 'hello', prNumber: 12, headSha: sha })
    expect(r).toEqual({ ok: false, reason: 'cannot read PR #12 (404): Not Found' })
  })
})

describe('msw setup', () => {
  it('fails unhandled requests instead of letting them reach the network', async () => {
    await expect(globalThis.fetch(`${API}/unhandled`)).rejects.toThrow()
  })
})
