// Everything a run needs, validated from the action inputs (or the CLI's flags, mapped to the same
// names). Pure: the caller passes a getter for the raw strings.
import { z } from 'zod'
import { KindSchema, type Kind } from './model.js'
import type { FailOn } from './compare/compare.js'
import type { GateRules } from './compare/rules.js'

/** Every input, with its default and description: action.yml and the README are checked against it. */
export const INPUTS = {
  mode: { default: 'gate', description: 'gate (snapshot, compare with the baseline, report, fail on regressions), baseline (snapshot and write the baseline file), or comment (post the comment and status from a report written by an earlier gate run)' },
  stack: { default: 'compose', description: 'compose: boot the Compose stack and tear it down in the post step; external: use a stack that is already up (native run, staging, Kubernetes, Grafana Cloud)' },
  'compose-file': { default: 'stack/docker-compose.yml', description: 'Compose file of the profiled services (stack: compose)' },
  'compose-project': { default: 'profile-gate', description: 'Compose project name' },
  'boot-timeout': { default: '600', description: 'Seconds to wait for every Compose service to be healthy' },
  'keep-stack': { default: 'false', description: 'Leave the Compose stack running after the job, for debugging' },
  'pyroscope-url': { default: 'http://127.0.0.1:4040', description: 'Base URL of the Pyroscope server (may include a path prefix such as a Grafana datasource proxy)' },
  'pyroscope-ui-url': { default: '', description: 'Browser-reachable Pyroscope URL for links in the report; empty: pyroscope-url unless it is a loopback address' },
  'pyroscope-tenant': { default: '', description: 'X-Scope-OrgID for multi-tenant servers' },
  'pyroscope-user': { default: '', description: 'Basic auth user (Grafana Cloud: the stack ID)' },
  'pyroscope-password': { default: '', description: 'Basic auth password (Grafana Cloud: an access policy token); masked' },
  'pyroscope-token': { default: '', description: 'Bearer token (e.g. a Grafana service account behind the datasource proxy); masked' },
  'ready-timeout': { default: '120', description: 'Seconds to wait for Pyroscope /ready and for the services to appear in it' },
  services: { default: '', description: 'Pyroscope service names to gate, comma or newline separated; empty: every service of the load plan' },
  'service-urls': { default: '', description: 'Base URL overrides for the load plan, one name=url per line' },
  kinds: { default: 'cpu,alloc,mutex', description: 'Profile kinds to gate: cpu, alloc, mutex, wall, block' },
  load: { default: 'builtin', description: 'builtin (the load generator reads load-plan), command (run load-command), or none (profiles already exist: give window-from/window-until)' },
  'load-plan': { default: 'stack/load-plan.json', description: 'Load plan file: per service, endpoints with methods, bodies and weights' },
  'load-command': { default: '', description: 'Your own load command (load: command), run without a shell; put pipelines in a script' },
  'load-duration': { default: '120', description: 'Seconds of the measured load phase' },
  'warmup-duration': { default: '20', description: 'Seconds of warm-up load before the measured phase (not measured, lets the JIT settle)' },
  'warmup-concurrency': { default: '4', description: 'Closed-loop workers driving the plan as fast as the stack answers during warm-up, so the JIT compiles the hot paths before measuring (at a few requests per second a JVM takes minutes); 0 warms up at the measured rate' },
  'load-rate': { default: '50', description: 'Requests per second across all services (fixed rate; each request at a random point of its 1/rate slot)' },
  'load-concurrency': { default: '0', description: 'Closed-loop workers instead of a fixed rate, when above 0' },
  'max-error-rate': { default: '2', description: 'Percent of failed load requests above which the run fails (profiles of a broken service are meaningless)' },
  'window-from': { default: '', description: 'load: none: start of the profile window (Unix ms or ISO 8601)' },
  'window-until': { default: '', description: 'load: none: end of the profile window (Unix ms or ISO 8601)' },
  'upload-interval': { default: '10', description: "Seconds between the agents' uploads (PYROSCOPE_UPLOAD_INTERVAL): the window margin and the settle poll follow it" },
  replicates: { default: '6', description: 'Sub-windows the measured window is split into to estimate noise' },
  'top-n': { default: '50', description: 'Functions kept per service and kind in a snapshot' },
  'max-nodes': { default: '65536', description: 'Flame graph node limit per query (the server folds the rest into "other")' },
  'label-selector': { default: '', description: 'Extra label matchers for every query, e.g. env="ci"' },
  'baseline-path': { default: 'baseline/profiles.json', description: 'The committed baseline snapshot' },
  'config-file': { default: '.github/profile-gate.yml', description: 'Optional thresholds per service, kind and function pattern, ignores and optional kinds' },
  'min-relative': { default: '20', description: 'A regression needs at least this relative share increase, percent' },
  'min-absolute': { default: '1', description: 'A regression needs at least this absolute share increase, percentage points' },
  'min-share': { default: '2', description: 'A regression needs at least this current share, percent' },
  alpha: { default: '0.01', description: 'Significance level of the one-sided test after Holm adjustment' },
  'run-variation': { default: '10', description: 'Relative run-to-run variation of a share between two runs of the same code, percent' },
  metric: { default: 'self', description: 'Share compared: self, total (inclusive, recursion-safe), or both' },
  'fail-on': { default: 'regression,new-hotspot,missing', description: 'What fails the job: any of regression, new-hotspot, missing; or never (warn-only)' },
  'server-diff': { default: 'auto', description: "auto: diff against the baseline on the server (the baseline window if still stored, else the baseline's profiles uploaded), off: compare snapshots only" },
  'diff-graphs': { default: 'regressions', description: 'Diff flame graphs written: regressions, all, or none' },
  comment: { default: 'auto', description: 'auto (on pull requests when the token can write), always, or never' },
  'gate-name': { default: 'profile-gate', description: 'Key of the sticky comment marker; give each gate in a repository its own' },
  'github-token': { default: '${{ github.token }}', description: 'Token for the comment, status and baseline PR' },
  'output-dir': { default: 'profile-gate-out', description: 'Directory for report.json, report.md, snapshot, diff flame graphs and logs' },
  'report-path': { default: '', description: 'mode: comment: the report.json of the gate run' },
  'pr-number': { default: '', description: 'mode: comment: the pull request (verified against head-sha through the API)' },
  'head-sha': { default: '', description: 'mode: comment: the head commit the report belongs to' },
  'open-pr': { default: 'false', description: 'mode: baseline: open or update a pull request with the new baseline' },
  'baseline-branch': { default: 'profile-gate/baseline-refresh', description: 'mode: baseline: the branch of the baseline pull request' },
  'slack-webhook-url': { default: '', description: 'Slack incoming webhook; masked' },
  'webhook-url': { default: '', description: 'Generic JSON webhook (docs/webhook.md); masked' },
  notify: { default: 'regression', description: 'When to notify: regression, failure, always, never' }
} as const satisfies Record<string, { default: string; description: string }>

export type InputName = keyof typeof INPUTS

export const OUTPUTS = {
  verdict: 'pass, warn (regressions in warn-only mode) or fail',
  passed: 'true when nothing fails the gate',
  regressions: 'Number of regressions',
  'new-hotspots': 'Number of new hotspots',
  improvements: 'Number of improvements',
  'report-path': 'Path of report.json',
  'markdown-path': 'Path of report.md',
  'output-dir': 'The output directory',
  'comment-url': 'URL of the sticky comment, when posted',
  'baseline-path': 'mode: baseline: the written baseline file',
  'baseline-pr-url': 'mode: baseline: the baseline pull request'
} as const

const bool = z.enum(['true', 'false']).transform((v) => v === 'true')
const posInt = (max: number) => z.coerce.number().int().positive().max(max)
const nonNegInt = (max: number) => z.coerce.number().int().min(0).max(max)
const percent = z.coerce.number().min(0).max(100)
const optionalString = z.string().transform((v) => (v.trim() === '' ? undefined : v.trim()))

const listOf = <T extends z.ZodType>(item: T) =>
  z.string().transform((v, ctx) => {
    const parts = v.split(/[\s,]+/).filter(Boolean)
    const out: z.infer<T>[] = []
    for (const p of parts) {
      const r = item.safeParse(p)
      if (r.success) out.push(r.data)
      else ctx.addIssue({ code: 'custom', message: `"${p}" is not one of the accepted values` })
    }
    return out
  })

const timeInput = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined
  const ms = /^\d{13}$/.test(v) ? Number(v) : Date.parse(v)
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is neither Unix milliseconds nor an ISO 8601 time` })
    return undefined
  }
  return ms
})

const urlInput = z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v), 'expected an http(s) URL')

const serviceUrls = z.string().transform((v, ctx) => {
  const out: Record<string, string> = {}
  for (const line of v.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*(https?:\/\/\S+)$/.exec(line)
    if (!m) ctx.addIssue({ code: 'custom', message: `"${line}" is not name=http(s)://host:port` })
    else out[m[1]!] = m[2]!
  }
  return out
})

const failOn = z.string().transform((v, ctx) => {
  const parts = v.split(/[\s,]+/).filter(Boolean)
  if (parts.length === 1 && parts[0] === 'never') return new Set<FailOn>()
  const set = new Set<FailOn>()
  for (const p of parts) {
    if (p === 'regression' || p === 'new-hotspot' || p === 'missing') set.add(p)
    else ctx.addIssue({ code: 'custom', message: `"${p}" is not regression, new-hotspot, missing or never` })
  }
  return set
})

const SettingsSchema = z.object({
  mode: z.enum(['gate', 'baseline', 'comment']),
  stack: z.enum(['compose', 'external']),
  'compose-file': z.string().min(1),
  'compose-project': z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _'),
  'boot-timeout': posInt(7200),
  'keep-stack': bool,
  'pyroscope-url': urlInput,
  'pyroscope-ui-url': optionalString.pipe(urlInput.optional()),
  'pyroscope-tenant': optionalString,
  'pyroscope-user': optionalString,
  'pyroscope-password': optionalString,
  'pyroscope-token': optionalString,
  'ready-timeout': posInt(3600),
  services: listOf(z.string().min(1)),
  'service-urls': serviceUrls,
  kinds: listOf(KindSchema).refine((k) => k.length > 0, 'at least one kind'),
  load: z.enum(['builtin', 'command', 'none']),
  'load-plan': z.string().min(1),
  'load-command': optionalString,
  'load-duration': posInt(3600),
  'warmup-duration': nonNegInt(3600),
  'warmup-concurrency': nonNegInt(10_000),
  'load-rate': z.coerce.number().positive().max(100_000),
  'load-concurrency': nonNegInt(10_000),
  'max-error-rate': percent,
  'window-from': timeInput,
  'window-until': timeInput,
  'upload-interval': posInt(600),
  replicates: posInt(60),
  'top-n': posInt(10_000),
  'max-nodes': posInt(1_048_576),
  'label-selector': optionalString,
  'baseline-path': z.string().min(1),
  'config-file': z.string(),
  'min-relative': z.coerce.number().min(0).max(100_000),
  'min-absolute': percent,
  'min-share': percent,
  alpha: z.coerce.number().gt(0).lt(1),
  'run-variation': percent,
  metric: z.enum(['self', 'total', 'both']),
  'fail-on': failOn,
  'server-diff': z.enum(['auto', 'off']),
  'diff-graphs': z.enum(['regressions', 'all', 'none']),
  comment: z.enum(['auto', 'always', 'never']),
  'gate-name': z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
  'github-token': optionalString,
  'output-dir': z.string().min(1),
  'report-path': optionalString,
  'pr-number': optionalString,
  'head-sha': optionalString,
  'open-pr': bool,
  'baseline-branch': z.string().regex(/^[A-Za-z0-9._\/-]+$/, 'a branch name'),
  'slack-webhook-url': optionalString.pipe(urlInput.optional()),
  'webhook-url': optionalString.pipe(urlInput.optional()),
  notify: z.enum(['regression', 'failure', 'always', 'never'])
})

export type RawSettings = z.infer<typeof SettingsSchema>

export interface Settings {
  raw: RawSettings
  kinds: Kind[]
  rules: GateRules
  failOn: Set<FailOn>
  /** names of the inputs that hold secrets (masked by the caller) */
  secrets: string[]
}

export class SettingsError extends Error {}

/** Reads every input through `get` (empty string = not given → the documented default). */
export function parseSettings(get: (name: InputName) => string): Settings {
  const raw: Record<string, string> = {}
  for (const [name, spec] of Object.entries(INPUTS)) {
    const v = get(name as InputName)
    raw[name] = v === '' ? (name === 'github-token' ? '' : spec.default) : v
  }
  const parsed = SettingsSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '')
      return `input "${name}" = "${name && isSecret(name) ? '***' : raw[name]}": ${i.message}`
    })
    throw new SettingsError(`invalid inputs: ${issues.join('; ')}`)
  }
  const s = parsed.data
  if (s.load === 'command' && !s['load-command']) throw new SettingsError('input "load" is "command" but "load-command" is empty')
  if (s.load === 'none' && s.mode !== 'comment' && (s['window-from'] === undefined || s['window-until'] === undefined)) {
    throw new SettingsError('input "load" is "none": give the profile window with "window-from" and "window-until"')
  }
  if (s['window-from'] !== undefined && s['window-until'] !== undefined && s['window-until'] <= s['window-from']) {
    throw new SettingsError('input "window-until" must be after "window-from"')
  }
  if (s.mode === 'comment' && !s['report-path']) throw new SettingsError('mode "comment" needs "report-path" (the report.json of the gate run)')
  const rules: GateRules = {
    defaults: { minRelative: s['min-relative'] / 100, minAbsolute: s['min-absolute'] / 100, minShare: s['min-share'] / 100 },
    alpha: s.alpha,
    runVariation: s['run-variation'] / 100,
    metric: s.metric,
    kinds: s.kinds,
    rules: []
  }
  return { raw: s, kinds: s.kinds, rules, failOn: s['fail-on'], secrets: Object.keys(INPUTS).filter(isSecret) }
}

export function isSecret(name: string): boolean {
  return ['pyroscope-password', 'pyroscope-token', 'github-token', 'slack-webhook-url', 'webhook-url'].includes(name)
}
