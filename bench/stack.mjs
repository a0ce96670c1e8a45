// What the benches that run the demo stack share: stack/native.sh, and the JVMs' real CPU.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

export const root = path.resolve(import.meta.dirname, '..')

/** stack/native.sh <cmd> with extra environment; its stdout is dropped, its errors shown */
export function native(cmd, env = {}) {
  execFileSync(path.join(root, 'stack/native.sh'), [cmd], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** native.sh's directory of PID files and logs for the copy started with PORT_OFFSET=offset */
export function runDirOf(offset = 0) {
  return path.join(root, offset === 0 ? 'stack/.run' : `stack/.run-${offset}`)
}

/** the PID of a running service's JVM, from native.sh's PID file */
export function servicePid(service, offset = 0) {
  return readFileSync(path.join(runDirOf(offset), `${service}.pid`), 'utf8').trim()
}

/** CPU nanoseconds of all threads of a process, from the scheduler (precise, not tick-sampled) */
export function cpuNanos(pid) {
  let sum = 0
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // thread exited
    }
  }
  return sum
}
