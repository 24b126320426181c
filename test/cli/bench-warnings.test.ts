/**
 * `unperf bench`'s warnings as hyperfine gives them (src/output/warnings.rs): a first run that is
 * itself the outlier is a slow first run (a cold cache: --warmup, --prepare), said alone with its
 * time; not also "statistical outliers: other programs may have interfered", which sent users
 * looking for another program. Real child processes (the rule's cases: bench-stats.test.ts).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf bench warnings', () => {
  it('a first run much slower than the rest: the slow first run alone, with its time, not an outlier warning too', () => {
    const dir = tempDir('unperf-bench-first-run-')
    // the first run finds no marker (a cold cache): 1 s; every later one ~20 ms
    const r = unperf(dir, 'bench', '--warmup', '0', '--runs', '6', '--json', `if [ -e ${join(dir, 'warm')} ]; then sleep 0.02; else touch ${join(dir, 'warm')}; sleep 1; fi`)
    expect(r.code, r.stderr).toBe(0)
    const warnings = r.json().warnings.join('\n')
    expect(warnings).toMatch(/: the first run was much slower \(1\.\d+ s, a cold cache\?\): try --warmup or --prepare/)
    // before: also "1 statistical outlier: other programs may have interfered" about the same run
    expect(warnings).not.toMatch(/statistical outlier/)
  })

  it('a slow first run despite the default --warmup 1: the hint is more warm-up runs, not "try --warmup", which it was', () => {
    const dir = tempDir('unperf-bench-first-run-')
    // the second run of the command (the first timed one, after the warm-up) is the slow one: 1 s; the others ~20 ms
    const count = join(dir, 'count')
    const r = unperf(dir, 'bench', '--runs', '6', '--json', `n=$(cat ${count} 2>/dev/null || echo 0); echo $((n + 1)) > ${count}; if [ "$n" -eq 1 ]; then sleep 1; else sleep 0.02; fi`)
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().warnings.join('\n')).toMatch(/: the first run was much slower \(1\.\d+ s, a cold cache\?\): try more than --warmup 1, or a --prepare that clears the cache before each run$/)
  })
})
