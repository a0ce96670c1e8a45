// Sticky PR comment: one comment per marker, found across every page of comments and edited in
// place. Never throws: the verdict must not depend on whether a comment could be written.
//
// Which comment is "ours" (the identity rule):
//  1. If `identity` is given, the comment author's login must equal it (case-insensitive).
//  2. Else we ask `GET /user`. A PAT or OAuth token answers with its login, and we match on that.
//  3. GITHUB_TOKEN and GitHub App installation tokens cannot call `GET /user` (403). Then a comment
//     is ours when its author has `type === 'Bot'`; `github-actions[bot]` is preferred when several
//     bots carry the marker. A human can paste the marker into a comment, but we never adopt a
//     human's comment in this mode (we could not edit it anyway).
//  In every case the body must contain the marker. The oldest match wins, so the sticky comment
//  keeps its place in the conversation.
import { errorMessage, isHttpError, type Octokit } from './octokit.js'

/** GitHub's limit for issue comment bodies (422 beyond it). */
export const MAX_COMMENT_LENGTH = 65_536

export interface UpsertCommentArgs {
  owner: string
  repo: string
  issueNumber: number
  /** a hidden HTML comment, e.g. makeMarker('gate'); appended to the body when missing */
  marker: string
  body: string
  /** login of the token's identity when the caller knows it (e.g. 'my-app[bot]') */
  identity?: string
}

export interface UpsertCommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  url?: string
  commentId?: number
  /** why it was skipped: meant for a core.notice */
  reason?: string
}

/** `<!-- profile-gate:<key> -->`; one key per gate/job so parallel gates don't share a comment. */
export function makeMarker(key = 'report'): string {
  const safe = key.replace(/[^A-Za-z0-9_.:/-]/g, '-')
  return `<!-- profile-gate:${safe} -->`
}

interface CommentLike {
  id: number
  body?: string | null
  html_url: string
  user?: { login: string; type?: string } | null
}

async function tokenLogin(octokit: Octokit): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch {
    // expected for GITHUB_TOKEN / installation tokens: fall back to the Bot rule
    return undefined
  }
}

function skipReason(e: unknown, doing: string): string {
  const msg = errorMessage(e)
  if (!isHttpError(e)) return `could not ${doing}: ${msg}`
  switch (e.status) {
    case 403:
      return /not accessible by integration/i.test(msg)
        ? `could not ${doing}: the token is read-only here (403 "${msg}"), as on pull requests from forks; use the two-workflow (workflow_run) setup to comment on fork PRs`
        : `could not ${doing}: permission denied (403: ${msg}); the job needs pull-requests: write`
    case 404:
      return `could not ${doing}: not found (404: ${msg}); the issue/PR does not exist or the token cannot see it`
    case 422:
      return `could not ${doing}: GitHub rejected the comment (422: ${msg})`
    default:
      return `could not ${doing}: HTTP ${e.status} (${msg})`
  }
}

export async function upsertStickyComment(octokit: Octokit, args: UpsertCommentArgs): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber, marker } = args
  if (!marker.trim()) return { action: 'skipped', reason: 'empty comment marker' }
  const body = args.body.includes(marker) ? args.body : `${args.body}\n\n${marker}`
  if (body.length > MAX_COMMENT_LENGTH) {
    // the renderer should have truncated; don't spend a request on a certain 422
    return { action: 'skipped', reason: `comment body is ${body.length} characters, over GitHub's ${MAX_COMMENT_LENGTH} limit` }
  }

  let existing: CommentLike | undefined
  try {
    const login = args.identity ?? (await tokenLogin(octokit))
    const bots: CommentLike[] = []
    // per_page 100 and follow the Link header until a match (or the last page)
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 })
    scan: for await (const page of pages) {
      for (const c of page.data as CommentLike[]) {
        if (!c.body?.includes(marker) || !c.user) continue
        if (login !== undefined) {
          if (c.user.login.toLowerCase() === login.toLowerCase()) {
            existing = c
            break scan
          }
        } else if (c.user.type === 'Bot') {
          if (c.user.login === 'github-actions[bot]') {
            existing = c
            break scan
          }
          bots.push(c)
        }
      }
    }
    existing ??= bots[0]
  } catch (e) {
    return { action: 'skipped', reason: skipReason(e, `list comments on #${issueNumber}`) }
  }

  try {
    if (existing) {
      if (existing.body === body) return { action: 'unchanged', url: existing.html_url, commentId: existing.id }
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body })
      return { action: 'updated', url: data.html_url, commentId: data.id }
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
    return { action: 'created', url: data.html_url, commentId: data.id }
  } catch (e) {
    return { action: 'skipped', reason: skipReason(e, existing ? `update comment ${existing.id}` : `comment on #${issueNumber}`) }
  }
}
