// Runs the user's own load command (k6, Gatling, a script) instead of the built-in generator.
// The command comes from a workflow input, so it is split into argv here and run WITHOUT a shell;
// shell syntax that would need one is rejected with advice instead of being silently passed on.
import type { LoadResult } from '../model.js'
import { runProcess } from '../stack/exec.js'
import type { Runner } from '../stack/exec.js'

export class CommandSyntaxError extends Error {
  override name = 'CommandSyntaxError'
}

export interface ParsedCommand {
  argv: string[]
  /** leading NAME=value words */
  env: Record<string, string>
}

const SCRIPT_ADVICE =
  'The load command runs without a shell: put the pipeline, redirection or variable use in a script in the repository (e.g. scripts/load.sh) and set the load command to that script.'

function reject(what: string, index: number): never {
  throw new CommandSyntaxError(`load command: ${what} at character ${index + 1} is not supported. ${SCRIPT_ADVICE}`)
}

/**
 * A small POSIX-like word splitter:
 * - words are separated by unquoted spaces, tabs and newlines;
 * - '…' is literal; "…" is literal except that \" \\ \$ \` and \<newline> are escapes;
 * - an unquoted backslash makes the next character literal (\<newline> joins lines);
 * - leading NAME=value words set environment variables for the command;
 * - no expansion of any kind: globs (* ?) and ~ are passed as typed;
 * - rejected (they need a shell): unquoted | & ; < > ( ) and # at the start of a word, and
 *   backticks, $( … ), ${ … } and $NAME anywhere except inside single quotes.
 */
export function splitCommand(command: string): ParsedCommand {
  const words: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  const n = command.length
  const dollar = (at: number): void => {
    const next = command[at + 1] ?? ''
    if (next === '(') reject('command substitution "$("', at)
    if (next === '{' || /[A-Za-z_0-9@*#?$!-]/.test(next)) reject(`variable expansion "$${next === '{' ? '{' : next}…"`, at)
  }
  while (i < n) {
    const c = command[i] ?? ''
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word)
      word = ''
      inWord = false
      i++
      continue
    }
    if (c === "'") {
      const close = command.indexOf("'", i + 1)
      if (close < 0) throw new CommandSyntaxError(`load command: unterminated single quote at character ${i + 1}`)
      word += command.slice(i + 1, close)
      inWord = true
      i = close + 1
      continue
    }
    if (c === '"') {
      let j = i + 1
      let closed = false
      while (j < n) {
        const d = command[j] ?? ''
        if (d === '"') {
          closed = true
          break
        }
        if (d === '\\') {
          const e = command[j + 1]
          if (e === '"' || e === '\\' || e === '$' || e === '`') {
            word += e
            j += 2
            continue
          }
          if (e === '\n') {
            j += 2
            continue
          }
          word += d
          j++
          continue
        }
        if (d === '`') reject('command substitution "`"', j)
        if (d === '$') dollar(j)
        word += d
        j++
      }
      if (!closed) throw new CommandSyntaxError(`load command: unterminated double quote at character ${i + 1}`)
      inWord = true
      i = j + 1
      continue
    }
    if (c === '\\') {
      const e = command[i + 1]
      if (e === undefined) throw new CommandSyntaxError('load command: trailing backslash')
      if (e !== '\n') {
        word += e
        inWord = true
      }
      i += 2
      continue
    }
    if ('|&;<>()'.includes(c)) {
      const two = command.slice(i, i + 2)
      reject(`shell operator "${two === '&&' || two === '||' || two === '>>' || two === '<<' ? two : c}"`, i)
    }
    if (c === '`') reject('command substitution "`"', i)
    if (c === '$') dollar(i)
    if (c === '#' && !inWord) reject('a comment ("#")', i)
    word += c
    inWord = true
    i++
  }
  if (inWord) words.push(word)

  const env: Record<string, string> = {}
  let k = 0
  for (; k < words.length; k++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(words[k] ?? '')
    if (m === null) break
    env[m[1] ?? ''] = m[2] ?? ''
  }
  const argv = words.slice(k)
  if (argv.length === 0) throw new CommandSyntaxError('load command is empty')
  return { argv, env }
}

export interface LoadCommandOptions {
  cwd?: string
  /** added to the action's environment */
  env?: Record<string, string>
  /** kill the command (its whole process group) after this long */
  timeoutSec: number
  log?: (line: string) => void
  signal?: AbortSignal
  runner?: Runner
}

export interface LoadCommandResult {
  argv: string[]
  /** null when the command was killed (timeout, abort, signal) */
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** Unix ms */
  startedAt: number
  endedAt: number
}

/** Runs the command, streaming its output lines to `log`. Throws when it cannot start. */
export async function runLoadCommand(command: string, opts: LoadCommandOptions): Promise<LoadCommandResult> {
  const { argv, env } = splitCommand(command)
  const [file, ...args] = argv as [string, ...string[]]
  const run = opts.runner ?? runProcess
  const log = opts.log ?? (() => {})
  const startedAt = Date.now()
  const res = await run(file, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, ...env },
    timeoutMs: opts.timeoutSec * 1000,
    killGroup: true,
    signal: opts.signal,
    onLine: (line) => log(line),
    // output is streamed; keep only a little for the result
    maxCapture: 64 * 1024
  })
  const endedAt = Date.now()
  if (res.error !== undefined) {
    const where = opts.cwd === undefined ? '' : ` (working directory ${opts.cwd})`
    throw new Error(
      res.error.code === 'ENOENT'
        ? `load command not found: ${file}${where}. Use a path relative to the working directory (e.g. ./scripts/load.sh) or a program on PATH.`
        : res.error.code === 'EACCES'
          ? `load command is not executable: ${file}${where} (chmod +x it, or run it through its interpreter, e.g. bash ${file})`
          : `load command could not start: ${res.error.message}`
    )
  }
  return { argv, exitCode: res.code, signal: res.signal, timedOut: res.timedOut, startedAt, endedAt }
}

/** Why the command run is a failure, or undefined when it exited 0. */
export function loadCommandFailure(r: LoadCommandResult, timeoutSec?: number): string | undefined {
  if (r.timedOut) return `load command timed out${timeoutSec === undefined ? '' : ` after ${timeoutSec} s`} and was killed: ${r.argv.join(' ')}`
  if (r.exitCode === 0) return undefined
  if (r.exitCode === null) return `load command was killed by ${r.signal ?? 'a signal'}: ${r.argv.join(' ')}`
  return `load command exited with code ${r.exitCode}: ${r.argv.join(' ')}`
}

/** The LoadResult of a command run: timing only, the gate knows no request counts. */
export function commandLoadResult(r: Pick<LoadCommandResult, 'startedAt' | 'endedAt'>): LoadResult {
  return { startedAt: r.startedAt, endedAt: r.endedAt, mode: 'command', requests: 0, errors: 0, throughput: 0, endpoints: [] }
}
