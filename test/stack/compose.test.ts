import { mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  ComposeError,
  composeDown,
  composeUp,
  parseComposePs,
  sanitizeProjectName,
  unhealthyServices
} from '../../src/stack/compose.js'
import { runProcess } from '../../src/stack/exec.js'
import { installFakeDocker, PS_ROWS } from './fake-docker.js'
import type { FakeDocker } from './fake-docker.js'

let fake: FakeDocker
let work: string
let composeFile: string

beforeEach(async () => {
  fake = await installFakeDocker()
  work = await mkdtemp(join(tmpdir(), 'compose-test-'))
  // spaces and shell syntax must reach docker literally
  const dir = join(work, 'my stack $(touch pwned) `id`')
  await mkdir(dir)
  composeFile = join(dir, 'docker-compose.yml')
})

async function upError(extra: Record<string, string>, opts: { processTimeoutSec?: number } = {}): Promise<ComposeError> {
  const err = await composeUp({
    file: composeFile,
    projectName: 'pg-42',
    timeoutSec: 90,
    env: fake.env(extra),
    outDir: join(work, 'out'),
    ...opts
  }).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ComposeError)
  return err as ComposeError
}

describe('composeUp', () => {
  it('passes the exact argv, without shell interpretation, and streams output', async () => {
    const lines: string[] = []
    await composeUp({ file: composeFile, projectName: 'pg-42', timeoutSec: 90, env: fake.env(), outDir: join(work, 'out'), log: (l) => lines.push(l) })
    expect(await fake.calls()).toEqual([
      ['compose', '-f', composeFile, '-p', 'pg-42', 'up', '-d', '--build', '--wait', '--wait-timeout', '90']
    ])
    expect(lines.some((l) => l.includes('demo-pyroscope-1  Healthy'))).toBe(true)
    // nothing was executed by a shell
    await expect(readFile(join(work, 'pwned'))).rejects.toThrow()
  })

  it('omits --build when build is false', async () => {
    await composeUp({ file: composeFile, projectName: 'p', timeoutSec: 5.2, build: false, env: fake.env(), outDir: work })
    expect((await fake.calls())[0]).toEqual(['compose', '-f', composeFile, '-p', 'p', 'up', '-d', '--wait', '--wait-timeout', '6'])
  })

  for (const format of ['array', 'lines'] as const) {
    it(`on failure collects ps (${format}) and logs and names the unhealthy services`, async () => {
      const err = await upError({ FAKE_DOCKER_UP: 'fail', FAKE_DOCKER_PS_FORMAT: format })
      const calls = await fake.calls()
      const base = ['compose', '-f', composeFile, '-p', 'pg-42']
      expect(calls).toContainEqual([...base, 'ps', '--all', '--format', 'json'])
      expect(calls).toContainEqual([...base, 'logs', '--no-color', '--timestamps'])
      expect(err.kind).toBe('up-failed')
      expect(err.message).toContain('exit code 1')
      expect(err.message).toContain('bank-api-gateway (state running, health unhealthy)')
      expect(err.message).toContain('ledger (state exited, exit code 137)')
      expect(err.message).not.toMatch(/\binit\b|\bweb\b|pyroscope \(/)
      expect(err.unhealthy.map((s) => s.service)).toEqual(['bank-api-gateway', 'ledger'])
      const logsFile = join(work, 'out', 'compose-logs.txt')
      const psFile = join(work, 'out', 'compose-ps.json')
      expect(err.message).toContain(logsFile)
      expect(err.logsFile).toBe(logsFile)
      expect(err.message).toContain('is unhealthy') // tail of compose's own output
      const logs = await readFile(logsFile, 'utf8')
      expect(logs).toContain('OutOfMemoryError')
      expect(logs).toContain('dependency failed to start')
      const ps = JSON.parse(await readFile(psFile, 'utf8')) as unknown[]
      expect(ps).toHaveLength(PS_ROWS.length)
    })
  }

  it('says clearly when docker is not installed', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'empty-path-'))
    const err = await composeUp({ file: composeFile, projectName: 'p', timeoutSec: 10, env: { PATH: empty }, outDir: join(work, 'out') }).catch(
      (e: unknown) => e as ComposeError
    )
    expect(err).toBeInstanceOf(ComposeError)
    expect((err as ComposeError).kind).toBe('docker-missing')
    expect((err as ComposeError).message).toMatch(/docker not found.*stack: external/s)
  })

  it('says clearly when the daemon is unreachable, without collecting diagnostics', async () => {
    const err = await upError({ FAKE_DOCKER_DAEMON: 'down' })
    expect(err.kind).toBe('daemon-unreachable')
    expect(err.message).toMatch(/Docker daemon is not reachable/)
    expect(await fake.calls()).toHaveLength(1)
  })

  it('kills a hanging compose up at the process timeout', async () => {
    const started = Date.now()
    const err = await upError({ FAKE_DOCKER_UP: 'hang' }, { processTimeoutSec: 1 })
    expect(Date.now() - started).toBeLessThan(8_000)
    expect(err.kind).toBe('timeout')
    expect(err.message).toContain('did not finish within 1 s')
  })
})

describe('composeDown', () => {
  it('runs down with volumes and returns no warning', async () => {
    const warning = await composeDown({ file: composeFile, projectName: 'pg-42', timeoutSec: 20, env: fake.env() })
    expect(warning).toBeUndefined()
    expect(await fake.calls()).toEqual([
      ['compose', '-f', composeFile, '-p', 'pg-42', 'down', '--volumes', '--remove-orphans', '--timeout', '20']
    ])
  })

  it('returns a warning instead of throwing', async () => {
    const w = await composeDown({ file: composeFile, projectName: 'pg-42', timeoutSec: 20, removeVolumes: false, env: fake.env({ FAKE_DOCKER_DOWN: 'fail' }) })
    expect(w).toMatch(/failed \(exit code 1\).*active endpoints/s)
    expect((await fake.calls())[0]).not.toContain('--volumes')
    const empty = await mkdtemp(join(tmpdir(), 'empty-path-'))
    expect(await composeDown({ file: composeFile, projectName: 'p', timeoutSec: 1, env: { PATH: empty } })).toMatch(/docker not found/)
    const throwing = await composeDown({
      file: composeFile,
      projectName: 'p',
      timeoutSec: 1,
      runner: () => {
        throw new Error('boom')
      }
    })
    expect(throwing).toMatch(/boom/)
  })
})

describe('compose helpers', () => {
  it('parses both ps output formats and tolerates noise', () => {
    const arr = parseComposePs(JSON.stringify(PS_ROWS))
    const lines = parseComposePs(`WARN[0000] version is obsolete\n${PS_ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`)
    expect(lines).toEqual(arr)
    expect(arr[1]).toEqual({
      service: 'bank-api-gateway',
      name: 'demo-bank-api-gateway-1',
      state: 'running',
      health: 'unhealthy',
      exitCode: 0,
      status: 'Up 20 seconds (unhealthy)'
    })
    expect(parseComposePs('')).toEqual([])
    expect(parseComposePs('[not json')).toEqual([])
    expect(unhealthyServices([...arr, { service: 'x', name: 'x', state: 'running', health: 'starting', exitCode: 0, status: '' }]).map((s) => s.service)).toEqual([
      'bank-api-gateway',
      'ledger',
      'x'
    ])
  })

  it('sanitizes project names', () => {
    expect(sanitizeProjectName('Octo/Hello World-123')).toBe('octo-hello-world-123')
    expect(sanitizeProjectName('__$$')).toBe('profile-gate')
  })

  it('runProcess streams lines and reports spawn errors without rejecting', async () => {
    const lines: string[] = []
    const r = await runProcess(process.execPath, ['-e', 'process.stdout.write("a\\r\\nb\\nc"); process.stderr.write("e\\n"); process.exit(4)'], {
      onLine: (l, s) => lines.push(`${s}:${l}`)
    })
    expect(r.code).toBe(4)
    expect(lines.sort()).toEqual(['stderr:e', 'stdout:a', 'stdout:b', 'stdout:c'])
    const missing = await runProcess('/nonexistent/definitely-not-here', [])
    expect(missing.error?.code).toBe('ENOENT')
    expect(missing.code).toBeNull()
  })
})
