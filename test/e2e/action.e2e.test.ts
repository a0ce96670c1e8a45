// Runs the committed bundle the way a runner does: `node dist/index.js` with INPUT_* (defaults from
// action.yml), GITHUB_* and the file-command files, against loopback servers for Pyroscope, the
// services under load and GitHub's API. Then the post step, for the compose mode.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { repoRoot } from '../helpers/fixtures.js'
import { CPU, startFakePyroscope, type FakeModel, type FakePyroscope } from '../helpers/fake-pyroscope.js'

const run = promisify(execFile)
const ALLOC = 'memory:alloc_in_new_tlab_bytes:bytes:space:bytes'
const HEAD = 'a'.repeat(40)

const modelA: FakeModel = {
  'bank-payment-service': {
    [CPU]: { 'java/lang/Thread.run;com/example/Pay.sign;java/security/MessageDigest.digest': 40e7, 'java/lang/Thread.run;com/example/Pay.post': 40e7, 'java/lang/Thread.run;com/example/Json.write': 20e7 },
    [ALLOC]: { 'java/lang/Thread.run;com/example/Pay.sign': 5e8, 'java/lang/Thread.run;com/example/Json.write': 5e8 }
  },
  'bank-api-gateway': {
    [CPU]: { 'java/lang/Thread.run;com/example/Gw.route': 50e7, 'java/lang/Thread.run;com/example/Gw.fib': 50e7 },
    [ALLOC]: { 'java/lang/Thread.run;com/example/Gw.route': 1e9 }
  }
}
// the same, with a hotspot added to payment's CPU: String.format doing as much work as everything else
const modelB: FakeModel = structuredClone(modelA)
modelB['bank-payment-service']![CPU]!['java/lang/Thread.run;com/example/Pay.sign;java/lang/String.format'] = 100e7

interface Recorded {
  method: string
  url: string
  body: string
}

let pyro: FakePyroscope
let services: http.Server
let github: http.Server
let githubUrl: string
const githubRequests: Recorded[] = []
let dir: string
let servedRequests = 0
let servicesUrl: string

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run package')
  dir = mkdtempSync(path.join(tmpdir(), 'profile-gate-e2e-'))
  pyro = await startFakePyroscope(modelA, { readyAfterPolls: 2 })
  services = http.createServer((req, res) => {
    servedRequests++
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'))
  })
  await new Promise<void>((r) => services.listen(0, '127.0.0.1', r))
  servicesUrl = `http://127.0.0.1:${(services.address() as AddressInfo).port}`
  github = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      githubRequests.push({ method: req.method ?? '', url: req.url ?? '', body })
      const json = (status: number, v: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v))
      const url = req.url ?? ''
      if (url === '/user') return json(403, { message: 'Resource not accessible by integration' })
      if (req.method === 'GET' && /\/issues\/7\/comments/.test(url)) return json(200, [])
      if (req.method === 'POST' && /\/issues\/7\/comments$/.test(url)) return json(201, { id: 99, html_url: 'https://github.com/octo/bank/pull/7#issuecomment-99', body: JSON.parse(body).body })
      if (req.method === 'GET' && /\/pulls\/7$/.test(url)) return json(200, { number: 7, state: 'open', html_url: 'https://github.com/octo/bank/pull/7', head: { sha: HEAD } })
      if (req.method === 'POST' && /\/statuses\//.test(url)) return json(201, { url: 'x', state: JSON.parse(body).state })
      json(404, { message: `Not Found: ${url}` })
    })
  })
  await new Promise<void>((r) => github.listen(0, '127.0.0.1', r))
  githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`
  writeFileSync(
    path.join(dir, 'load-plan.json'),
    JSON.stringify({
      version: 1,
      services: ['bank-api-gateway', 'bank-payment-service'].map((name) => ({
        name,
        baseUrl: servicesUrl,
        health: '/health',
        endpoints: [{ name: 'work', method: 'GET', path: `/work?svc=${name}`, weight: 1 }]
      }))
    })
  )
})

afterAll(async () => {
  await pyro?.close()
  await new Promise((r) => services?.close(r))
  await new Promise((r) => github?.close(r))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const action = YAML.parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }

async function runStep(entry: string, inputs: Record<string, string>, event: { name: string; payload: unknown }, extraEnv: Record<string, string> = {}) {
  const files = Object.fromEntries(['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE'].map((k) => [k, path.join(dir, `${k.toLowerCase()}-${Math.random().toString(36).slice(2)}`)]))
  for (const f of Object.values(files)) writeFileSync(f, '')
  const eventPath = path.join(dir, `event-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(eventPath, JSON.stringify(event.payload))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'octo/bank',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: 'b'.repeat(40),
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_RUN_ID: '4242',
    GITHUB_API_URL: githubUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    ...files,
    ...extraEnv
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name] ?? (spec.default === '${{ github.token }}' ? 'ghs_faketoken123' : (spec.default ?? ''))
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  const r = await run(process.execPath, [path.join(repoRoot, entry)], { env, cwd: dir, encoding: 'utf8', timeout: 90_000 }).then(
    (x) => ({ code: 0, stdout: x.stdout, stderr: x.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  )
  const outputs = parseFileCommand(readFileSync(files.GITHUB_OUTPUT!, 'utf8'))
  const savedState = parseFileCommand(readFileSync(files.GITHUB_STATE!, 'utf8'))
  return { ...r, outputs, savedState, summary: readFileSync(files.GITHUB_STEP_SUMMARY!, 'utf8') }
}

function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /^([^<\n]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[3]!
  return out
}

const prEvent = {
  name: 'pull_request',
  payload: {
    pull_request: { number: 7, head: { sha: HEAD, repo: { full_name: 'octo/bank' } }, base: { repo: { full_name: 'octo/bank' } } },
    repository: { full_name: 'octo/bank', default_branch: 'main' }
  }
}
const fast = {
  stack: 'external',
  'load-plan': 'load-plan.json',
  'load-duration': '2',
  'warmup-duration': '0',
  'load-rate': '20',
  'upload-interval': '1',
  replicates: '4',
  'ready-timeout': '20',
  kinds: 'cpu,alloc',
  'output-dir': 'out'
}

describe('dist/index.js run as a runner runs it', () => {
  it('baseline mode writes a complete baseline with its profiles', async () => {
    pyro.setModel(modelA)
    const r = await runStep('dist/index.js', { ...fast, 'pyroscope-url': pyro.url, mode: 'baseline' }, { name: 'workflow_dispatch', payload: { repository: { full_name: 'octo/bank' } } })
    expect(r.stderr + r.stdout).not.toMatch(/::error/)
    expect(r.code).toBe(0)
    const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline/profiles.json'), 'utf8'))
    expect(Object.keys(baseline.services)).toEqual(['bank-api-gateway', 'bank-payment-service'])
    const cpu = baseline.services['bank-payment-service'].cpu
    expect(cpu.profileTypeId).toBe(CPU)
    expect(cpu.functions[0]).toMatchObject({ name: 'com/example/Pay.post' })
    expect(cpu.profile.path).toBe('profiles/bank-payment-service/cpu.pb.gz')
    expect(existsSync(path.join(dir, 'baseline', cpu.profile.path))).toBe(true)
    expect(baseline.load.requests).toBeGreaterThan(20)
    expect(r.outputs['baseline-path']).toBe(path.join(dir, 'baseline/profiles.json'))
    // the window and every query used Unix milliseconds and an explicit maxNodes
    const renders = pyro.requests.filter((q) => q.path.startsWith('/pyroscope/render?'))
    expect(renders.length).toBeGreaterThan(0)
    for (const q of renders) expect(q.path).toMatch(/from=\d{13}&until=\d{13}&maxNodes=\d+|maxNodes=\d+/)
  })

  it('gate mode on unchanged code passes and posts one sticky comment', async () => {
    pyro.setModel(modelA)
    githubRequests.length = 0
    servedRequests = 0
    // a one-second closed-loop warm-up before the measured 2 s at 20 req/s
    const r = await runStep('dist/index.js', { ...fast, 'warmup-duration': '1', 'warmup-concurrency': '2', 'pyroscope-url': pyro.url }, prEvent)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.outputs).toMatchObject({ verdict: 'pass', passed: 'true', regressions: '0' })
    const warm = /warm-up: (\d+) requests at \d+ req\/s/.exec(r.stdout)
    expect(warm, r.stdout).not.toBeNull()
    const report = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8')) as { load: { current: { requests: number } } }
    // the warm-up ran as fast as the server answered, and is not part of the measured load
    expect(Number(warm![1])).toBeGreaterThan(100)
    expect(report.load.current.requests).toBeLessThanOrEqual(41)
    expect(servedRequests).toBeGreaterThanOrEqual(Number(warm![1]) + report.load.current.requests)
    expect(r.summary).toContain('profile-gate')
    const post = githubRequests.find((q) => q.method === 'POST' && q.url.endsWith('/issues/7/comments'))!
    expect(JSON.parse(post.body).body).toContain('<!-- profile-gate:profile-gate -->')
    expect(r.outputs['comment-url']).toBe('https://github.com/octo/bank/pull/7#issuecomment-99')
    expect(JSON.parse(readFileSync(path.join(dir, 'out/pr.json'), 'utf8'))).toEqual({ number: 7, headSha: HEAD })
  })

  it('gate mode with a new hotspot fails, names the function, diffs on the server and writes the diff graphs', async () => {
    pyro.setModel(modelB)
    githubRequests.length = 0
    const pushedBefore = pyro.pushed()
    const r = await runStep('dist/index.js', { ...fast, 'pyroscope-url': pyro.url }, prEvent)
    expect(r.code, r.stdout).toBe(1)
    expect(r.stdout).toMatch(/::error::profile-gate: 0 regression\(s\), 1 new hotspot\(s\)|::error::profile-gate: \d+ regression/)
    expect(r.outputs.verdict).toBe('fail')
    const report = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8'))
    const flagged = report.kinds.flatMap((k: { functions: { function: string; verdict: string }[] }) => k.functions).filter((f: { verdict: string }) => f.verdict !== 'unchanged')
    expect(flagged.map((f: { function: string }) => f.function)).toContain('java/lang/String.format')
    // the baseline profiles were uploaded and render-diff gave the shares
    expect(pyro.pushed()).toBeGreaterThan(pushedBefore)
    expect(pyro.requests.some((q) => q.path.startsWith('/pyroscope/render-diff?'))).toBe(true)
    const payCpu = report.kinds.find((k: { service: string; kind: string }) => k.service === 'bank-payment-service' && k.kind === 'cpu')
    expect(payCpu.source).toBe('server-diff')
    expect(existsSync(path.join(dir, 'out/diffs/bank-payment-service-cpu.svg'))).toBe(true)
    expect(readFileSync(path.join(dir, 'out/diffs/bank-payment-service-cpu.html'), 'utf8')).toContain('String.format')
    const comment = JSON.parse(githubRequests.find((q) => q.method === 'POST' && q.url.endsWith('/issues/7/comments'))!.body).body as string
    expect(comment).toContain('String.format')
    // the token appears once: in the runner's add-mask command, never in a log line
    expect(r.stdout.split('\n').filter((l) => l.includes('ghs_faketoken123'))).toEqual(['::add-mask::ghs_faketoken123'])
  })

  it('comment mode re-renders from report.json, verifies the PR head and sets a status', async () => {
    githubRequests.length = 0
    const r = await runStep(
      'dist/index.js',
      { mode: 'comment', 'report-path': 'out/report.json', 'pr-number': '7', 'head-sha': HEAD, 'output-dir': 'out-comment' },
      { name: 'workflow_run', payload: { workflow_run: { id: 5, event: 'pull_request', head_sha: HEAD, conclusion: 'failure', pull_requests: [] }, repository: { full_name: 'octo/bank' } } }
    )
    // the verdict travels as the commit status; the comment stage itself succeeds
    expect(r.code, r.stdout).toBe(0)
    expect(r.outputs.verdict).toBe('fail')
    expect(githubRequests.some((q) => q.method === 'GET' && q.url.endsWith('/pulls/7'))).toBe(true)
    const status = githubRequests.find((q) => q.method === 'POST' && q.url.includes('/statuses/'))!
    expect(JSON.parse(status.body)).toMatchObject({ state: 'failure', context: 'profile-gate/profile-gate' })
    expect(githubRequests.some((q) => q.method === 'POST' && q.url.endsWith('/issues/7/comments'))).toBe(true)
  })

  it('compose mode boots with docker compose, and the post step tears it down', async () => {
    const bin = path.join(dir, 'bin')
    mkdirSync(bin, { recursive: true })
    const log = path.join(dir, 'docker-calls.log')
    writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexit 0\n`)
    chmodSync(path.join(bin, 'docker'), 0o755)
    pyro.setModel(modelA)
    const env = { PATH: `${bin}:${process.env.PATH}` }
    const main = await runStep('dist/index.js', { ...fast, stack: 'compose', 'compose-file': 'stack dir/compose.yml', 'pyroscope-url': pyro.url, comment: 'never' }, prEvent, env)
    expect(main.code, main.stdout).toBe(0)
    const calls = readFileSync(log, 'utf8').trim().split('\n')
    expect(calls[0]).toMatch(/^compose -f .*stack dir\/compose\.yml -p profile-gate up -d --build --wait --wait-timeout 600$/)
    const stateName = Object.keys(main.savedState)[0]!
    const post = await runStep('dist/post/index.js', {}, prEvent, { ...env, [`STATE_${stateName}`]: main.savedState[stateName]! })
    expect(post.code).toBe(0)
    expect(readFileSync(log, 'utf8')).toMatch(/compose -f .*compose\.yml -p profile-gate down/)
  })

  it('fails closed with a clear error when the baseline is missing', async () => {
    const r = await runStep('dist/index.js', { ...fast, 'pyroscope-url': pyro.url, 'baseline-path': 'nope/profiles.json' }, prEvent)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/::error::profile-gate: no baseline at .*nope\/profiles.json: run the action with mode: baseline/)
  })
})
