// A fake `docker` executable for tests (there is no Docker engine here): records its argv as one
// JSON line per call and answers compose subcommands according to FAKE_DOCKER_* variables.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const PS_ROWS = [
  { Name: 'demo-pyroscope-1', Service: 'pyroscope', State: 'running', Health: 'healthy', ExitCode: 0, Status: 'Up 20 seconds (healthy)' },
  { Name: 'demo-bank-api-gateway-1', Service: 'bank-api-gateway', State: 'running', Health: 'unhealthy', ExitCode: 0, Status: 'Up 20 seconds (unhealthy)' },
  { Name: 'demo-ledger-1', Service: 'ledger', State: 'exited', Health: '', ExitCode: 137, Status: 'Exited (137) 3 seconds ago' },
  { Name: 'demo-init-1', Service: 'init', State: 'exited', Health: '', ExitCode: 0, Status: 'Exited (0) 10 seconds ago' },
  { Name: 'demo-web-1', Service: 'web', State: 'running', Health: '', ExitCode: 0, Status: 'Up 20 seconds' }
]

const SCRIPT = `
import { appendFileSync } from 'node:fs'
const args = process.argv.slice(2)
appendFileSync(process.env.FAKE_DOCKER_LOG, JSON.stringify(args) + '\\n')
const env = process.env
if (env.FAKE_DOCKER_DAEMON === 'down') {
  process.stderr.write('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\\n')
  process.exit(1)
}
if (args[0] !== 'compose') { process.stderr.write('unexpected\\n'); process.exit(2) }
let i = 1
while (args[i] === '-f' || args[i] === '-p') i += 2
const sub = args[i]
const rows = ${JSON.stringify(PS_ROWS)}
if (sub === 'up') {
  const mode = env.FAKE_DOCKER_UP ?? 'ok'
  if (mode === 'ok') { console.log(' Container demo-pyroscope-1  Healthy'); process.exit(0) }
  if (mode === 'hang') { setTimeout(() => process.exit(0), 60000) }
  else {
    console.log(' Container demo-ledger-1  Started')
    process.stderr.write('dependency failed to start: container demo-bank-api-gateway-1 is unhealthy\\n')
    process.exit(1)
  }
} else if (sub === 'ps') {
  if (env.FAKE_DOCKER_PS_FORMAT === 'lines') console.log(rows.map((r) => JSON.stringify(r)).join('\\n'))
  else console.log(JSON.stringify(rows))
} else if (sub === 'logs') {
  console.log('bank-api-gateway-1  | 2026-11-21T10:00:00Z Exception in thread "main" java.lang.OutOfMemoryError')
  console.log('ledger-1  | 2026-11-21T10:00:01Z Killed')
} else if (sub === 'down') {
  if (env.FAKE_DOCKER_DOWN === 'fail') { process.stderr.write('network demo_default has active endpoints\\n'); process.exit(1) }
} else { process.exit(3) }
`

export interface FakeDocker {
  binDir: string
  logFile: string
  /** environment for composeUp/composeDown: fake first on PATH */
  env(extra?: Record<string, string>): Record<string, string>
  calls(): Promise<string[][]>
}

export async function installFakeDocker(): Promise<FakeDocker> {
  const binDir = await mkdtemp(join(tmpdir(), 'fake-docker-'))
  const logFile = join(binDir, 'calls.jsonl')
  await writeFile(logFile, '')
  await writeFile(join(binDir, 'fake-docker.mjs'), SCRIPT)
  // exec keeps "$@" intact: every argument reaches node exactly as docker would receive it
  await writeFile(join(binDir, 'docker'), `#!/bin/sh\nexec '${process.execPath}' '${join(binDir, 'fake-docker.mjs')}' "$@"\n`)
  await chmod(join(binDir, 'docker'), 0o755)
  return {
    binDir,
    logFile,
    env: (extra = {}) => ({ PATH: `${binDir}:${process.env.PATH ?? ''}`, FAKE_DOCKER_LOG: logFile, ...extra }),
    calls: async () =>
      (await readFile(logFile, 'utf8'))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as string[])
  }
}
