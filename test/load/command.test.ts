import { readFileSync } from 'node:fs'
import { mkdtemp, writeFile, chmod } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CommandSyntaxError, commandLoadResult, loadCommandFailure, runLoadCommand, splitCommand } from '../../src/load/command.js'
import { LoadResultSchema } from '../../src/model.js'

const NODE = process.execPath

/** a killed orphan may linger as a zombie when PID 1 does not reap: that counts as dead */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) [ZX]/s.test(stat)
  } catch {
    return false
  }
}

describe('splitCommand', () => {
  const cases: [string, string[], Record<string, string>?][] = [
    ['k6 run load.js', ['k6', 'run', 'load.js']],
    ['  a   b\tc\n d ', ['a', 'b', 'c', 'd']],
    [`./run 'two words' "and \\"quoted\\"" x\\ y`, ['./run', 'two words', 'and "quoted"', 'x y']],
    [`echo 'it'"'"'s' ""`, ['echo', "it's", '']],
    [`echo "a\\b" 'c\\d' e\\\\f`, ['echo', 'a\\b', 'c\\d', 'e\\f']],
    [`echo 'literal $HOME | ; && > \`x\` $(y)'`, ['echo', 'literal $HOME | ; && > `x` $(y)']],
    ['curl http://127.0.0.1:8080/api?n=27&x=1'.replace('&', '%26'), ['curl', 'http://127.0.0.1:8080/api?n=27%26x=1']],
    ['a \\\n  b', ['a', 'b']],
    ['echo price$ a#b', ['echo', 'price$', 'a#b']],
    ['RATE=20 URL="http://x y" ./load.sh --flag=1', ['./load.sh', '--flag=1'], { RATE: '20', URL: 'http://x y' }]
  ]
  for (const [input, argv, env] of cases) {
    it(`splits ${JSON.stringify(input)}`, () => {
      expect(splitCommand(input)).toEqual({ argv, env: env ?? {} })
    })
  }

  const rejected: [string, RegExp][] = [
    ['k6 run a.js | tee out', /shell operator "\|" at character 13/],
    ['a; b', /shell operator ";"/],
    ['a && b', /shell operator "&&"/],
    ['a || b', /shell operator "\|\|"/],
    ['a > out.txt', /shell operator ">"/],
    ['a < in', /shell operator "<"/],
    ['a &', /shell operator "&"/],
    ['echo `id`', /command substitution "`"/],
    ['echo "$(id)"', /command substitution "\$\("/],
    ['echo $(id)', /command substitution "\$\("/],
    ['echo $HOME', /variable expansion "\$H…"/],
    ['echo "${HOME}"', /variable expansion "\$\{…"/],
    ['(cd x)', /shell operator "\("/],
    ['a # comment', /comment/]
  ]
  for (const [input, re] of rejected) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      let err: unknown
      try {
        splitCommand(input)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(CommandSyntaxError)
      expect((err as Error).message).toMatch(re)
      expect((err as Error).message).toMatch(/without a shell.*script in the repository/)
    })
  }

  it('rejects unterminated quotes, a trailing backslash and empty commands', () => {
    expect(() => splitCommand(`a 'b`)).toThrow(/unterminated single quote at character 3/)
    expect(() => splitCommand(`a "b`)).toThrow(/unterminated double quote/)
    expect(() => splitCommand('a \\')).toThrow(/trailing backslash/)
    expect(() => splitCommand('   ')).toThrow(/empty/)
    expect(() => splitCommand('X=1')).toThrow(/empty/)
  })
})

describe('runLoadCommand', () => {
  it('runs without a shell, streams output and returns the exit code', async () => {
    const lines: string[] = []
    const r = await runLoadCommand(
      `${NODE} -e 'console.log(JSON.stringify(process.argv.slice(1))); console.error("warn " + process.env.PG_TEST_EXTRA); process.exit(3)' 'a b' '$(x)' ";"`,
      { timeoutSec: 20, env: { PG_TEST_EXTRA: '!' }, log: (l) => lines.push(l) }
    )
    expect(r.exitCode).toBe(3)
    expect(r.timedOut).toBe(false)
    expect(lines).toContain(JSON.stringify(['a b', '$(x)', ';']))
    expect(lines).toContain('warn !')
    expect(r.endedAt).toBeGreaterThanOrEqual(r.startedAt)
    expect(loadCommandFailure(r)).toMatch(/exited with code 3/)
  })

  it('applies leading NAME=value assignments and cwd', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmd-'))
    const script = join(dir, 'load.sh')
    await writeFile(script, '#!/bin/sh\necho "rate=$RATE cwd=$(pwd)"\n')
    await chmod(script, 0o755)
    const lines: string[] = []
    const r = await runLoadCommand('RATE=20 ./load.sh', { cwd: dir, timeoutSec: 20, log: (l) => lines.push(l) })
    expect(r.exitCode).toBe(0)
    expect(loadCommandFailure(r)).toBeUndefined()
    expect(lines).toEqual([`rate=20 cwd=${dir}`])
  })

  it('kills the whole process group at the timeout', async () => {
    const lines: string[] = []
    const started = Date.now()
    const code = `const c=require("child_process").spawn(process.execPath,["-e","setTimeout(()=>{},60000)"],{stdio:"ignore"});console.log(c.pid);setTimeout(()=>{},60000)`
    const r = await runLoadCommand(`${NODE} -e '${code}'`, { timeoutSec: 1, log: (l) => lines.push(l) })
    expect(Date.now() - started).toBeLessThan(8_000)
    expect(r.timedOut).toBe(true)
    expect(r.exitCode).toBeNull()
    expect(loadCommandFailure(r, 1)).toMatch(/timed out after 1 s/)
    const childPid = Number(lines[0])
    expect(childPid).toBeGreaterThan(0)
    await new Promise((res) => setTimeout(res, 300))
    expect(alive(childPid)).toBe(false)
  })

  it('explains a missing program', async () => {
    await expect(runLoadCommand('./no-such-load.sh --rate 5', { timeoutSec: 5, cwd: tmpdir() })).rejects.toThrow(/load command not found: \.\/no-such-load\.sh/)
  })

  it('builds a command LoadResult', () => {
    const r = commandLoadResult({ startedAt: 1_700_000_000_000, endedAt: 1_700_000_060_000 })
    expect(LoadResultSchema.parse(r)).toEqual({ startedAt: 1_700_000_000_000, endedAt: 1_700_000_060_000, mode: 'command', requests: 0, errors: 0, throughput: 0, endpoints: [] })
  })
})
