import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// stack/native.sh's port contract, without starting JVMs: `status` lists each service's port.
const script = path.resolve(import.meta.dirname, '../../stack/native.sh')
const run = promisify(execFile)

async function status(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('bash', [script, 'status'], { env: { ...process.env, ...env } })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

const ports = (stdout: string): number[] =>
  stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(/\s+/)[1]))

describe('stack/native.sh', () => {
  it('shifts every port by PORT_OFFSET, for a second copy beside the first', async () => {
    const shifted = await status({ PORT_OFFSET: '100' })
    expect(ports(shifted.stdout)).toEqual([8180, 8181, 8182, 8183, 8184, 8185, 8186, 8187, 8188])
    // nothing runs in the shifted copy's run directory here, so nothing is healthy
    expect(shifted.code).toBe(3)
    expect(shifted.stdout).toMatch(/bank-faas-runtime\s+8188\s+-\s+stopped/)
    const plain = await status({ PORT_OFFSET: '' })
    expect(ports(plain.stdout)).toEqual([8080, 8081, 8082, 8083, 8084, 8085, 8086, 8087, 8088])
  })

  it('rejects a PORT_OFFSET that is not a port shift, naming it', async () => {
    for (const bad of ['abc', '-1', '60000', '1e3']) {
      const r = await status({ PORT_OFFSET: bad })
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`PORT_OFFSET must be a number from 0 to 57000, got '${bad}'`)
    }
  })
})
