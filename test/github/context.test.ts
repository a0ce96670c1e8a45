import { describe, expect, it } from 'vitest'
import { ContextError, resolveContext } from '../../src/github/context.js'

const HEAD = 'a'.repeat(40)
const MERGE = 'f'.repeat(40)
const env = {
  GITHUB_REPOSITORY: 'octo/hello',
  GITHUB_SHA: MERGE,
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_RUN_ID: '123'
}
const repo = (full_name: string) => ({ full_name })

describe('resolveContext', () => {
  it('pull_request: PR head SHA (not the merge commit), same-repo', () => {
    const payload = { pull_request: { number: 7, head: { sha: HEAD, repo: repo('octo/hello') }, base: { repo: repo('octo/hello') } }, repository: { full_name: 'octo/hello', default_branch: 'main' } }
    expect(resolveContext('pull_request', payload, env)).toEqual({
      eventName: 'pull_request',
      owner: 'octo',
      repo: 'hello',
      prNumber: 7,
      prNumberSource: 'event',
      headSha: HEAD,
      isFork: false,
      runUrl: 'https://github.example.com/octo/hello/actions/runs/123',
      defaultBranch: 'main'
    })
  })

  it('pull_request from a fork, and from a deleted fork (head.repo null)', () => {
    const fork = { pull_request: { number: 8, head: { sha: HEAD, repo: repo('mallory/hello') }, base: { repo: repo('octo/hello') } } }
    expect(resolveContext('pull_request', fork, env).isFork).toBe(true)
    const gone = { pull_request: { number: 8, head: { sha: HEAD, repo: null }, base: { repo: repo('octo/hello') } } }
    expect(resolveContext('pull_request_target', gone, env).isFork).toBe(true)
  })

  it('pull_request with a broken payload names the field', () => {
    expect(() => resolveContext('pull_request', { pull_request: { number: 1, head: {} } }, env)).toThrow(/pull_request\.head\.sha/)
  })

  const run = (over: Record<string, unknown> = {}) => ({
    workflow_run: {
      id: 99,
      event: 'pull_request',
      head_sha: HEAD,
      conclusion: 'failure',
      html_url: 'https://github.example.com/octo/hello/actions/runs/99',
      pull_requests: [{ number: 5, head: { sha: HEAD } }],
      head_repository: repo('octo/hello'),
      repository: repo('octo/hello'),
      ...over
    }
  })

  it('workflow_run: PR number from pull_requests[0], head SHA from the run', () => {
    const c = resolveContext('workflow_run', run(), env, { prNumber: '666' })
    expect(c).toMatchObject({ prNumber: 5, prNumberSource: 'event', headSha: HEAD, isFork: false })
    expect(c.workflowRun).toEqual({ id: 99, event: 'pull_request', conclusion: 'failure', htmlUrl: 'https://github.example.com/octo/hello/actions/runs/99' })
  })

  it('workflow_run from a fork: empty pull_requests → the pr-number input, flagged for verification', () => {
    const c = resolveContext('workflow_run', run({ pull_requests: [], head_repository: repo('mallory/hello') }), env, { prNumber: '12' })
    expect(c).toMatchObject({ prNumber: 12, prNumberSource: 'input', isFork: true, headSha: HEAD })
  })

  it('workflow_run without any PR number', () => {
    const c = resolveContext('workflow_run', run({ pull_requests: [] }), env)
    expect(c.prNumber).toBeUndefined()
    expect(c.prNumberSource).toBe('none')
  })

  it('rejects a tampered pr-number', () => {
    for (const bad of ['12abc', '1e3', '-1', '0', '12; rm -rf /']) {
      expect(() => resolveContext('workflow_run', run({ pull_requests: [] }), env, { prNumber: bad })).toThrow(ContextError)
    }
  })

  it('push: payload.after; a branch deletion (all zeros) falls back to GITHUB_SHA', () => {
    expect(resolveContext('push', { after: HEAD }, env)).toMatchObject({ headSha: HEAD, isFork: false, prNumberSource: 'none' })
    expect(resolveContext('push', { after: '0'.repeat(40) }, env).headSha).toBe(MERGE)
  })

  it('schedule and workflow_dispatch use GITHUB_SHA; head-sha input wins when valid', () => {
    expect(resolveContext('schedule', {}, env)).toMatchObject({ headSha: MERGE, prNumberSource: 'none', isFork: false })
    expect(resolveContext('workflow_dispatch', {}, env, { headSha: HEAD }).headSha).toBe(HEAD)
    expect(resolveContext('workflow_dispatch', {}, env, { headSha: 'not-a-sha' }).headSha).toBe(MERGE)
  })

  it('needs a repository', () => {
    expect(() => resolveContext('push', {}, {})).toThrow(/GITHUB_REPOSITORY/)
    expect(resolveContext('push', { repository: { full_name: 'a/b' } }, { GITHUB_SHA: HEAD })).toMatchObject({ owner: 'a', repo: 'b' })
  })
})
