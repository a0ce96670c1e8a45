// The A/B scenario on real components (docs/accuracy.md): the nine services run natively with the
// real agent against a live Pyroscope; a baseline of the fixed code (OPTIMIZED=true) is taken, then
// the gate runs on the hotspot code (OPTIMIZED=false), as a user would, through the built CLI.
// Runs only with PYROSCOPE_URL set (takes about 7 minutes).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/fixtures.js'

const exec = promisify(execFile)
const url = process.env.PYROSCOPE_URL
const dir = mkdtempSync(path.join(tmpdir(), 'profile-gate-ab-'))

async function native(cmd: 'start' | 'stop', optimized = 'false') {
  await exec(path.join(repoRoot, 'stack/native.sh'), [cmd], { env: { ...process.env, OPTIMIZED: optimized, PYROSCOPE_URL: url }, timeout: 300_000 })
}

async function cli(mode: 'baseline' | 'gate', out: string) {
  const args = ['dist/cli/index.js', '--mode', mode, '--pyroscope-url', url!, '--baseline-path', path.join(dir, 'baseline/profiles.json'), '--output-dir', path.join(dir, out)]
  return exec(process.execPath, args, { cwd: repoRoot, timeout: 600_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr })
  )
}

afterAll(async () => {
  await native('stop').catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!url)('A/B on the real stack (skipped: set PYROSCOPE_URL to run against a live server)', () => {
  it(
    'catches every known hotspot in the right service and kind, and nothing else',
    async () => {
      await native('stop')
      await native('start', 'true')
      const base = await cli('baseline', 'out-baseline')
      expect(base.code, base.out).toBe(0)
      await native('stop')
      await native('start', 'false')
      const gate = await cli('gate', 'out-gate')
      expect(gate.code, gate.out).toBe(1)
      const report = JSON.parse(readFileSync(path.join(dir, 'out-gate/report.json'), 'utf8')) as {
        failures: string[]
        kinds: { service: string; kind: string; functions: { function: string; verdict: string; via?: string }[] }[]
      }
      expect(report.failures).toEqual([])
      const flagged = report.kinds.flatMap((k) =>
        k.functions.filter((f) => f.verdict === 'regression' || f.verdict === 'new-hotspot').map((f) => `${k.service} ${k.kind} ${f.function}${f.via ? ` via ${f.via}` : ''}`)
      )
      for (const expected of EXPECTED) expect(flagged.some((f) => expected.test(f)), `${expected} in\n${flagged.join('\n')}`).toBe(true)
      for (const f of flagged) expect(EXPECTED_OR_EXPLAINED.some((e) => e.test(f)), `unexpected: ${f}`).toBe(true)
    },
    900_000
  )
})

/** The known hotspots a developer would fix, in the service and kind they belong to (docs/accuracy.md). */
const EXPECTED = [
  /^bank-api-gateway cpu com\/example\/bank\/gateway\/FibonacciCalculator\.fibRecursive$/,
  /^bank-payment-service alloc .* via com\/example\/bank\/payment\/PaymentSigner\.signPerCall$/,
  /^bank-order-service mutex com\/example\/bank\/order\/InventoryLedger\.reserveSynchronized$/,
  /^bank-account-service mutex com\/example\/bank\/account\/AccountStore\.applySynchronized$/,
  /^bank-stream-processing-service mutex com\/example\/bank\/stream\/WindowAggregator\.addSynchronized$/,
  /^bank-account-service alloc .* via com\/example\/bank\/account\/StatementRenderer\.renderWithFormat$/,
  /^bank-fraud-detection-service alloc .* via com\/example\/bank\/fraud\/FraudReportBuilder\.buildWithConcatenation$/,
  /^bank-notification-service alloc .* via com\/example\/bank\/notification\/TemplateRenderer\.renderWithFormat$/,
  /^bank-faas-runtime alloc .* via com\/example\/bank\/faas\/FunctionSandbox\$IsolatingLoader\.readCode$/
]
/**
 * What may also be flagged: other frames on those hot paths (the FaaS cold start loads its own copy of
 * the function code), and the concatenation loop's CPU: zeroing and copying its new arrays (libc
 * memset), and the agent's allocation sampler walking the stack with JVMTI GetStackTrace on each of
 * its allocation samples (libjvm vframe frames), both charged to the method that allocates.
 */
const EXPECTED_OR_EXPLAINED = [
  ...EXPECTED,
  /^bank-fraud-detection-service cpu .* via com\/example\/bank\/fraud\/FraudReportBuilder\.buildWithConcatenation$/,
  /^bank-api-gateway cpu .*(Fibonacci|fib)/,
  /^bank-payment-service (cpu|alloc) .*(PaymentSigner|MessageDigest|Digest|SHA2|GetInstance|hexWithFormat|Formatter)/,
  /^bank-stream-processing-service alloc .*WindowAggregator/,
  /^bank-faas-runtime (cpu|alloc) .*(ColdStart|deploy|Deploy|Verticle|FunctionSandbox|ClassLoader|Inflater|readNBytes)/
]
