// Runs one external program without a shell: arguments are passed as an array, so untrusted input
// (file paths, project names, user commands) can never be interpreted as shell syntax.
import { spawn } from 'node:child_process'

export interface RunOptions {
  cwd?: string
  /** complete environment of the child (callers merge with process.env themselves) */
  env?: NodeJS.ProcessEnv
  /** kill the child (SIGTERM, then SIGKILL after `killGraceMs`) after this long; 0/undefined = never */
  timeoutMs?: number
  killGraceMs?: number
  /** called for every complete output line (without the newline), as it arrives */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** keep at most this many characters of each stream in the result (the tail is kept) */
  maxCapture?: number
  /** run in its own process group and kill the whole group: scripts that start children */
  killGroup?: boolean
  signal?: AbortSignal
}

export interface RunResult {
  /** exit code; null when killed by a signal or never started */
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
  /** spawn failure (ENOENT: program not found, EACCES, …) */
  error?: NodeJS.ErrnoException
}

/** Runs a program; never rejects (spawn failures are reported in `error`). */
export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>

const DEFAULT_CAPTURE = 16 * 1024 * 1024

export const runProcess: Runner = (command, args, options = {}) =>
  new Promise<RunResult>((resolve) => {
    const maxCapture = options.maxCapture ?? DEFAULT_CAPTURE
    const captured = { stdout: '', stderr: '' }
    const partial = { stdout: '', stderr: '' }
    let timedOut = false
    let settled = false
    let spawnError: NodeJS.ErrnoException | undefined

    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.killGroup === true && process.platform !== 'win32'
    })

    const kill = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
      try {
        if (options.killGroup === true && process.platform !== 'win32') process.kill(-child.pid, sig)
        else child.kill(sig)
      } catch {
        // already gone
      }
    }
    const terminate = (): void => {
      kill('SIGTERM')
      const grace = setTimeout(() => kill('SIGKILL'), options.killGraceMs ?? 5_000)
      grace.unref()
    }

    const timer =
      options.timeoutMs !== undefined && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            terminate()
          }, options.timeoutMs)
        : undefined
    const onAbort = (): void => terminate()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) terminate()

    const feed = (stream: 'stdout' | 'stderr', chunk: string): void => {
      const all = captured[stream] + chunk
      captured[stream] = all.length > maxCapture ? all.slice(all.length - maxCapture) : all
      if (options.onLine === undefined) return
      const text = partial[stream] + chunk
      const lines = text.split('\n')
      partial[stream] = lines.pop() ?? ''
      for (const line of lines) options.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, stream)
    }
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (c: string) => feed('stdout', c))
    child.stderr.on('data', (c: string) => feed('stderr', c))

    const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (settled) return
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '' && options.onLine !== undefined) options.onLine(partial[stream], stream)
      }
      const result: RunResult = { code, signal: sig, stdout: captured.stdout, stderr: captured.stderr, timedOut }
      if (spawnError !== undefined) result.error = spawnError
      resolve(result)
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err
      // a spawn failure emits no 'close' when the process never started
      if (child.pid === undefined) finish(null, null)
    })
    child.on('close', (code, sig) => finish(code, sig))
  })
