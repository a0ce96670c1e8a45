// Commit status on the measured commit. Degrades like the comment: a status is a convenience, the
// job's own result is the gate.
import { errorMessage, isHttpError, type Octokit } from './octokit.js'

export type CommitState = 'error' | 'failure' | 'pending' | 'success'

export interface CommitStatusArgs {
  owner: string
  repo: string
  sha: string
  state: CommitState
  /** shown next to the check; cut to GitHub's 140 characters */
  description: string
  /** the status name, e.g. 'profile-gate' */
  context: string
  targetUrl?: string
}

export interface CommitStatusResult {
  action: 'set' | 'skipped'
  url?: string
  reason?: string
}

export const MAX_STATUS_DESCRIPTION = 140

export function clampDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= MAX_STATUS_DESCRIPTION ? oneLine : `${oneLine.slice(0, MAX_STATUS_DESCRIPTION - 1)}…`
}

export async function setCommitStatus(octokit: Octokit, args: CommitStatusArgs): Promise<CommitStatusResult> {
  try {
    const { data } = await octokit.rest.repos.createCommitStatus({
      owner: args.owner,
      repo: args.repo,
      sha: args.sha,
      state: args.state,
      description: clampDescription(args.description),
      context: args.context,
      ...(args.targetUrl ? { target_url: args.targetUrl } : {})
    })
    return { action: 'set', url: data.url }
  } catch (e) {
    const msg = errorMessage(e)
    if (isHttpError(e) && e.status === 403) {
      return { action: 'skipped', reason: `could not set commit status: permission denied (403: ${msg}); the job needs statuses: write and a non-fork token` }
    }
    const status = isHttpError(e) ? `HTTP ${e.status}: ` : ''
    return { action: 'skipped', reason: `could not set commit status (${status}${msg})` }
  }
}
