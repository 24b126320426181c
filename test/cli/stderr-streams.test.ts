/**
 * What goes to stderr is colored by stderr and kept off stdout. `unperf config --env typo`'s warning,
 * `unperf budget`'s "no run recorded" and "N budgets exceeded", `unperf doctor`'s "N problems" were
 * colored when stdout was a terminal, so `unperf budget 2> budget.log` on a terminal wrote escape
 * codes into the log; `unperf bench`'s warnings went to stdout, so `unperf bench ... > results.txt`
 * mixed them with the results (hyperfine writes them on stderr). Real child processes; a terminal
 * from util-linux script(1).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin, unperf } from '../helpers/unperf-cli.js'

const ANSI = /\x1b\[[0-9;]*m/
const hasScript = spawnSync('script', ['--version']).status === 0

/** `unperf ...args` with stdout on a terminal and stderr into a file: what that file got. */
function stderrIntoFileOnTerminal(cwd: string, ...args: string[]): { stdout: string; stderr: string } {
  const file = join(cwd, 'stderr.txt')
  const command = `${[process.execPath, bin, ...args].map(a => JSON.stringify(a)).join(' ')} 2> ${JSON.stringify(file)}`
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(cwd, '.xdg'), TERM: 'xterm-256color' }
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'TEST', 'VITEST', 'CI']) delete env[name]
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', env, timeout: 60_000 })
  return { stdout: r.stdout, stderr: readFileSync(file, 'utf8') }
}

function project(prefix: string, config?: object): string {
  const dir = tempDir(prefix)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'streams', version: '1.0.0' }))
  if (config) writeFileSync(join(dir, 'perf.config.json'), JSON.stringify(config))
  return dir
}

describe.skipIf(!hasScript)('stderr is colored by stderr, not by stdout (stdout a terminal, stderr a file)', () => {
  it('unperf config --env typo: the warning in the file has no escape codes; the table on the terminal has colors', () => {
    const dir = project('unperf-streams-config-', { $env: { ci: {} } })
    const r = stderrIntoFileOnTerminal(dir, 'config', '--env', 'typo')
    expect(r.stderr).toContain('--env typo: the config has no $env.typo block')
    expect(r.stderr).not.toMatch(ANSI)
    expect(r.stdout).toMatch(ANSI)
  })

  it('unperf budget with no run recorded: the message in the file has no escape codes', () => {
    const dir = project('unperf-streams-budget-')
    const r = stderrIntoFileOnTerminal(dir, 'budget')
    expect(r.stderr).toContain('no run recorded')
    expect(r.stderr).not.toMatch(ANSI)
  })

  it('unperf doctor with a problem: "1 problem" in the file has no escape codes', () => {
    const dir = project('unperf-streams-doctor-', { cache: { driver: ['fs', { driver: 'redis', url: 'redis://127.0.0.1:1' }] } })
    const r = stderrIntoFileOnTerminal(dir, 'doctor')
    expect(r.stderr).toContain('1 problem')
    expect(r.stderr).not.toMatch(ANSI)
  })
})

describe('unperf bench: warnings on stderr, as hyperfine writes them', () => {
  it('stdout holds the results alone; each warning is on stderr', () => {
    const dir = project('unperf-streams-bench-')
    const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '-i', 'exit 3')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Benchmark: exit 3')
    expect(r.stdout).not.toContain('Warning')
    expect(r.stderr).toMatch(/Warning: 'exit 3' exited non-zero in 2 runs/)
  })
})
