// The comment stage of the fork-safe two-workflow pattern receives the PR number from data the PR's
// author controls (the gate's artifact). Before writing anything we ask the API whether that PR's
// head really is the commit the gate measured.
import { errorMessage, isHttpError, type Octokit } from './octokit.js'

export type VerifyPrResult =
  | { ok: true; number: number; headSha: string; state: string; url: string }
  | { ok: false; reason: string }

export async function verifyPrHead(
  octokit: Octokit,
  args: { owner: string; repo: string; prNumber: number; headSha: string }
): Promise<VerifyPrResult> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: args.owner, repo: args.repo, pull_number: args.prNumber })
    if (data.head.sha.toLowerCase() !== args.headSha.toLowerCase()) {
      // also the normal outcome when the author pushed again after the gate ran: that newer push
      // gets its own gate run and comment
      return {
        ok: false,
        reason: `PR #${args.prNumber} head is ${data.head.sha.slice(0, 12)}, not the measured commit ${args.headSha.slice(0, 12)}; not commenting`
      }
    }
    return { ok: true, number: data.number, headSha: data.head.sha, state: data.state, url: data.html_url }
  } catch (e) {
    const status = isHttpError(e) ? ` (${e.status})` : ''
    return { ok: false, reason: `cannot read PR #${args.prNumber}${status}: ${errorMessage(e)}` }
  }
}
