/**
 * `unperf bench --runs 1`, as hyperfine 1.18 allows it: `Time (abs ≡)` with no σ (its JSON's
 * stddev is null, never NaN); it was refused (--runs ≥ 2). And `--export-markdown` of a command
 * that takes ≥ 1 s is in seconds, as hyperfine's (it was always in ms).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf bench --runs 1', () => {
  it('one run: Time (abs ≡), no σ, no NaN; stddev null in --json', () => {
    const dir = tempDir('unperf-bench-one-')
    const text = unperf(dir, 'bench', '--runs', '1', '--warmup', '0', 'sleep 0.01', 'sleep 0.05')
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Time \(abs ≡\): +[\d.]+ ms +\[User: [\d.]+ ms, System: [\d.]+ ms\]/)
    expect(text.stdout).not.toMatch(/NaN|σ|Range/)
    // a ratio without ± (no σ to propagate), one space before "times"
    expect(text.stdout).toMatch(/^ +\d+\.\d\d times faster than sleep 0\.05$/m)
    const json = unperf(dir, 'bench', '--runs', '1', '--warmup', '0', 'true', '--json')
    expect(json.code, json.stderr).toBe(0)
    expect(json.json().results[0]).toMatchObject({ stddev: null, times: [expect.any(Number)] })
  })

  it('--runs 0 is still refused', () => {
    const r = unperf(tempDir('unperf-bench-zero-'), 'bench', '--runs', '0', 'true')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--runs must be an integer ≥ 1')
  })

  it('--export-markdown of a command taking over 1 s: the table in seconds', () => {
    const dir = tempDir('unperf-bench-md-s-')
    const r = unperf(dir, 'bench', '--runs', '1', '--warmup', '0', '--export-markdown', 'out.md', 'sleep 1.1')
    expect(r.code, r.stderr).toBe(0)
    const [header, , row] = readFileSync(join(dir, 'out.md'), 'utf8').split('\n')
    expect(header).toBe('| Command | Mean [s] | Min [s] | Max [s] | Relative |')
    expect(row).toMatch(/^\| `sleep 1\.1` \| 1\.\d{3} \| 1\.\d{3} \| 1\.\d{3} \| 1\.00 \|$/)
  })
})
