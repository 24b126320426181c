/** `unperf bench`'s statistics: relative speed and its text when the fastest command measured 0; which warning a command's runs get. */
import { describe, expect, it } from 'vitest'
import { mannWhitney, outliers, ratioText, relative, summarize } from '../../src/cli/bench-stats.js'
import { benchWarnings } from '../../src/cli/bench-warnings.js'

describe('bench statistics', () => {
  it('relative speed with its propagated error', () => {
    const fast = summarize([0.010, 0.011, 0.009])
    const slow = summarize([0.020, 0.022, 0.018])
    expect(ratioText(relative(fast, slow))).toBe('2.00 ± 0.28')
  })

  it('no Infinity ± NaN when the fastest mean is 0 (every run within the shell spawn time subtracted)', () => {
    const zero = summarize([0, 0, 0])
    const slow = summarize([0.01, 0.012, 0.011])
    expect(ratioText(relative(zero, slow))).toBe('?')
    expect(ratioText(relative(zero, zero))).toBe('?')
  })

  it('Mann-Whitney U: identical samples are not different, disjoint ones are', () => {
    const a = Array.from({ length: 12 }, (_, i) => 1 + i / 100)
    expect(mannWhitney(a, a).p).toBeGreaterThan(0.5)
    expect(mannWhitney(a, a.map(x => x + 1)).p).toBeLessThan(0.001)
  })

  it("outliers by hyperfine's rule (modified Z-score over 14.826): run-to-run jitter is not one, a run 10× the spread away is", () => {
    // runs of `sleep 0.1` a few ms apart: the old rule (5 × 1.4826 × MAD) called one of each an outlier
    expect(outliers([0.1031, 0.1036, 0.1038, 0.1041, 0.1070])).toBe(0)
    expect(outliers([0.100, 0.1002, 0.0998, 0.1001, 0.0999, 0.1015])).toBe(0)
    expect(outliers([0.100, 0.1002, 0.0998, 0.1001, 0.0999, 0.130])).toBe(1)
    expect(outliers([0.1, 0.1, 0.1, 0.2])).toBe(0) // no spread to judge by (MAD 0)
  })

  it('warnings: outliers elsewhere than the first run are said as outliers; runs with no spread (MAD 0) judge the first run against twice the median', () => {
    const base = { command: 'c', exit_codes: [0, 0, 0, 0, 0, 0] }
    const later = [0.100, 0.1002, 0.0998, 0.1001, 0.0999, 0.130]
    expect(benchWarnings({ ...base, times: later, median: 0.1 })).toEqual(["'c': 1 statistical outlier: other programs may have interfered; try --warmup or a quieter machine"])
    const flat = [0.3, 0.1, 0.1, 0.1, 0.1, 0.1]
    expect(benchWarnings({ ...base, times: flat, median: 0.1 })).toEqual(["'c': the first run was much slower (300.0 ms, a cold cache?): try --warmup or --prepare"])
    expect(benchWarnings({ ...base, times: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], median: 0.1 })).toEqual([])
    // the hints follow what is in use already, as hyperfine's: bench's --warmup is 1 by default, and "try --warmup" told its users to do what they did
    expect(benchWarnings({ ...base, times: flat, median: 0.1 }, { warmup: 1, prepare: false })).toEqual(["'c': the first run was much slower (300.0 ms, a cold cache?): try more than --warmup 1, or a --prepare that clears the cache before each run"])
    expect(benchWarnings({ ...base, times: flat, median: 0.1 }, { warmup: 0, prepare: true })).toEqual(["'c': the first run was much slower (300.0 ms, a cold cache?): try --warmup, or a --prepare that clears the cache before each run"])
    expect(benchWarnings({ ...base, times: flat, median: 0.1 }, { warmup: 3, prepare: true })).toEqual(["'c': the first run was much slower (300.0 ms, a cold cache?): with --warmup 3 and --prepare in use, a random outlier? try a quieter machine, or more than --warmup 3"])
    expect(benchWarnings({ ...base, times: later, median: 0.1 }, { warmup: 1, prepare: false })).toEqual(["'c': 1 statistical outlier: other programs may have interfered; try a quieter machine, or more than --warmup 1"])
  })
})
