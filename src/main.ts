// The GitHub Action face: reads INPUT_*, masks secrets, wires the pipeline to the runner (outputs,
// summary, annotations) and to GitHub (comment, status, baseline PR, notifications).
import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { openBaselinePr, BaselinePrError } from './github/baseline-pr.js'
import { upsertStickyComment } from './github/comment.js'
import { resolveContext, type RunContext } from './github/context.js'
import { makeOctokit, type Octokit } from './github/octokit.js'
import { verifyPrHead } from './github/pull-request.js'
import { setCommitStatus } from './github/status.js'
import { notify } from './notify/notify.js'
import { commentMarker } from './report/comment.js'
import type { Comparison } from './model.js'
import { runPipeline, type Io, type Publisher } from './pipeline.js'
import { INPUTS, parseSettings, type InputName, type Settings } from './settings.js'

export async function run(): Promise<void> {
  try {
    const settings = parseSettings((name: InputName) => core.getInput(name))
    maskSecrets(settings)
    const context = readContext(settings)
    const io = actionIo(settings, context)
    const result = await runPipeline(settings, io)
    if (!result.passed) {
      const r = result.report
      core.setFailed(
        r
          ? `profile-gate: ${r.counts.regressions} regression(s), ${r.counts.newHotspots} new hotspot(s), ${r.failures.length} missing-data failure(s); see the job summary`
          : 'profile-gate failed'
      )
    }
  } catch (err) {
    core.setFailed(`profile-gate: ${(err as Error).message}`)
  }
}

function maskSecrets(settings: Settings): void {
  for (const name of settings.secrets) {
    const v = settings.raw[name as keyof typeof settings.raw]
    if (typeof v === 'string' && v) core.setSecret(v)
  }
  // credentials inside the Pyroscope URL are secrets too
  try {
    const u = new URL(settings.raw['pyroscope-url'])
    if (u.password) core.setSecret(decodeURIComponent(u.password))
  } catch {
    /* validated already */
  }
}

function readContext(settings: Settings): RunContext | undefined {
  const eventPath = process.env.GITHUB_EVENT_PATH
  let payload: unknown = {}
  try {
    if (eventPath) payload = JSON.parse(readFileSync(eventPath, 'utf8'))
  } catch {
    payload = {}
  }
  try {
    return resolveContext(process.env.GITHUB_EVENT_NAME ?? '', payload, process.env, {
      ...(settings.raw['pr-number'] ? { prNumber: settings.raw['pr-number'] } : {}),
      ...(settings.raw['head-sha'] ? { headSha: settings.raw['head-sha'] } : {})
    })
  } catch (err) {
    core.info(`not a GitHub run context (${(err as Error).message}): comment and PR features are off`)
    return undefined
  }
}

function actionIo(settings: Settings, context: RunContext | undefined): Io {
  const token = settings.raw['github-token']
  const server = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
  return {
    log: (line) => core.info(line),
    warning: (m) => core.warning(m),
    notice: (m) => core.notice(m),
    annotate: (a) => (a.level === 'error' ? core.error : a.level === 'warning' ? core.warning : core.notice)(a.message, { title: a.title }),
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (md) => {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(md).write()
    },
    saveState: (name, value) => core.saveState(name, value),
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    now: () => Date.now(),
    provenance: {
      ...(context?.headSha ? { commit: context.headSha } : process.env.GITHUB_SHA ? { commit: process.env.GITHUB_SHA } : {}),
      ...(process.env.GITHUB_REF ? { ref: process.env.GITHUB_REF } : {}),
      ...(context?.runUrl ? { runUrl: context.runUrl } : {}),
      ...(context ? { repoUrl: `${server}/${context.owner}/${context.repo}` } : {})
    },
    ...(context?.prNumber !== undefined ? { pullRequest: { number: context.prNumber, headSha: context.headSha } } : {}),
    ...(token && context ? { publisher: githubPublisher(settings, context, makeOctokit(token)) } : {})
  }
}

/** GitHub side effects; each degrades to a notice or warning instead of losing the verdict. */
export function githubPublisher(settings: Settings, context: RunContext, octokit: Octokit): Publisher {
  const s = settings.raw
  const repo = { owner: context.owner, repo: context.repo }
  return {
    async comment(body, gateName, passed) {
      if (context.prNumber === undefined) return { skipped: 'this run is not about a pull request' }
      if (s.comment === 'auto' && context.isFork && context.eventName.startsWith('pull_request')) {
        return { skipped: 'pull request from a fork: the token is read-only (use the workflow_run comment stage)' }
      }
      // a number from an input or artifact is untrusted: the PR's head must be the reported commit
      if (context.prNumberSource !== 'event' || s.mode === 'comment') {
        const v = await verifyPrHead(octokit, { ...repo, prNumber: context.prNumber, headSha: context.headSha })
        if (!v.ok) return { skipped: v.reason }
      }
      const r = await upsertStickyComment(octokit, { ...repo, issueNumber: context.prNumber, marker: commentMarker(gateName), body })
      if (s.mode === 'comment') {
        await setCommitStatus(octokit, {
          ...repo,
          sha: context.headSha,
          state: passed ? 'success' : 'failure',
          description: passed ? 'no profiling regressions' : 'profiling regressions or missing data',
          context: `profile-gate/${s['gate-name']}`,
          ...(r.url ? { targetUrl: r.url } : {})
        })
      }
      return r.action === 'skipped' ? { skipped: r.reason ?? 'skipped' } : { ...(r.url ? { url: r.url } : {}) }
    },
    async baselinePr(files, body) {
      try {
        const r = await openBaselinePr(octokit, {
          ...repo,
          ...(context.defaultBranch ? { base: context.defaultBranch } : {}),
          branch: s['baseline-branch'],
          files,
          title: 'profile-gate: refresh the performance baseline',
          body,
          commitMessage: 'Refresh the profile-gate baseline'
        })
        return r.action === 'no-change' ? { skipped: 'the baseline did not change: no pull request needed' } : { url: r.url }
      } catch (err) {
        if (err instanceof BaselinePrError) return { skipped: err.message }
        throw err
      }
    },
    async notify(comparison: Comparison, commentUrl) {
      const r = await notify({
        when: s.notify,
        ...(s['slack-webhook-url'] ? { slackUrl: s['slack-webhook-url'] } : {}),
        ...(s['webhook-url'] ? { webhookUrl: s['webhook-url'] } : {}),
        comparison,
        repository: `${context.owner}/${context.repo}`,
        ...(context.prNumber !== undefined ? { prNumber: context.prNumber } : {}),
        headSha: context.headSha,
        ...(context.runUrl ? { runUrl: context.runUrl } : {}),
        ...(commentUrl ? { commentUrl } : {})
      })
      return r.warnings
    }
  }
}

export { INPUTS }
