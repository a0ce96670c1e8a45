// The one place that sequences the stages (see README "Architecture"): settings in, stack up,
// load, snapshot, compare, report, publish. Every stage is a module of its own; this file only
// passes plain data between them. The action (main.ts) and tests drive it through `Io`.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import YAML from 'yaml'
import { compareSnapshots, EVENT_KINDS } from './compare/compare.js'
import { ConfigFileSchema, resolveRule, rulesFromConfig, type GateRules } from './compare/rules.js'
import { computeServerDiffs, NOT_BASELINE, type ServerDiffs } from './diff/server-diff.js'
import type { Comparison, Kind, Snapshot } from './model.js'
import { PyroscopeClient } from './pyroscope/client.js'
import { growthCallers, isApplicationFrame } from './profile/culprit.js'
import { resolveProfileTypes } from './pyroscope/discovery.js'
import { artifactKey, type ArtifactPaths } from './report/model.js'
import { buildJsonReport, parseJsonReport, type JsonReport } from './report/json.js'
import { renderComment } from './report/comment.js'
import { renderSummary } from './report/summary.js'
import { buildAnnotations, type AnnotationSpec } from './report/annotations.js'
import { renderDiffSvg } from './report/flamegraph-svg.js'
import { renderDiffHtml } from './report/flamegraph-html.js'
import { diffTreeToJson } from './report/diff-json.js'
import { assertCompleteSnapshot, BaselineError, readBaseline, stableStringify, writeBaseline } from './snapshot/baseline-file.js'
import { formatZodIssues } from './zod-issues.js'
import { attachProfiles, fetchBaselineProfiles, writeBaselineProfiles } from './snapshot/baseline-profiles.js'
import { takeSnapshot } from './snapshot/take.js'
import type { Settings } from './settings.js'
import { measure, type Measurement } from './measure.js'

/** Everything the pipeline needs from its host (the action runner, the CLI, a test). */
export interface Io {
  log(line: string): void
  warning(message: string): void
  notice(message: string): void
  annotate(a: AnnotationSpec): void
  setOutput(name: string, value: string): void
  writeSummary(markdown: string): Promise<void>
  /** remembers what the post step must tear down */
  saveState(name: string, value: string): void
  /** repository root: relative input paths resolve against it */
  workspace: string
  now(): number
  /** publish the comment / status / baseline PR / notifications; absent: skipped with a notice */
  publisher?: Publisher
  /** repoUrl: `<server>/<owner>/<repo>`, to trust only run links of this repository */
  provenance: { commit?: string; ref?: string; runUrl?: string; repoUrl?: string }
  /** the PR this run measures: written to pr.json for the workflow_run comment stage */
  pullRequest?: { number: number; headSha: string }
}

export interface Publisher {
  comment(body: string, gateName: string, passed: boolean): Promise<{ url?: string; skipped?: string }>
  baselinePr(files: { path: string; content: string | Uint8Array }[], body: string): Promise<{ url?: string; skipped?: string }>
  notify(comparison: Comparison, commentUrl: string | undefined): Promise<string[]>
}

export interface PipelineResult {
  passed: boolean
  report?: JsonReport
  baselinePath?: string
}

const TOOL = 'profile-gate 0.1.0'

export async function runPipeline(settings: Settings, io: Io): Promise<PipelineResult> {
  const s = settings.raw
  const outDir = path.resolve(io.workspace, s['output-dir'])
  await mkdir(outDir, { recursive: true })
  io.setOutput('output-dir', outDir)
  // first, so the artifact carries it even when the gate fails before its report
  if (io.pullRequest && s.mode !== 'comment') await writeFile(path.join(outDir, 'pr.json'), JSON.stringify(io.pullRequest) + '\n')
  if (s.mode === 'comment') return runCommentStage(settings, io, outDir)

  const rules = await loadRules(settings, io)
  const client = new PyroscopeClient({
    url: s['pyroscope-url'],
    ...(s['pyroscope-tenant'] ? { tenant: s['pyroscope-tenant'] } : {}),
    ...(s['pyroscope-user'] && s['pyroscope-password'] ? { basicAuth: { user: s['pyroscope-user'], password: s['pyroscope-password'] } } : {}),
    ...(s['pyroscope-token'] ? { bearerToken: s['pyroscope-token'] } : {}),
    onRetry: (r) => io.log(`retrying ${r.method} ${r.url} in ${r.delayMs} ms (${r.reason})`)
  })

  // In gate mode read the baseline first: a missing or invalid one fails before minutes of load.
  const baselinePath = path.resolve(io.workspace, s['baseline-path'])
  const baseline = s.mode === 'gate' ? await readBaseline(baselinePath) : undefined

  const measurement = await measure(settings, client, io, outDir)
  const snapshot = await snapshotRun(settings, rules, client, io, measurement)
  await writeFile(path.join(outDir, 'snapshot.json'), stableStringify(snapshot))

  if (s.mode === 'baseline') return writeNewBaseline(settings, rules, client, io, snapshot, measurement, baselinePath)
  return gate(settings, rules, client, io, baseline!, snapshot, outDir, path.dirname(baselinePath))
}

async function loadRules(settings: Settings, io: Io): Promise<GateRules> {
  const file = settings.raw['config-file'] ? path.resolve(io.workspace, settings.raw['config-file']) : undefined
  if (!file) return settings.rules
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return settings.rules // the config file is optional
  }
  let json: unknown
  try {
    json = YAML.parse(text)
  } catch (err) {
    throw new Error(`config file ${settings.raw['config-file']} is not valid YAML: ${(err as Error).message}`)
  }
  const parsed = ConfigFileSchema.safeParse(json)
  if (!parsed.success) throw new Error(`config file ${settings.raw['config-file']}: ${formatZodIssues(parsed.error)}`)
  io.log(`thresholds and rules from ${settings.raw['config-file']}`)
  return rulesFromConfig(parsed.data, settings.rules)
}

async function snapshotRun(settings: Settings, rules: GateRules, client: PyroscopeClient, io: Io, m: Measurement): Promise<Snapshot> {
  const s = settings.raw
  const types = resolveProfileTypes(await client.profileTypes(m.window), rules.kinds)
  for (const kind of types.missing) io.warning(`Pyroscope has no profile type for ${kind} in the window: is the agent configured for it?`)
  io.log(`profile types: ${Object.entries(types.ids).map(([k, id]) => `${k}=${id}`).join(', ')}`)
  const buildInfo = await client.buildInfo().catch(() => ({}) as { version?: string })
  const snapshot = await takeSnapshot(client, {
    services: m.services,
    profileTypes: types.ids,
    window: m.window,
    replicates: s.replicates,
    topN: s['top-n'],
    maxNodes: s['max-nodes'],
    extraMatchers: [...userMatchers(settings), NOT_BASELINE],
    provenance: {
      tool: TOOL,
      createdAt: new Date(io.now()).toISOString(),
      ...(io.provenance.commit ? { commit: io.provenance.commit } : {}),
      ...(io.provenance.ref ? { ref: io.provenance.ref } : {}),
      ...(io.provenance.runUrl ? { runUrl: io.provenance.runUrl } : {}),
      ...(buildInfo.version ? { serverVersion: buildInfo.version } : {}),
      settings: {
        kinds: rules.kinds,
        load: s.load,
        loadDurationSeconds: s['load-duration'],
        warmupSeconds: s['warmup-duration'],
        warmupConcurrency: s['warmup-concurrency'],
        loadRate: s['load-rate'],
        loadConcurrency: s['load-concurrency'],
        replicates: s.replicates,
        topN: s['top-n'],
        maxNodes: s['max-nodes'],
        uploadIntervalSeconds: s['upload-interval'],
        labelSelector: s['label-selector'] ?? ''
      }
    }
  })
  if (m.load) snapshot.load = m.load
  return snapshot
}

function userMatchers(settings: Settings): string[] {
  const sel = settings.raw['label-selector']
  if (!sel) return []
  // accept `a="b", c=~"d"` with or without braces
  return [sel.replace(/^\{|\}$/g, '').trim()].filter(Boolean)
}

async function writeNewBaseline(
  settings: Settings,
  rules: GateRules,
  client: PyroscopeClient,
  io: Io,
  snapshot: Snapshot,
  m: Measurement,
  baselinePath: string
): Promise<PipelineResult> {
  // never write a partial baseline: every service and gated kind must have data
  // an event kind (locks) may be empty when the service's other kinds are there: no contention
  const profiled = (service: string) => Object.values(snapshot.services[service] ?? {}).some((k) => k && k.total > 0)
  assertCompleteSnapshot(snapshot, m.services, rules.kinds, (service, kind) => resolveRule(rules, service, kind).optional || (EVENT_KINDS.has(kind) && profiled(service)))
  const profiles = await fetchBaselineProfiles(client, snapshot, [...userMatchers(settings), NOT_BASELINE])
  const withProfiles = attachProfiles(snapshot, profiles)
  const old = await readBaseline(baselinePath).catch(() => undefined)
  const baselineDir = path.dirname(baselinePath)
  // profiles first, then profiles.json: a reader sees either the old file or a complete new set
  await writeBaselineProfiles(baselineDir, profiles)
  const text = await writeBaseline(baselinePath, withProfiles)
  const totalBytes = profiles.reduce((a, p) => a + p.file.bytes, 0)
  io.log(`baseline written: ${path.relative(io.workspace, baselinePath)} and ${profiles.length} profiles (${(totalBytes / 1024).toFixed(1)} KiB)`)
  io.setOutput('baseline-path', baselinePath)
  if (settings.raw['open-pr']) {
    if (!io.publisher) {
      io.notice('open-pr is true but no GitHub token is available: the baseline was written but no pull request opened')
    } else {
      const rel = (p: string) => path.relative(io.workspace, p).split(path.sep).join('/')
      const files = [
        { path: rel(baselinePath), content: text },
        ...profiles.map((p) => ({ path: rel(path.join(baselineDir, p.file.path)), content: p.bytes }))
      ]
      const pr = await io.publisher.baselinePr(files, baselinePrBody(old, withProfiles))
      if (pr.url) io.setOutput('baseline-pr-url', pr.url)
      if (pr.skipped) io.notice(pr.skipped)
    }
  }
  return { passed: true, baselinePath }
}

export function baselinePrBody(old: Snapshot | undefined, next: Snapshot): string {
  const rows: string[] = ['| service | kind | top function (old) | top function (new) | total/s change |', '|---|---|---|---|---|']
  const esc = (s: string) => s.replace(/[|<>@#`\\]/g, (c) => `&#${c.charCodeAt(0)};`)
  for (const [service, kinds] of Object.entries(next.services)) {
    for (const [kind, k] of Object.entries(kinds) as [Kind, NonNullable<(typeof kinds)[Kind]>][]) {
      const o = old?.services[service]?.[kind]
      const top = (x: typeof k | undefined) => (x?.functions[0] ? `${esc(x.functions[0].name)} ${(x.functions[0].selfShare * 100).toFixed(1)} %` : '—')
      const change = o && o.totalPerSecond > 0 ? `${(((k.totalPerSecond - o.totalPerSecond) / o.totalPerSecond) * 100).toFixed(1)} %` : 'new'
      rows.push(`| ${esc(service)} | ${kind} | ${top(o)} | ${top(k)} | ${change} |`)
    }
  }
  return [
    'Weekly refresh of the profile-gate baseline, measured on the default branch.',
    '',
    `- new: ${next.provenance.createdAt}, commit ${next.provenance.commit ?? 'unknown'}`,
    `- old: ${old ? `${old.provenance.createdAt}, commit ${old.provenance.commit ?? 'unknown'}` : 'none'}`,
    '',
    ...rows.slice(0, 200)
  ].join('\n')
}

async function gate(
  settings: Settings,
  rules: GateRules,
  client: PyroscopeClient,
  io: Io,
  baseline: Snapshot,
  current: Snapshot,
  outDir: string,
  baselineDir: string
): Promise<PipelineResult> {
  const s = settings.raw
  let diffs: ServerDiffs | undefined
  if (s['server-diff'] === 'auto') {
    try {
      diffs = await computeServerDiffs(client, baseline, current, {
        baselineDir,
        maxNodes: s['max-nodes'],
        extraMatchers: userMatchers(settings),
        now: io.now(),
        queryableTimeoutMs: 60_000,
        log: io.log
      })
      for (const w of diffs.warnings) io.warning(w)
      io.log(`server-side diff: ${diffs.source} (${diffs.stats.size} service/kind pairs)`)
    } catch (err) {
      // the snapshots still give a verdict; the diff only refines it
      io.warning(`server-side diff failed, comparing snapshots only: ${(err as Error).message}`)
    }
  }
  const comparison = compareSnapshots(baseline, current, { rules, failOn: settings.failOn, ...(diffs ? { serverDiff: diffs.stats } : {}) })
  if (diffs) nameCulprits(comparison, diffs)
  const artifacts = await writeDiffArtifacts(settings, comparison, diffs, outDir)
  const ui = s['pyroscope-ui-url'] ?? browserReachable(s['pyroscope-url'])
  const report = buildJsonReport({
    comparison,
    baseline,
    current,
    gateName: s['gate-name'],
    ...(io.provenance.runUrl ? { runUrl: io.provenance.runUrl } : {}),
    ...(ui ? { pyroscopeUiUrl: ui } : {}),
    artifacts,
    failOn: [...settings.failOn].join(',') || 'never',
    mode: 'gate'
  })
  return publishReport(settings, io, report, comparison, outDir)
}

/** flagged platform frames get the application method that calls them ("via"), from the diff tree */
function nameCulprits(comparison: Comparison, diffs: ServerDiffs): void {
  for (const kc of comparison.kinds) {
    const tree = diffs.trees.get(artifactKey(kc.service, kc.kind))
    const flagged = kc.functions.filter((f) => (f.verdict === 'regression' || f.verdict === 'new-hotspot') && !isApplicationFrame(f.function))
    if (!tree || flagged.length === 0) continue
    const callers = growthCallers(tree, new Set(flagged.map((f) => f.function)))
    for (const f of flagged) {
      const via = callers.get(f.function)
      if (via) f.via = via
    }
  }
}

async function writeDiffArtifacts(settings: Settings, comparison: Comparison, diffs: ServerDiffs | undefined, outDir: string): Promise<Record<string, ArtifactPaths>> {
  const which = settings.raw['diff-graphs']
  const out: Record<string, ArtifactPaths> = {}
  if (!diffs || which === 'none') return out
  for (const kc of comparison.kinds) {
    const key = artifactKey(kc.service, kc.kind)
    const tree = diffs.trees.get(key)
    if (!tree) continue
    const flagged = kc.functions.some((f) => f.verdict === 'regression' || f.verdict === 'new-hotspot')
    if (which === 'regressions' && !flagged) continue
    const base = `diffs/${kc.service.replace(/[^A-Za-z0-9._-]/g, '_')}-${kc.kind}`
    const title = `${kc.service} ${kc.kind}: baseline vs current`
    await mkdir(path.join(outDir, 'diffs'), { recursive: true })
    await writeFile(path.join(outDir, `${base}.svg`), renderDiffSvg(tree, { title }))
    await writeFile(path.join(outDir, `${base}.html`), renderDiffHtml(tree, { title }))
    await writeFile(path.join(outDir, `${base}.json`), JSON.stringify(diffTreeToJson(tree)))
    out[key] = { svg: `${base}.svg`, html: `${base}.html`, json: `${base}.json` }
  }
  return out
}

/** A loopback or private server address means nothing in a reviewer's browser. */
export function browserReachable(url: string): string | undefined {
  try {
    const u = new URL(url)
    if (/^(localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(u.hostname) || !u.hostname.includes('.')) return undefined
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return undefined
  }
}

async function publishReport(settings: Settings, io: Io, report: JsonReport, comparison: Comparison | undefined, outDir: string): Promise<PipelineResult> {
  const s = settings.raw
  const markdown = renderSummary(report)
  const reportPath = path.join(outDir, 'report.json')
  const markdownPath = path.join(outDir, 'report.md')
  await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n')
  await writeFile(markdownPath, markdown)
  io.setOutput('report-path', reportPath)
  io.setOutput('markdown-path', markdownPath)
  io.setOutput('verdict', report.verdict)
  io.setOutput('passed', String(report.passed))
  io.setOutput('regressions', String(report.counts.regressions))
  io.setOutput('new-hotspots', String(report.counts.newHotspots))
  io.setOutput('improvements', String(report.counts.improvements))
  for (const a of buildAnnotations(report)) io.annotate(a)
  await io.writeSummary(markdown).catch((err: Error) => io.warning(`job summary not written: ${err.message}`))

  let commentUrl: string | undefined
  if (s.comment !== 'never') {
    if (!io.publisher) {
      io.notice('no pull request comment: no GitHub token or not a pull request; the report is in the job summary and the output directory')
    } else {
      const r = await io.publisher.comment(renderComment(report), report.gateName, report.passed)
      if (r.url) {
        commentUrl = r.url
        io.setOutput('comment-url', r.url)
      }
      if (r.skipped) io.notice(`no pull request comment: ${r.skipped}`)
    }
  }
  if (comparison && io.publisher) {
    for (const w of await io.publisher.notify(comparison, commentUrl)) io.warning(w)
  }
  return { passed: report.passed, report }
}

async function runCommentStage(settings: Settings, io: Io, outDir: string): Promise<PipelineResult> {
  const file = path.resolve(io.workspace, settings.raw['report-path']!)
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new BaselineError(`report-path ${settings.raw['report-path']}: cannot read a JSON report (${(err as Error).message})`)
  }
  // the report comes from an untrusted artifact: validated, and links replaced by trusted ones
  const report = parseJsonReport(json, settings.raw['report-path'])
  const runPrefix = io.provenance.repoUrl ? `${io.provenance.repoUrl}/actions/runs/` : undefined
  const runUrl = runPrefix && report.links.runUrl?.startsWith(runPrefix) ? report.links.runUrl : undefined
  const trusted: JsonReport = { ...report, mode: 'comment', links: runUrl ? { runUrl } : {} }
  await publishReport(settings, io, trusted, undefined, outDir)
  // the gate run already failed the pull request's check; this stage reports, it does not judge again
  return { passed: true, report: trusted }
}
