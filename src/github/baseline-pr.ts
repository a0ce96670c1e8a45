// Open or update the baseline-refresh PR through the git data API only: no git CLI, no checkout
// state, no credentials on disk. One commit on top of the base branch, force-pushed to a bot branch.
import { errorMessage, isHttpError, type Octokit } from './octokit.js'

export interface BaselineFile {
  /** repository-relative, forward slashes */
  path: string
  content: string | Uint8Array
}

export interface OpenBaselinePrArgs {
  owner: string
  repo: string
  /** target branch; defaults to the repository's default branch */
  base?: string
  /** e.g. 'profile-gate/baseline-refresh'; force-updated on every refresh */
  branch: string
  files: BaselineFile[]
  title: string
  body: string
  commitMessage: string
}

export type OpenBaselinePrResult =
  | { action: 'created' | 'updated'; number: number; url: string; branch: string; commitSha: string }
  /** the files already match the base branch: nothing was pushed and no PR was touched */
  | { action: 'no-change'; branch: string }

export const ACTIONS_PR_SETTING =
  'Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests" (repository, and organization if it applies)'

export class BaselinePrError extends Error {
  override name = 'BaselinePrError'
  constructor(
    message: string,
    readonly step: string,
    readonly status?: number
  ) {
    super(message)
  }
}

function fail(step: string, e: unknown): BaselinePrError {
  const msg = errorMessage(e)
  if (!isHttpError(e)) return new BaselinePrError(`baseline PR: ${step} failed: ${msg}`, step)
  const head = `baseline PR: ${step} failed (${e.status}: ${msg})`
  switch (e.status) {
    case 403:
      return new BaselinePrError(
        `${head}. The job needs permissions contents: write and pull-requests: write, and for GITHUB_TOKEN to open pull requests the setting ${ACTIONS_PR_SETTING} must be enabled.`,
        step,
        403
      )
    case 404:
      return new BaselinePrError(`${head}. The repository or branch does not exist, or the token cannot see it.`, step, 404)
    case 422:
      return new BaselinePrError(
        `${head}. GitHub rejected the request: check the branch name, that the file paths are valid, and that a pull request can be opened from the branch to the base.`,
        step,
        422
      )
    default:
      return new BaselinePrError(head, step, e.status)
  }
}

async function step<T>(name: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (e) {
    throw fail(name, e)
  }
}

function validate(args: OpenBaselinePrArgs, base: string): void {
  const bad = (m: string): never => {
    throw new BaselinePrError(`baseline PR: ${m}`, 'validate')
  }
  // a force-update of the base branch would rewrite the default branch: refuse outright
  if (args.branch === base || args.branch === `refs/heads/${base}`) bad(`branch '${args.branch}' is the base branch`)
  if (!/^[A-Za-z0-9._/-]+$/.test(args.branch) || args.branch.includes('..') || args.branch.startsWith('/') || args.branch.endsWith('/') || args.branch.endsWith('.lock')) {
    bad(`invalid branch name '${args.branch}'`)
  }
  if (args.files.length === 0) bad('no files to commit')
  for (const f of args.files) {
    if (!f.path || f.path.startsWith('/') || f.path.split('/').some((s) => s === '' || s === '.' || s === '..')) bad(`invalid file path '${f.path}'`)
  }
}

export async function openBaselinePr(octokit: Octokit, args: OpenBaselinePrArgs): Promise<OpenBaselinePrResult> {
  const { owner, repo, branch } = args
  const base =
    args.base ??
    (await step('read the repository (default branch)', async () => (await octokit.rest.repos.get({ owner, repo })).data.default_branch))
  validate(args, base)

  const baseSha = await step(`read ref heads/${base}`, async () => (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` })).data.object.sha)
  const baseTree = await step('read the base commit', async () => (await octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha })).data.tree.sha)

  // sorted so the tree request (and any retry of it) is deterministic
  const files = [...args.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const entries: { path: string; mode: '100644'; type: 'blob'; sha: string }[] = []
  for (const f of files) {
    const blob = await step(`create blob for ${f.path}`, async () =>
      typeof f.content === 'string'
        ? (await octokit.rest.git.createBlob({ owner, repo, content: f.content, encoding: 'utf-8' })).data.sha
        : (await octokit.rest.git.createBlob({ owner, repo, content: Buffer.from(f.content).toString('base64'), encoding: 'base64' })).data.sha
    )
    entries.push({ path: f.path, mode: '100644', type: 'blob', sha: blob })
  }
  const tree = await step('create tree', async () => (await octokit.rest.git.createTree({ owner, repo, base_tree: baseTree, tree: entries })).data.sha)
  if (tree === baseTree) return { action: 'no-change', branch }

  const commitSha = await step('create commit', async () =>
    (await octokit.rest.git.createCommit({ owner, repo, message: args.commitMessage, tree, parents: [baseSha] })).data.sha
  )

  const branchExists = await step(`read ref heads/${branch}`, async () => {
    try {
      await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })
      return true
    } catch (e) {
      if (isHttpError(e) && e.status === 404) return false
      throw e
    }
  })
  if (branchExists) {
    // force: the branch is the bot's own and always holds exactly one commit on top of base
    await step(`update ref heads/${branch}`, () => octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commitSha, force: true }))
  } else {
    await step(`create ref refs/heads/${branch}`, () => octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commitSha }))
  }

  const open = await step('list pull requests', async () =>
    (await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, base, state: 'open', per_page: 10 })).data
  )
  const existing = open[0]
  if (existing) {
    const { data } = await step(`update pull request #${existing.number}`, () =>
      octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title: args.title, body: args.body })
    )
    return { action: 'updated', number: data.number, url: data.html_url, branch, commitSha }
  }
  const { data } = await step('create pull request', () => octokit.rest.pulls.create({ owner, repo, head: branch, base, title: args.title, body: args.body }))
  return { action: 'created', number: data.number, url: data.html_url, branch, commitSha }
}
