import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { makeMarker, MAX_COMMENT_LENGTH, upsertStickyComment } from '../../src/github/comment.js'
import { API, ghError, server, testOctokit, useMswServer } from './helpers.js'

useMswServer()

const owner = 'octo'
const repo = 'hello'
const issueNumber = 7
const marker = makeMarker('gate')
const COMMENTS = `${API}/repos/${owner}/${repo}/issues/${issueNumber}/comments`

interface C {
  id: number
  body: string
  html_url: string
  user: { login: string; type: string }
}
const bot = (id: number, body: string): C => ({ id, body, html_url: `https://github.test/c/${id}`, user: { login: 'github-actions[bot]', type: 'Bot' } })
const human = (id: number, body: string, login = 'mallory'): C => ({ id, body, html_url: `https://github.test/c/${id}`, user: { login, type: 'User' } })
const filler = (from: number, n: number): C[] => Array.from({ length: n }, (_, i) => human(from + i, `comment ${from + i}`, 'alice'))

/** serve `pages` with GitHub's Link header; records the query of every page request */
function listComments(pages: C[][], seen: URLSearchParams[] = []) {
  return http.get(COMMENTS, ({ request }) => {
    const url = new URL(request.url)
    seen.push(url.searchParams)
    const page = Number(url.searchParams.get('page') ?? '1')
    const links: string[] = []
    if (page < pages.length) links.push(`<${COMMENTS}?per_page=100&page=${page + 1}>; rel="next"`, `<${COMMENTS}?per_page=100&page=${pages.length}>; rel="last"`)
    return HttpResponse.json(pages[page - 1] ?? [], { headers: links.length ? { link: links.join(', ') } : {} })
  })
}

const userForbidden = http.get(`${API}/user`, () => HttpResponse.json(ghError('Resource not accessible by integration'), { status: 403 }))

describe('upsertStickyComment', () => {
  it('pages through all comments, finds the marker on page 3 and updates in place', async () => {
    const seen: URLSearchParams[] = []
    const patched: { id: string; body: string }[] = []
    server.use(
      userForbidden,
      listComments([filler(1, 100), filler(101, 100), [...filler(201, 5), bot(999, `old report\n${marker}`)]], seen),
      http.patch(`${API}/repos/${owner}/${repo}/issues/comments/:id`, async ({ request, params }) => {
        const { body } = (await request.json()) as { body: string }
        patched.push({ id: String(params['id']), body })
        return HttpResponse.json({ id: 999, html_url: 'https://github.test/c/999', body })
      }),
      http.post(COMMENTS, () => HttpResponse.json(ghError('must not create'), { status: 500 }))
    )
    const { octokit } = testOctokit()
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: `new report\n${marker}` })
    expect(r).toEqual({ action: 'updated', url: 'https://github.test/c/999', commentId: 999 })
    expect(seen.map((q) => q.get('page') ?? '1')).toEqual(['1', '2', '3'])
    expect(seen.every((q) => q.get('per_page') === '100')).toBe(true)
    expect(patched).toEqual([{ id: '999', body: `new report\n${marker}` }])
  })

  it('creates a comment when none carries the marker, appending the marker to the body', async () => {
    let created: string | undefined
    server.use(
      userForbidden,
      listComments([filler(1, 3)]),
      http.post(COMMENTS, async ({ request }) => {
        created = ((await request.json()) as { body: string }).body
        return HttpResponse.json({ id: 5, html_url: 'https://github.test/c/5', body: created }, { status: 201 })
      })
    )
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body: 'report' })
    expect(r).toMatchObject({ action: 'created', url: 'https://github.test/c/5' })
    expect(created).toBe(`report\n\n${marker}`)
  })

  it('leaves an identical comment alone', async () => {
    const body = `same\n${marker}`
    server.use(userForbidden, listComments([[bot(3, body)]]))
    // no PATCH/POST handler: onUnhandledRequest 'error' would fail the call
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body })
    expect(r).toEqual({ action: 'unchanged', url: 'https://github.test/c/3', commentId: 3 })
  })

  it('without GET /user, never adopts a human comment that carries the marker', async () => {
    let patchedId: string | undefined
    server.use(
      userForbidden,
      listComments([[human(1, `hijack ${marker}`)], [bot(2, `mine ${marker}`)]]),
      http.patch(`${API}/repos/${owner}/${repo}/issues/comments/:id`, ({ params }) => {
        patchedId = String(params['id'])
        return HttpResponse.json({ id: 2, html_url: 'https://github.test/c/2' })
      })
    )
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body: `new ${marker}` })
    expect(r.action).toBe('updated')
    expect(patchedId).toBe('2')
  })

  it('with a user token, matches the login from GET /user', async () => {
    let patchedId: string | undefined
    server.use(
      http.get(`${API}/user`, () => HttpResponse.json({ login: 'perf-bot-user', type: 'User' })),
      listComments([[bot(1, `other bot ${marker}`), human(2, `ours ${marker}`, 'perf-bot-user')]]),
      http.patch(`${API}/repos/${owner}/${repo}/issues/comments/:id`, ({ params }) => {
        patchedId = String(params['id'])
        return HttpResponse.json({ id: 2, html_url: 'https://github.test/c/2' })
      })
    )
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body: `new ${marker}` })
    expect(r.action).toBe('updated')
    expect(patchedId).toBe('2')
  })

  it('fork PR: 403 "Resource not accessible by integration" → skipped with a reason, no throw', async () => {
    server.use(
      userForbidden,
      listComments([[]]),
      http.post(COMMENTS, () => HttpResponse.json(ghError('Resource not accessible by integration'), { status: 403 }))
    )
    const { octokit, sleeps } = testOctokit()
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/read-only/)
    expect(r.reason).toMatch(/fork/)
    expect(sleeps).toEqual([]) // a permission error is not retried
  })

  it('404 → skipped', async () => {
    server.use(userForbidden, http.get(COMMENTS, () => HttpResponse.json(ghError('Not Found'), { status: 404 })))
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/404/)
  })

  it('422 (body too long) from GitHub → skipped with its message', async () => {
    server.use(
      userForbidden,
      listComments([[]]),
      http.post(COMMENTS, () => HttpResponse.json(ghError('Body is too long (maximum is 65536 characters)'), { status: 422 }))
    )
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/422.*Body is too long/)
  })

  it('an over-long body is skipped before any request', async () => {
    const r = await upsertStickyComment(testOctokit().octokit, { owner, repo, issueNumber, marker, body: 'x'.repeat(MAX_COMMENT_LENGTH) })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/65536/)
  })

  it('retries 5xx with backoff, then succeeds', async () => {
    let calls = 0
    server.use(
      userForbidden,
      http.get(COMMENTS, () => (++calls <= 2 ? HttpResponse.json(ghError('Bad Gateway'), { status: 502 }) : HttpResponse.json([]))),
      http.post(COMMENTS, () => HttpResponse.json({ id: 1, html_url: 'https://github.test/c/1' }, { status: 201 }))
    )
    const { octokit, sleeps } = testOctokit()
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('created')
    expect(calls).toBe(3)
    expect(sleeps).toEqual([10, 20])
  })

  it('gives up after the retry budget and skips', async () => {
    server.use(userForbidden, http.get(COMMENTS, () => HttpResponse.json(ghError('boom'), { status: 503 })))
    const { octokit, sleeps } = testOctokit({ retries: 2 })
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/503/)
    expect(sleeps).toHaveLength(2)
  })

  it('primary rate limit (403, x-ratelimit-remaining: 0) waits until the reset, then retries', async () => {
    let calls = 0
    const reset = Math.floor(Date.now() / 1000) + 5
    server.use(
      userForbidden,
      http.get(COMMENTS, () =>
        ++calls === 1
          ? HttpResponse.json(ghError('API rate limit exceeded'), { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } })
          : HttpResponse.json([])
      ),
      http.post(COMMENTS, () => HttpResponse.json({ id: 1, html_url: 'https://github.test/c/1' }, { status: 201 }))
    )
    const { octokit, sleeps } = testOctokit()
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('created')
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeGreaterThan(3000)
    expect(sleeps[0]).toBeLessThanOrEqual(7000)
  })

  it('secondary rate limit (403 + retry-after) and 429 honour retry-after', async () => {
    let calls = 0
    server.use(
      userForbidden,
      http.get(COMMENTS, () => HttpResponse.json([])),
      http.post(COMMENTS, () => {
        calls++
        if (calls === 1) return HttpResponse.json(ghError('You have exceeded a secondary rate limit'), { status: 403, headers: { 'retry-after': '2' } })
        if (calls === 2) return HttpResponse.json(ghError('Too Many Requests'), { status: 429, headers: { 'retry-after': '3' } })
        return HttpResponse.json({ id: 1, html_url: 'https://github.test/c/1' }, { status: 201 })
      })
    )
    const { octokit, sleeps } = testOctokit()
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('created')
    expect(sleeps).toEqual([2000, 3000])
  })

  it('does not wait for a rate limit that resets beyond the cap', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600
    server.use(
      userForbidden,
      http.get(COMMENTS, () =>
        HttpResponse.json(ghError('API rate limit exceeded'), { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } })
      )
    )
    const { octokit, sleeps } = testOctokit()
    const r = await upsertStickyComment(octokit, { owner, repo, issueNumber, marker, body: 'x' })
    expect(r.action).toBe('skipped')
    expect(r.reason).toMatch(/rate limit/)
    expect(sleeps).toEqual([])
  })
})
