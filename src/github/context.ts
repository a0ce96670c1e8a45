// Pure: which repository, commit and pull request a run is about, from the event name, its payload
// and the runner env. No I/O, so every event shape is a literal in the tests.
import { z } from 'zod'

export interface RunContext {
  eventName: string
  owner: string
  repo: string
  /** the PR this run reports on, when there is one */
  prNumber?: number
  /**
   * where prNumber came from. 'input' (pr-number input or the artifact's pr.json) is untrusted and
   * must be verified with verifyPrHead() before anything is written to that PR.
   */
  prNumberSource: 'event' | 'input' | 'none'
  /** the commit the profiles belong to: the PR head, not the merge commit GITHUB_SHA points at */
  headSha: string
  /** head repository differs from the base: the token is read-only and secrets are absent */
  isFork: boolean
  /** this run's page */
  runUrl?: string
  /** workflow_run only: the triggering (gate) run */
  workflowRun?: { id: number; event: string; conclusion?: string; htmlUrl?: string }
  defaultBranch?: string
}

export interface ContextInputs {
  /** `pr-number` input, or the number read from the gate's artifact */
  prNumber?: string | number
  /** `head-sha` input; only a fallback, the event's own SHA wins */
  headSha?: string
}

const Repo = z.object({ full_name: z.string().optional(), default_branch: z.string().optional() }).loose()
const Sha = z.string().regex(/^[0-9a-f]{40}$/i)

const PullRequestPayload = z
  .object({
    pull_request: z
      .object({
        number: z.number().int().positive(),
        head: z.object({ sha: Sha, repo: Repo.nullable().optional() }).loose(),
        base: z.object({ repo: Repo.nullable().optional() }).loose()
      })
      .loose(),
    repository: Repo.optional()
  })
  .loose()

const WorkflowRunPayload = z
  .object({
    workflow_run: z
      .object({
        id: z.number().int(),
        event: z.string(),
        head_sha: Sha,
        conclusion: z.string().nullable().optional(),
        html_url: z.string().optional(),
        pull_requests: z
          .array(z.object({ number: z.number().int().positive(), head: z.object({ sha: z.string() }).loose().optional() }).loose())
          .optional(),
        head_repository: Repo.nullable().optional(),
        repository: Repo.nullable().optional()
      })
      .loose(),
    repository: Repo.optional()
  })
  .loose()

const PushPayload = z.object({ after: z.string().optional(), repository: Repo.optional() }).loose()

export class ContextError extends Error {
  override name = 'ContextError'
}

function parsePrNumber(raw: string | number | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const s = String(raw).trim()
  // strict: "12abc" or "1e3" from a tampered artifact must not become a PR number
  if (!/^[1-9][0-9]{0,9}$/.test(s)) throw new ContextError(`pr-number must be a positive integer, got ${JSON.stringify(s.slice(0, 40))}`)
  return Number(s)
}

function splitRepo(full: string | undefined): { owner: string; repo: string } | undefined {
  const m = full?.match(/^([^/\s]+)\/([^/\s]+)$/)
  return m?.[1] && m[2] ? { owner: m[1], repo: m[2] } : undefined
}

function payloadError(eventName: string, error: z.ZodError): ContextError {
  const first = error.issues[0]
  const where = first ? first.path.join('.') || '(root)' : '(root)'
  return new ContextError(`${eventName} event payload is missing or invalid at ${where}: ${first?.message ?? 'invalid'}`)
}

export function resolveContext(
  eventName: string,
  payload: unknown,
  env: Record<string, string | undefined>,
  inputs: ContextInputs = {}
): RunContext {
  const p = (payload ?? {}) as { repository?: { full_name?: unknown; default_branch?: unknown } }
  const fullName = env['GITHUB_REPOSITORY'] || (typeof p.repository?.full_name === 'string' ? p.repository.full_name : undefined)
  const ids = splitRepo(fullName)
  if (!ids) throw new ContextError('cannot tell the repository: GITHUB_REPOSITORY is unset and the event has no repository.full_name')
  const defaultBranch = typeof p.repository?.default_branch === 'string' ? p.repository.default_branch : undefined
  const server = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '')
  const runId = env['GITHUB_RUN_ID']
  const runUrl = runId ? `${server}/${ids.owner}/${ids.repo}/actions/runs/${runId}` : undefined
  const inputSha = inputs.headSha && Sha.safeParse(inputs.headSha).success ? inputs.headSha : undefined
  const base = { eventName, ...ids, ...(runUrl ? { runUrl } : {}), ...(defaultBranch ? { defaultBranch } : {}) }

  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      const r = PullRequestPayload.safeParse(payload)
      if (!r.success) throw payloadError(eventName, r.error)
      const pr = r.data.pull_request
      const headRepo = pr.head.repo?.full_name
      const baseRepo = pr.base.repo?.full_name ?? fullName
      return {
        ...base,
        prNumber: pr.number,
        prNumberSource: 'event',
        headSha: pr.head.sha,
        // a deleted fork has head.repo null: still a fork as far as the token is concerned
        isFork: !headRepo || headRepo.toLowerCase() !== String(baseRepo).toLowerCase()
      }
    }
    case 'workflow_run': {
      const r = WorkflowRunPayload.safeParse(payload)
      if (!r.success) throw payloadError(eventName, r.error)
      const run = r.data.workflow_run
      const headRepo = run.head_repository?.full_name
      const runRepo = run.repository?.full_name ?? fullName
      // pull_requests is empty for fork PRs; then the number comes from the input/artifact and must
      // be verified against head_sha by the comment stage (verifyPrHead)
      const fromEvent = run.pull_requests?.find((x) => !x.head || x.head.sha === run.head_sha) ?? run.pull_requests?.[0]
      const fromInput = fromEvent ? undefined : parsePrNumber(inputs.prNumber)
      return {
        ...base,
        ...(fromEvent ? { prNumber: fromEvent.number } : fromInput ? { prNumber: fromInput } : {}),
        prNumberSource: fromEvent ? 'event' : fromInput ? 'input' : 'none',
        headSha: run.head_sha,
        isFork: !headRepo || headRepo.toLowerCase() !== String(runRepo).toLowerCase(),
        workflowRun: {
          id: run.id,
          event: run.event,
          ...(run.conclusion ? { conclusion: run.conclusion } : {}),
          ...(run.html_url ? { htmlUrl: run.html_url } : {})
        }
      }
    }
    case 'push': {
      const r = PushPayload.safeParse(payload ?? {})
      const after = r.success && r.data.after && Sha.safeParse(r.data.after).success && !/^0+$/.test(r.data.after) ? r.data.after : undefined
      const headSha = after ?? env['GITHUB_SHA'] ?? inputSha
      if (!headSha) throw new ContextError('push event without a commit SHA (payload.after and GITHUB_SHA are unset)')
      return { ...base, prNumberSource: 'none', headSha, isFork: false }
    }
    default: {
      // schedule, workflow_dispatch, and anything else that runs in the base repository
      const headSha = inputSha ?? env['GITHUB_SHA']
      if (!headSha) throw new ContextError(`${eventName || 'unknown'} event without a commit SHA (GITHUB_SHA and head-sha are unset)`)
      const fromInput = parsePrNumber(inputs.prNumber)
      return {
        ...base,
        ...(fromInput ? { prNumber: fromInput } : {}),
        prNumberSource: fromInput ? 'input' : 'none',
        headSha,
        isFork: false
      }
    }
  }
}
