import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { BaselinePrError, openBaselinePr, type OpenBaselinePrArgs } from '../../src/github/baseline-pr.js'
import { API, ghError, server, SHA, testOctokit, useMswServer } from './helpers.js'

useMswServer()

const R = `${API}/repos/octo/hello`
const BASE_SHA = SHA('b')
const BASE_TREE = SHA('c')
const NEW_TREE = SHA('d')
const NEW_COMMIT = SHA('e')
const BRANCH = 'profile-gate/baseline-refresh'

interface Fake {
  log: string[]
  blobs: { content: string; encoding: string }[]
  tree?: { base_tree: string; tree: { path: string; mode: string; type: string; sha: string }[] }
  commit?: { message: string; tree: string; parents: string[] }
  refUpdate?: { sha: string; force: boolean }
  refCreate?: { ref: string; sha: string }
  prUpdate?: { title: string; body: string }
  prCreate?: { head: string; base: string; title: string; body: string }
  pullsQuery?: URLSearchParams
}

/** a small in-memory git data API */
function fakeGit(opts: { branchExists: boolean; openPr?: number; treeSha?: string; failCreatePr?: { status: number; message: string } }): Fake {
  const f: Fake = { log: [], blobs: [] }
  server.use(
    http.get(R, () => (f.log.push('repo'), HttpResponse.json({ default_branch: 'main' }))),
    http.get(`${R}/git/ref/heads/main`, () => (f.log.push('ref main'), HttpResponse.json({ ref: 'refs/heads/main', object: { sha: BASE_SHA, type: 'commit' } }))),
    http.get(`${R}/git/ref/heads/profile-gate/baseline-refresh`, () => {
      f.log.push('ref branch')
      return opts.branchExists ? HttpResponse.json({ ref: `refs/heads/${BRANCH}`, object: { sha: SHA('9') } }) : HttpResponse.json(ghError('Not Found'), { status: 404 })
    }),
    http.get(`${R}/git/commits/${BASE_SHA}`, () => (f.log.push('commit base'), HttpResponse.json({ sha: BASE_SHA, tree: { sha: BASE_TREE } }))),
    http.post(`${R}/git/blobs`, async ({ request }) => {
      f.log.push('blob')
      f.blobs.push((await request.json()) as Fake['blobs'][number])
      return HttpResponse.json({ sha: SHA(String(f.blobs.length)) }, { status: 201 })
    }),
    http.post(`${R}/git/trees`, async ({ request }) => {
      f.log.push('tree')
      f.tree = (await request.json()) as Fake['tree']
      return HttpResponse.json({ sha: opts.treeSha ?? NEW_TREE }, { status: 201 })
    }),
    http.post(`${R}/git/commits`, async ({ request }) => {
      f.log.push('commit')
      f.commit = (await request.json()) as Fake['commit']
      return HttpResponse.json({ sha: NEW_COMMIT }, { status: 201 })
    }),
    http.patch(`${R}/git/refs/heads/profile-gate/baseline-refresh`, async ({ request }) => {
      f.log.push('update ref')
      f.refUpdate = (await request.json()) as Fake['refUpdate']
      return HttpResponse.json({ ref: `refs/heads/${BRANCH}` })
    }),
    http.post(`${R}/git/refs`, async ({ request }) => {
      f.log.push('create ref')
      f.refCreate = (await request.json()) as Fake['refCreate']
      return HttpResponse.json({ ref: `refs/heads/${BRANCH}` }, { status: 201 })
    }),
    http.get(`${R}/pulls`, ({ request }) => {
      f.log.push('list pulls')
      f.pullsQuery = new URL(request.url).searchParams
      return HttpResponse.json(opts.openPr ? [{ number: opts.openPr, html_url: `https://github.test/pr/${opts.openPr}` }] : [])
    }),
    http.patch(`${R}/pulls/:n`, async ({ request, params }) => {
      f.log.push(`update pr ${String(params['n'])}`)
      f.prUpdate = (await request.json()) as Fake['prUpdate']
      return HttpResponse.json({ number: Number(params['n']), html_url: `https://github.test/pr/${String(params['n'])}` })
    }),
    http.post(`${R}/pulls`, async ({ request }) => {
      f.log.push('create pr')
      if (opts.failCreatePr) return HttpResponse.json(ghError(opts.failCreatePr.message), { status: opts.failCreatePr.status })
      f.prCreate = (await request.json()) as Fake['prCreate']
      return HttpResponse.json({ number: 41, html_url: 'https://github.test/pr/41' }, { status: 201 })
    })
  )
  return f
}

const binary = new Uint8Array([0, 1, 2, 250, 255])
const args = (over: Partial<OpenBaselinePrArgs> = {}): OpenBaselinePrArgs => ({
  owner: 'octo',
  repo: 'hello',
  branch: BRANCH,
  files: [
    { path: 'baseline/profiles.json', content: '{"schemaVersion":1}\n' },
    { path: 'baseline/cpu.pb.gz', content: binary }
  ],
  title: 'Refresh profile baseline',
  body: 'old → new',
  commitMessage: 'chore: refresh profile baseline',
  ...over
})

describe('openBaselinePr', () => {
  it('first run: blobs → tree on the base tree → commit → new ref → new PR', async () => {
    const f = fakeGit({ branchExists: false })
    const r = await openBaselinePr(testOctokit().octokit, args())
    expect(r).toEqual({ action: 'created', number: 41, url: 'https://github.test/pr/41', branch: BRANCH, commitSha: NEW_COMMIT })
    expect(f.log).toEqual(['repo', 'ref main', 'commit base', 'blob', 'blob', 'tree', 'commit', 'ref branch', 'create ref', 'list pulls', 'create pr'])
    // sorted by path: the binary file first, sent as base64 and decoding to the same bytes
    expect(f.blobs[0]?.encoding).toBe('base64')
    expect([...Buffer.from(f.blobs[0]?.content ?? '', 'base64')]).toEqual([...binary])
    expect(f.blobs[1]).toEqual({ content: '{"schemaVersion":1}\n', encoding: 'utf-8' })
    expect(f.tree).toEqual({
      base_tree: BASE_TREE,
      tree: [
        { path: 'baseline/cpu.pb.gz', mode: '100644', type: 'blob', sha: SHA('1') },
        { path: 'baseline/profiles.json', mode: '100644', type: 'blob', sha: SHA('2') }
      ]
    })
    expect(f.commit).toEqual({ message: 'chore: refresh profile baseline', tree: NEW_TREE, parents: [BASE_SHA] })
    expect(f.refCreate).toEqual({ ref: `refs/heads/${BRANCH}`, sha: NEW_COMMIT })
    expect(f.pullsQuery?.get('head')).toBe(`octo:${BRANCH}`)
    expect(f.pullsQuery?.get('state')).toBe('open')
    expect(f.prCreate).toEqual({ head: BRANCH, base: 'main', title: 'Refresh profile baseline', body: 'old → new' })
  })

  it('later runs: force-updates the branch and updates the open PR', async () => {
    const f = fakeGit({ branchExists: true, openPr: 17 })
    const r = await openBaselinePr(testOctokit().octokit, args({ base: 'main', title: 'T2', body: 'B2' }))
    expect(r).toEqual({ action: 'updated', number: 17, url: 'https://github.test/pr/17', branch: BRANCH, commitSha: NEW_COMMIT })
    expect(f.log).not.toContain('repo') // base given: no default-branch lookup
    expect(f.refUpdate).toEqual({ sha: NEW_COMMIT, force: true })
    expect(f.log).not.toContain('create ref')
    expect(f.prUpdate).toEqual({ title: 'T2', body: 'B2' })
    expect(f.log).not.toContain('create pr')
  })

  it('branch exists but its PR was closed: opens a new PR', async () => {
    const f = fakeGit({ branchExists: true })
    const r = await openBaselinePr(testOctokit().octokit, args())
    expect(r.action).toBe('created')
    expect(f.log).toContain('update ref')
  })

  it('nothing changed: no commit, no ref, no PR', async () => {
    const f = fakeGit({ branchExists: true, openPr: 17, treeSha: BASE_TREE })
    expect(await openBaselinePr(testOctokit().octokit, args())).toEqual({ action: 'no-change', branch: BRANCH })
    expect(f.log.at(-1)).toBe('tree')
  })

  it('403 on pulls.create explains the "Allow GitHub Actions to create and approve pull requests" setting', async () => {
    fakeGit({ branchExists: false, failCreatePr: { status: 403, message: 'GitHub Actions is not permitted to create or approve pull requests.' } })
    const err = await openBaselinePr(testOctokit().octokit, args()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BaselinePrError)
    expect((err as BaselinePrError).status).toBe(403)
    expect((err as BaselinePrError).step).toBe('create pull request')
    expect((err as Error).message).toMatch(/Allow GitHub Actions to create and approve pull requests/)
    expect((err as Error).message).toMatch(/pull-requests: write/)
    expect((err as Error).message).not.toMatch(/ghs_test_token/)
  })

  it('422 is reported with the step and GitHub\'s message', async () => {
    fakeGit({ branchExists: false, failCreatePr: { status: 422, message: 'Validation Failed' } })
    const err = (await openBaselinePr(testOctokit().octokit, args()).catch((e: unknown) => e)) as BaselinePrError
    expect(err.status).toBe(422)
    expect(err.message).toMatch(/create pull request failed \(422: Validation Failed\)/)
  })

  it('refuses to force-push the base branch, before any write', async () => {
    const f = fakeGit({ branchExists: true })
    const err = (await openBaselinePr(testOctokit().octokit, args({ branch: 'main' })).catch((e: unknown) => e)) as BaselinePrError
    expect(err).toBeInstanceOf(BaselinePrError)
    expect(err.message).toMatch(/is the base branch/)
    expect(f.log).toEqual(['repo'])
  })

  it('rejects path traversal in file paths', async () => {
    fakeGit({ branchExists: true })
    await expect(openBaselinePr(testOctokit().octokit, args({ base: 'main', files: [{ path: '../x', content: 'y' }] }))).rejects.toThrow(/invalid file path/)
  })
})
