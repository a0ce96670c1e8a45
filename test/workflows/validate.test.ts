// Every workflow and action.yml through GitHub's own parser (@actions/workflow-parser), plus the
// security rules the parser does not know: least privilege, no PR code in privileged jobs, no
// untrusted event text in shell scripts.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'

const root = join(import.meta.dirname, '..', '..')
const wfDir = join(root, '.github', 'workflows')
const actionPath = join(root, 'action.yml')
const workflowFiles = existsSync(wfDir) ? readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f)).sort() : []

async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map((e) => e.message)
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value)
    errors.push(...(template.errors ?? []).map((e) => e.Message))
  } else if (errors.length === 0) {
    errors.push('parser returned no template')
  }
  return [...new Set(errors)]
}

// ---- security checks on the plain YAML ----------------------------------------------------------

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

interface Step {
  uses?: string
  run?: string
  with?: Obj
  name?: string
}

function jobsOf(wf: Obj): [string, Obj][] {
  return isObj(wf['jobs']) ? Object.entries(wf['jobs']).filter((e): e is [string, Obj] => isObj(e[1])) : []
}
function stepsOf(job: Obj): Step[] {
  return Array.isArray(job['steps']) ? (job['steps'].filter(isObj) as Step[]) : []
}

/** every permission scope granted write, at workflow or job level */
function writePermissions(wf: Obj): string[] {
  const out: string[] = []
  const scan = (where: string, p: unknown): void => {
    if (p === 'write-all') out.push(`${where}: write-all`)
    if (isObj(p)) for (const [k, v] of Object.entries(p)) if (v === 'write') out.push(`${where}: ${k}: write`)
  }
  scan('workflow', wf['permissions'])
  for (const [id, job] of jobsOf(wf)) scan(`jobs.${id}`, job['permissions'])
  return out
}

// Event fields that are ids, numbers or SHAs cannot carry shell syntax; everything else under
// github.event (titles, bodies, branch names, commit messages, labels, emails...) can.
const SAFE_EVENT_FIELD = /\.(number|id|run_id|run_number|run_attempt|sha|head_sha|before|after)$/
const UNTRUSTED_CONTEXTS = /\bgithub\.(head_ref)\b/

/** `${{ … }}` expressions in run: scripts that interpolate untrusted text */
export function untrustedInterpolations(wf: Obj): string[] {
  const found: string[] = []
  for (const [id, job] of jobsOf(wf)) {
    for (const [i, step] of stepsOf(job).entries()) {
      if (typeof step.run !== 'string') continue
      for (const m of step.run.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
        const expr = (m[1] ?? '').trim()
        const refs = expr.match(/github\.event(?:\.[A-Za-z0-9_-]+|\[[^\]]*\])+/g) ?? []
        const bad = refs.filter((r) => !SAFE_EVENT_FIELD.test(r)).length > 0 || UNTRUSTED_CONTEXTS.test(expr)
        if (bad) found.push(`jobs.${id}.steps[${i}]: \${{ ${expr} }}`)
      }
    }
  }
  return found
}

/** checkouts that name a ref (in a workflow_run/pull_request_target job that means PR code) */
function checkoutsWithRef(wf: Obj): string[] {
  const out: string[] = []
  for (const [id, job] of jobsOf(wf)) {
    for (const [i, s] of stepsOf(job).entries()) {
      if (s.uses?.startsWith('actions/checkout@') && s.with && ('ref' in s.with || 'repository' in s.with)) out.push(`jobs.${id}.steps[${i}]`)
    }
  }
  return out
}

function load(file: string): Obj {
  const v: unknown = parseYaml(readFileSync(join(wfDir, file), 'utf8'))
  if (!isObj(v)) throw new Error(`${file} is not a YAML mapping`)
  return v
}

// ---- tests ------------------------------------------------------------------------------------

describe('workflows parse with GitHub\'s workflow parser', () => {
  it('has the expected workflow files', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'profile-regression.yaml', 'profile-comment.yaml', 'baseline-refresh.yaml']))
  })
  it.each(workflowFiles)('%s has no errors', async (file) => {
    expect(await workflowErrors(file, readFileSync(join(wfDir, file), 'utf8'))).toEqual([])
  })
  it('the parser does report errors (guards against a vacuous pass)', async () => {
    const bad = 'on: push\npermisions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha\n'
    expect((await workflowErrors('bad.yml', bad)).length).toBeGreaterThan(0)
  })
})

describe('action.yml', () => {
  it('the action parser accepts node24 and rejects node22 (guards against a vacuous pass)', () => {
    const errs = (using: string): string[] =>
      parseAction(
        { name: 'action.yml', content: `name: x\ndescription: y\nruns:\n  using: ${using}\n  main: dist/index.js\n` },
        new NoOperationTraceWriter()
      )
        .context.errors.getErrors()
        .map((e) => e.message)
    expect(errs('node24')).toEqual([])
    expect(errs('node22').join('\n')).toMatch(/node22/)
    const ok = parseAction({ name: 'a.yml', content: 'name: x\ndescription: y\ninputs:\n  mode:\n    description: m\n    default: gate\nruns:\n  using: node24\n  main: dist/index.js\n' }, new NoOperationTraceWriter())
    const action = convertActionTemplate(ok.context, ok.value!)
    expect(action.runs.using).toBe('node24')
    expect(action.inputs?.map((i) => i.id)).toEqual(['mode'])
  })
  it('exists at the repository root', () => {
    expect(existsSync(actionPath), 'action.yml is missing at the repository root (the lead writes it); this test fails until it exists').toBe(true)
  })
  it('parses with the action schema, runs on node24', () => {
    if (!existsSync(actionPath)) throw new Error('action.yml is missing at the repository root')
    const parsed = parseAction({ name: 'action.yml', content: readFileSync(actionPath, 'utf8') }, new NoOperationTraceWriter())
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([])
    expect(parsed.value).toBeDefined()
    const action = convertActionTemplate(parsed.context, parsed.value!)
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([])
    expect(action.runs.using).toBe('node24')
  })
  it('declares every input the workflows pass to `uses: ./`', () => {
    if (!existsSync(actionPath)) throw new Error('action.yml is missing at the repository root')
    const action: unknown = parseYaml(readFileSync(actionPath, 'utf8'))
    const declared = new Set(isObj(action) && isObj(action['inputs']) ? Object.keys(action['inputs']) : [])
    const unknown: string[] = []
    for (const file of workflowFiles) {
      for (const [id, job] of jobsOf(load(file))) {
        for (const s of stepsOf(job)) {
          if (s.uses !== './') continue
          for (const k of Object.keys(s.with ?? {})) if (!declared.has(k)) unknown.push(`${file} jobs.${id}: ${k}`)
        }
      }
    }
    expect(unknown).toEqual([])
  })
})

describe('workflow security', () => {
  it('profile-regression.yaml (runs PR code) has read-only permissions', () => {
    const wf = load('profile-regression.yaml')
    expect(wf['permissions'], 'explicit permissions, so the repository default cannot grant write').toBeDefined()
    expect(writePermissions(wf)).toEqual([])
    const gate = jobsOf(wf).flatMap(([, j]) => stepsOf(j)).find((s) => s.uses === './')
    expect(gate?.with?.['comment']).toBe('never')
    expect(jobsOf(wf).flatMap(([, j]) => stepsOf(j)).some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.['name'] === 'profile-gate-report')).toBe(true)
  })

  it('profile-comment.yaml never checks out or interpolates PR code or text', () => {
    const wf = load('profile-comment.yaml')
    const text = readFileSync(join(wfDir, 'profile-comment.yaml'), 'utf8')
    expect(checkoutsWithRef(wf)).toEqual([])
    const runs = jobsOf(wf).flatMap(([, j]) => stepsOf(j)).flatMap((s) => (typeof s.run === 'string' ? [s.run] : []))
    for (const r of runs) {
      expect(r).not.toMatch(/workflow_run\.head_branch|pull_request\.(title|body)|head_commit\.message/)
    }
    // head_branch is attacker-chosen: it has no business anywhere in this file's expressions
    expect(text).not.toMatch(/\$\{\{[^}]*head_branch/)
    // the artifact must land outside the workspace, where it cannot replace the action's files
    const download = jobsOf(wf).flatMap(([, j]) => stepsOf(j)).find((s) => s.uses?.startsWith('actions/download-artifact@'))
    expect(String(download?.with?.['path'])).toMatch(/runner\.temp/)
    expect(download?.with?.['run-id']).toBe('${{ github.event.workflow_run.id }}')
  })

  it('no workflow interpolates untrusted github.event text into run: scripts', () => {
    const offenders = workflowFiles.flatMap((f) => untrustedInterpolations(load(f)).map((o) => `${f} ${o}`))
    expect(offenders).toEqual([])
  })

  it('the injection check catches the classic cases', () => {
    const wf = parseYaml(`
jobs:
  a:
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: git checkout \${{ github.head_ref }}
      - run: echo \${{ github.event.workflow_run.head_branch }}
      - run: echo \${{ github.event.pull_request.number }} \${{ github.event.workflow_run.head_sha }}
`) as Obj
    expect(untrustedInterpolations(wf)).toHaveLength(3)
  })

  it('baseline-refresh.yaml runs only on the default branch with the write scopes it needs', () => {
    const wf = load('baseline-refresh.yaml')
    expect(writePermissions(wf).sort()).toEqual(['workflow: contents: write', 'workflow: pull-requests: write'])
    for (const [, job] of jobsOf(wf)) expect(job['if']).toBe("github.ref == format('refs/heads/{0}', github.event.repository.default_branch)")
    expect(Object.keys(wf['on'] as Obj).sort()).toEqual(['schedule', 'workflow_dispatch'])
  })
})
