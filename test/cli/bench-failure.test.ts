/**
 * `unperf bench` like hyperfine: the first run that exits non-zero (a warm-up one included) stops
 * the benchmark (before, `unperf bench false 'ls /nonexistent'` ran each 1000 times, 34 s, to say
 * they failed), and without --runs the number of runs is what fits in 3 s counting all a run costs:
 * the command, the shell's spawn and --prepare (before, `unperf bench true` made 1000 runs, 20 s).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf bench', () => {
  it('stops at the first run that exits non-zero, warm-ups included, naming the command and its code (exit 1)', () => {
    const dir = tempDir('unperf-bench-failure-')
    // no --runs: it would have been as many runs as fit in 3 s of a command that takes no time
    const r = unperf(dir, 'bench', '--warmup', '0', '--json', 'printf x >> ran; exit 3', 'printf y >> next')
    expect(r.code).toBe(1)
    expect(r.json().error).toMatchObject({ name: 'BenchCommandError', code: 'E_BENCH_COMMAND_FAILED' })
    expect(r.json().error.message).toContain("'printf x >> ran; exit 3' exited with code 3 in run 1: the benchmark stopped")
    expect(readFileSync(join(dir, 'ran'), 'utf8')).toBe('x')
    expect(existsSync(join(dir, 'next'))).toBe(false) // the commands after it are not run
    const warm = unperf(dir, 'bench', '--warmup', '2', 'exit 4')
    expect(warm.code).toBe(1)
    expect(warm.stderr).toContain("'exit 4' exited with code 4 in warm-up run 1")
  })

  it("a command or --prepare the shell cannot find (127) or run (126) is said so: its output, the shell's 'not found', is discarded", () => {
    const dir = tempDir('unperf-bench-failure-')
    const missing = unperf(dir, 'bench', '--warmup', '0', 'unperf_no_such_command_x --version')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("'unperf_no_such_command_x --version' exited with code 127 (the shell found no such command) in run 1")
    writeFileSync(join(dir, 'script.sh'), 'echo hi\n', { mode: 0o644 })
    const notExecutable = unperf(dir, 'bench', '--warmup', '0', '--prepare', './script.sh', 'true')
    expect(notExecutable.code).toBe(1)
    expect(notExecutable.stderr).toContain('the --prepare command exited with code 126 (the shell found the command but could not run it: not executable?): ./script.sh')
  })

  it('a command failing after others completed keeps their results, as hyperfine does: printed, in --json beside the error, exported; exit 1', () => {
    const dir = tempDir('unperf-bench-failure-after-')
    const json = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--json', '--export-json', 'out.json', '--export-markdown', 'out.md', 'true', 'exit 3')
    expect(json.code).toBe(1)
    // before: { error } alone, and no export written
    expect(json.json().results.map((r: { command: string }) => r.command)).toEqual(['true'])
    expect(json.json().error).toMatchObject({ code: 'E_BENCH_COMMAND_FAILED', message: expect.stringContaining("'exit 3' exited with code 3 in run 1: the benchmark stopped") })
    expect(json.json().error.message).toContain('1 command had completed: its results are kept')
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results).toHaveLength(1)
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).toContain('| `true` |')
    const text = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', 'true', 'exit 3')
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/^Benchmark: true\n {2}Time \(mean ± σ\):/)
    expect(text.stderr).toContain("[unperf] 'exit 3' exited with code 3 in run 1")
  })

  it("the commands completed before a failure or a stop keep their warnings too (they were dropped: warnings: [])", () => {
    const dir = tempDir('unperf-bench-failure-warnings-')
    // a cold first run (1 s, then ~20 ms): the slow-first-run warning of a completed command
    const cold = `if [ -e ${join(dir, 'warm')} ]; then sleep 0.02; else touch ${join(dir, 'warm')}; sleep 1; fi`
    const json = unperf(dir, 'bench', '--runs', '6', '--warmup', '0', '--json', cold, 'exit 3')
    expect(json.code).toBe(1)
    expect(json.json().warnings).toEqual([expect.stringContaining('the first run was much slower')])
    rmSync(join(dir, 'warm'))
    const text = unperf(dir, 'bench', '--runs', '6', '--warmup', '0', cold, 'exit 3')
    expect(text.stderr).toMatch(/^Warning: .*the first run was much slower/m)
  })

  it('without --runs, as many runs as fit in 3 s with the shell spawn time and --prepare counted in each', () => {
    const dir = tempDir('unperf-bench-run-count-')
    const fast = unperf(dir, 'bench', '--warmup', '0', '--json', 'true')
    expect(fast.code, fast.stderr).toBe(0)
    const { results, shell_overhead: overhead } = fast.json()
    expect(results[0].times.length).toBeLessThanOrEqual(Math.max(10, Math.floor(3 / overhead)))
    const prepared = unperf(dir, 'bench', '--warmup', '0', '--prepare', 'sleep 0.1', '--json', 'true')
    expect(prepared.code, prepared.stderr).toBe(0)
    expect(prepared.json().results[0].times.length).toBeLessThanOrEqual(30)
  })
})
