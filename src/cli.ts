// The command-line face: the same pipeline as the action, inputs given as --name value flags
// (or PROFILE_GATE_<NAME> environment variables), output to the terminal and the output directory.
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { runPipeline, type Io } from './pipeline.js'
import { INPUTS, parseSettings, type InputName } from './settings.js'

const USAGE = `usage: profile-gate [--mode gate|baseline] [--stack external|compose] [--pyroscope-url URL] [--<input> value ...]
Every action input is a flag (see README "Inputs"); PROFILE_GATE_<INPUT_NAME> environment variables work too.`

export async function cli(argv: string[]): Promise<number> {
  const options = Object.fromEntries(Object.keys(INPUTS).map((k) => [k, { type: 'string' as const }]))
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true }).values
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const env = (name: string) => process.env[`PROFILE_GATE_${name.toUpperCase().replace(/-/g, '_')}`]
  try {
    const settings = parseSettings((name: InputName) => {
      const v = values[name]
      if (typeof v === 'string') return v
      // the CLI has no runner: default to an external stack and no GitHub token
      if (name === 'stack') return env(name) ?? 'external'
      if (name === 'comment') return env(name) ?? 'never'
      return env(name) ?? ''
    })
    const io: Io = {
      log: (l) => console.log(l),
      warning: (m) => console.warn(`warning: ${m}`),
      notice: (m) => console.log(`notice: ${m}`),
      annotate: (a) => console.log(`${a.level}: ${a.title}: ${a.message}`),
      setOutput: (n, v) => console.log(`output ${n}=${v}`),
      writeSummary: async () => undefined,
      saveState: () => undefined,
      workspace: process.cwd(),
      now: () => Date.now(),
      provenance: gitProvenance()
    }
    const result = await runPipeline(settings, io)
    console.log(result.passed ? 'profile-gate: passed' : 'profile-gate: FAILED')
    return result.passed ? 0 : 1
  } catch (err) {
    console.error(`profile-gate: ${(err as Error).message}`)
    return 1
  }
}

/** the checkout's commit and branch, recorded in snapshots and baselines (empty outside git) */
function gitProvenance(): { commit?: string; ref?: string } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    } catch {
      return undefined
    }
  }
  const commit = git('rev-parse', 'HEAD')
  const ref = git('symbolic-ref', '-q', 'HEAD')
  return { ...(commit ? { commit } : {}), ...(ref ? { ref } : {}) }
}

process.exitCode = await cli(process.argv.slice(2))
