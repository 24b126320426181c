/**
 * `unperf bench --baseline` as a CI gate: a run that could compare nothing with the baseline (fewer
 * than 10 runs on a side) says so, not "no regression against the baseline", which read as a
 * passed check; `compared` in --json counts the commands judged.
 */
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
})
