// Boots and tears down the docker compose stack. Arguments always go to `docker` as an array
// (never a shell string): the compose file and project name come from workflow inputs.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { runProcess } from './exec.js'
import type { RunResult, Runner } from './exec.js'

export interface ComposeTarget {
  file: string
  projectName: string
}

export interface ComposeUpOptions extends ComposeTarget {
  /** `--wait-timeout`: how long compose waits for services to be healthy/running */
  timeoutSec: number
  /** extra environment for compose (variable substitution in the compose file) */
  env?: Record<string, string>
  /** `--build` (default true) */
  build?: boolean
  /** where the diagnostics (compose-ps.json, compose-logs.txt) go on failure */
  outDir: string
  log?: (line: string) => void
  /**
   * Hard limit for the whole `up` process, building included (the wait timeout does not cover
   * image builds). Default: timeoutSec + 900 s when building, timeoutSec + 120 s otherwise.
   */
  processTimeoutSec?: number
  runner?: Runner
  /** docker executable (default `docker`, resolved via PATH) */
  docker?: string
}

export interface ComposeDownOptions extends ComposeTarget {
  removeVolumes?: boolean
  /** `down --timeout`: seconds containers get to stop before SIGKILL */
  timeoutSec: number
  env?: Record<string, string>
  log?: (line: string) => void
  runner?: Runner
  docker?: string
}

/** One row of `docker compose ps --format json` (only the fields the gate uses). */
export interface ServiceStatus {
  service: string
  name: string
  state: string
  health: string
  exitCode: number | undefined
  status: string
}

export type ComposeFailureKind = 'docker-missing' | 'daemon-unreachable' | 'compose-missing' | 'timeout' | 'up-failed'

export class ComposeError extends Error {
  override name = 'ComposeError'
  readonly kind: ComposeFailureKind
  /** services that are not running/healthy (empty when unknown) */
  readonly unhealthy: ServiceStatus[]
  readonly psFile: string | undefined
  readonly logsFile: string | undefined
  // plain fields, not parameter properties: the code must stay runnable with type stripping
  constructor(message: string, kind: ComposeFailureKind, unhealthy: ServiceStatus[] = [], psFile?: string, logsFile?: string) {
    super(message)
    this.kind = kind
    this.unhealthy = unhealthy
    this.psFile = psFile
    this.logsFile = logsFile
  }
}

export function composeBaseArgs(t: ComposeTarget): string[] {
  return ['compose', '-f', t.file, '-p', t.projectName]
}

export function composeUpArgs(t: ComposeTarget, timeoutSec: number, build: boolean): string[] {
  return [
    ...composeBaseArgs(t),
    'up',
    '-d',
    ...(build ? ['--build'] : []),
    '--wait',
    '--wait-timeout',
    String(Math.max(1, Math.ceil(timeoutSec)))
  ]
}

export function composeDownArgs(t: ComposeTarget, removeVolumes: boolean, timeoutSec: number): string[] {
  return [
    ...composeBaseArgs(t),
    'down',
    ...(removeVolumes ? ['--volumes'] : []),
    '--remove-orphans',
    '--timeout',
    String(Math.max(0, Math.ceil(timeoutSec)))
  ]
}

/**
 * Compose project names must be lowercase letters, digits, `-` and `_`, starting with a letter or
 * digit. Maps anything else (e.g. a repository name or run id) onto that alphabet.
 */
export function sanitizeProjectName(raw: string): string {
  const s = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
  return s === '' ? 'profile-gate' : s
}

const PsRowSchema = z
  .object({
    Service: z.string().optional(),
    Name: z.string().optional(),
    State: z.string().optional(),
    Health: z.string().optional(),
    ExitCode: z.number().optional(),
    Status: z.string().optional()
  })
  .loose()

/**
 * Parses `docker compose ps --format json`: compose < 2.21 prints one JSON array, newer versions
 * print one JSON object per line. Rows that do not parse are skipped, not fatal: this only feeds
 * diagnostics.
 */
export function parseComposePs(text: string): ServiceStatus[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  let rows: unknown[] = []
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (Array.isArray(parsed)) rows = parsed
    } catch {
      rows = []
    }
  } else {
    for (const line of trimmed.split('\n')) {
      const l = line.trim()
      if (l === '') continue
      try {
        const v: unknown = JSON.parse(l)
        // some versions print an array per line
        if (Array.isArray(v)) rows.push(...(v as unknown[]))
        else rows.push(v)
      } catch {
        // not JSON (a warning line): skip
      }
    }
  }
  const out: ServiceStatus[] = []
  for (const r of rows) {
    const p = PsRowSchema.safeParse(r)
    if (!p.success) continue
    const d = p.data
    out.push({
      service: d.Service ?? d.Name ?? '?',
      name: d.Name ?? d.Service ?? '?',
      state: (d.State ?? '').toLowerCase(),
      health: (d.Health ?? '').toLowerCase(),
      exitCode: d.ExitCode,
      status: d.Status ?? ''
    })
  }
  return out
}

/**
 * A service is bad when it is not running or has a health check that is not `healthy`. A one-shot
 * container that exited 0 (an init job) is fine: compose `--wait` accepts those too.
 */
export function unhealthyServices(rows: ServiceStatus[]): ServiceStatus[] {
  return rows.filter((r) => {
    if (r.state === 'exited' && r.exitCode === 0) return false
    if (r.state !== 'running') return true
    return r.health !== '' && r.health !== 'healthy'
  })
}

export function describeService(r: ServiceStatus): string {
  const parts = [`state ${r.state || 'unknown'}`]
  if (r.health !== '') parts.push(`health ${r.health}`)
  if (r.state !== 'running' && r.exitCode !== undefined) parts.push(`exit code ${r.exitCode}`)
  return `${r.service} (${parts.join(', ')})`
}

/** Recognises environment problems from a failed docker call; undefined for ordinary failures. */
export function classifyDockerFailure(res: RunResult, docker: string): { kind: ComposeFailureKind; message: string } | undefined {
  if (res.error?.code === 'ENOENT') {
    return {
      kind: 'docker-missing',
      message: `docker not found: \`${docker}\` is not on PATH. Install Docker with the compose plugin on the runner, or set \`stack: external\` and point the action at a stack that is already running.`
    }
  }
  if (res.error !== undefined) {
    return { kind: 'docker-missing', message: `could not run \`${docker}\`: ${res.error.message}` }
  }
  const text = `${res.stderr}\n${res.stdout}`
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|permission denied while trying to connect to the docker (API|daemon)/i.test(text)) {
    return {
      kind: 'daemon-unreachable',
      message: `the Docker daemon is not reachable (${firstMatchingLine(text, /docker daemon|error during connect|permission denied/i)}). Start Docker on the runner (or check DOCKER_HOST and permissions), or use \`stack: external\`.`
    }
  }
  if (/'compose' is not a docker command|unknown command "compose"|unknown shorthand flag: 'f' in -f/i.test(text)) {
    return {
      kind: 'compose-missing',
      message: 'the docker compose plugin (compose v2) is not installed: `docker compose` is not a docker command.'
    }
  }
  return undefined
}

function firstMatchingLine(text: string, re: RegExp): string {
  return (text.split('\n').find((l) => re.test(l)) ?? '').trim()
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n')
  return all.slice(Math.max(0, all.length - lines)).join('\n')
}

function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return { ...process.env, ...extra }
}

/**
 * `docker compose up -d --build --wait`. On failure writes `compose-ps.json` and
 * `compose-logs.txt` into `outDir` and throws a ComposeError naming the services that did not
 * become healthy.
 */
export async function composeUp(opts: ComposeUpOptions): Promise<void> {
  const run = opts.runner ?? runProcess
  const docker = opts.docker ?? 'docker'
  const build = opts.build ?? true
  const env = childEnv(opts.env)
  const log = opts.log ?? (() => {})
  const args = composeUpArgs(opts, opts.timeoutSec, build)
  const processTimeoutSec = opts.processTimeoutSec ?? opts.timeoutSec + (build ? 900 : 120)
  log(`compose: ${docker} ${args.join(' ')}`)
  const up = await run(docker, args, {
    env,
    timeoutMs: processTimeoutSec * 1000,
    onLine: (line) => log(line)
  })
  if (up.code === 0 && !up.timedOut) return

  // without docker, a daemon or the compose plugin there is nothing to collect
  const envProblem = classifyDockerFailure(up, docker)
  if (envProblem !== undefined) throw new ComposeError(envProblem.message, envProblem.kind)

  await mkdir(opts.outDir, { recursive: true })
  const psFile = join(opts.outDir, 'compose-ps.json')
  const logsFile = join(opts.outDir, 'compose-logs.txt')
  const base = composeBaseArgs(opts)
  const diagTimeout = 60_000
  const [ps, logs] = await Promise.all([
    run(docker, [...base, 'ps', '--all', '--format', 'json'], { env, timeoutMs: diagTimeout }),
    run(docker, [...base, 'logs', '--no-color', '--timestamps'], { env, timeoutMs: diagTimeout, maxCapture: 64 * 1024 * 1024 })
  ])
  const rows = parseComposePs(ps.stdout)
  await writeFile(psFile, rows.length > 0 || ps.stdout.trim() === '' ? `${JSON.stringify(rows, null, 2)}\n` : ps.stdout)
  await writeFile(
    logsFile,
    `${logs.stdout}${logs.stderr === '' ? '' : `\n--- stderr of docker compose logs ---\n${logs.stderr}`}` +
      `\n--- output of docker compose up (exit ${up.code ?? up.signal ?? 'none'}) ---\n${up.stdout}${up.stderr}`
  )

  const bad = unhealthyServices(rows)
  const what = up.timedOut
    ? `docker compose up did not finish within ${processTimeoutSec} s`
    : `docker compose up failed (exit code ${up.code ?? up.signal ?? 'unknown'})`
  const services =
    bad.length > 0
      ? `; not healthy/running: ${bad.map(describeService).join(', ')}`
      : rows.length === 0
        ? '; no containers were created (build or configuration error?)'
        : ''
  const upTail = tail(up.stderr || up.stdout, 15)
  throw new ComposeError(
    `${what} for ${opts.file} (project ${opts.projectName})${services}. Container logs: ${logsFile}; status: ${psFile}.` +
      (upTail === '' ? '' : `\nLast output of compose:\n${upTail}`),
    up.timedOut ? 'timeout' : 'up-failed',
    bad,
    psFile,
    logsFile
  )
}

/** `docker compose down` for the post step. Never throws: returns a warning, or undefined on success. */
export async function composeDown(opts: ComposeDownOptions): Promise<string | undefined> {
  try {
    const run = opts.runner ?? runProcess
    const docker = opts.docker ?? 'docker'
    const args = composeDownArgs(opts, opts.removeVolumes ?? true, opts.timeoutSec)
    opts.log?.(`compose: ${docker} ${args.join(' ')}`)
    const res = await run(docker, args, {
      env: childEnv(opts.env),
      // stop timeout per container plus time to remove networks/volumes
      timeoutMs: (opts.timeoutSec + 120) * 1000,
      onLine: opts.log === undefined ? undefined : (l) => opts.log?.(l)
    })
    if (res.code === 0 && !res.timedOut) return undefined
    const env = classifyDockerFailure(res, docker)
    if (env !== undefined) return `could not bring the stack down: ${env.message}`
    if (res.timedOut) return `docker compose down for project ${opts.projectName} timed out`
    return `docker compose down for project ${opts.projectName} failed (exit code ${res.code ?? res.signal ?? 'unknown'}): ${tail(res.stderr || res.stdout, 5)}`
  } catch (err) {
    return `could not bring the stack down: ${err instanceof Error ? err.message : String(err)}`
  }
}
