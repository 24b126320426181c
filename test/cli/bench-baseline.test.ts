/**
 * `unperf bench --baseline` as a CI gate: a run that could compare nothing with the baseline (fewer
 * than 10 runs on a side) says so, not "no regression against the baseline", which read as a
 * passed check; `compared` in --json counts the commands judged. Each command is judged against
 * its own entry: a new command is not judged against another's, a command given twice (cold and
 * warm, two --prepare) against the entry of its own turn.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf bench --baseline', () => {
  it('nothing compared (fewer than 10 runs): said, not "no regression"; compared: 0 in --json', () => {
    const dir = tempDir('unperf-bench-baseline-')
    expect(unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--save-baseline', 'base.json', 'true').code).toBe(0)
    const text = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--baseline', 'base.json', 'true')
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).not.toContain('no regression against the baseline')
    expect(text.stdout).toContain('nothing compared with the baseline: no regression judged (the warnings say why)')
    expect(text.stderr).toContain("Warning: 'true': fewer than 10 runs here or in the baseline: not compared (--runs 10 or more)")
    const json = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--baseline', 'base.json', '--json', 'true')
    expect(json.json()).toMatchObject({ compared: 0, regressions: [] })
  })

  it('a baseline whose times or median are not seconds (strings, nulls, negative) is a usage error naming the file and the key path (exit 2): it was compared as it was', () => {
    const dir = tempDir('unperf-bench-baseline-')
    const file = join(dir, 'base.json')
    const cases: [unknown, string][] = [
      [{ command: 'true', median: 0.001, times: Array(12).fill('x') }, 'results[0].times[0]: expected seconds (a number ≥ 0), got "x"'],
      [{ command: 'true', median: 0.001, times: [0.001, null] }, 'results[0].times[1]: expected seconds (a number ≥ 0), got null'],
      [{ command: 'true', median: -5, times: [] }, 'results[0].median: expected seconds (a number ≥ 0), got -5'],
      [{ command: 'true', times: [] }, 'results[0].median: expected seconds (a number ≥ 0), got nothing'],
    ]
    for (const [result, said] of cases) {
      writeFileSync(file, JSON.stringify({ results: [result] }))
      const r = unperf(dir, 'bench', '--runs', '10', '--baseline', 'base.json', 'true')
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain(`--baseline ${file}: ${said}; expected the JSON of --save-baseline`)
      expect(r.stderr).not.toMatch(/    at /)
    }
  })

  it('against a baseline median of 0 (the shell spawn time subtracted) a run is slower once it takes the shell spawn time: it was "Infinity % slower" for any run, and a real one must still fail CI', () => {
    const dir = tempDir('unperf-bench-baseline-')
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ results: [{ command: 'true', median: 0, times: Array(12).fill(0) }, { command: 'sleep 0.05', median: 0, times: Array(12).fill(0) }] }))
    const fast = unperf(dir, 'bench', '--runs', '10', '--warmup', '0', '--baseline', 'base.json', 'true')
    expect(fast.code, fast.stderr).toBe(0)
    expect(fast.stdout + fast.stderr).not.toContain('Infinity')
    expect(fast.stdout).toContain('no regression')
    const slow = unperf(dir, 'bench', '--runs', '10', '--warmup', '0', '--baseline', 'base.json', 'sleep 0.05')
    expect(slow.code, slow.stderr).toBe(1)
    expect(slow.stdout + slow.stderr).not.toContain('Infinity')
    expect(slow.stdout).toMatch(/regression: 'sleep 0\.05' is \d+(\.\d+)? ms against a baseline of 0 ms \(p = /)
    const json = unperf(dir, 'bench', '--runs', '10', '--warmup', '0', '--json', '--baseline', 'base.json', 'sleep 0.05')
    expect(json.json().regressions).toEqual([expect.objectContaining({ command: 'sleep 0.05', change: null, median: expect.any(Number) })])
  })

  it("a command not in the baseline is not judged against the entry in its position when that entry is another command's of this run: a new command put first failed CI as a regression of the old one", () => {
    const dir = tempDir('unperf-bench-baseline-')
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ results: [{ command: 'true', median: 0.01, times: Array(12).fill(0.01) }] }))
    const r = unperf(dir, 'bench', '--runs', '10', '--warmup', '0', '--json', '--baseline', 'base.json', 'sleep 0.05', 'true')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ compared: 1, regressions: [] })
    expect(r.json().warnings).toContain("'sleep 0.05' is not in the baseline: not compared (the entry in its position, 'true', is the baseline of that command, run here too)")
    // with no command of that text in the run, the entry in the position is still the one compared, said so
    const renamed = unperf(dir, 'bench', '--runs', '10', '--warmup', '0', '--json', '--baseline', 'base.json', 'sleep 0.05')
    expect(renamed.code, renamed.stderr).toBe(1)
    expect(renamed.json().warnings).toContain("'sleep 0.05' is not in the baseline: compared with its entry in the same position, 'true'")
  })

  it('a command given twice (cold and warm, two --prepare) is judged against the entry of its own turn: both were judged against the first', () => {
    const dir = tempDir('unperf-bench-baseline-')
    // the first entry slower than any run of it here, the second much faster: only the second run regresses
    const entry = (seconds: number) => ({ command: 'sleep 0.03', median: seconds, times: Array(12).fill(seconds) })
    writeFileSync(join(dir, 'base.json'), JSON.stringify({ results: [entry(0.5), entry(0.001)] }))
    const r = unperf(dir, 'bench', '--runs', '10', '--warmup', '0', '--json', '--baseline', 'base.json', 'sleep 0.03', 'sleep 0.03')
    expect(r.code, r.stderr).toBe(1)
    expect(r.json().compared).toBe(2)
    expect(r.json().regressions).toEqual([expect.objectContaining({ command: 'sleep 0.03', change: expect.any(Number) })])
    expect(r.json().regressions[0].change).toBeGreaterThan(5)
    expect(r.json().warnings.join('\n')).not.toContain('not in the baseline')
  })
})
