/** issue 10: flaky tests (retry, flips on the same code) and slow / slower tests. */
import { describe, expect, it } from 'vitest'
import { findFlaky } from '../../src/vitest/flaky.js'
import { findSlow, judge } from '../../src/vitest/slow.js'
import { file, run } from './_entries.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)

describe('findFlaky', () => {
  it('a pass after a retry is a flip within the run', () => {
    const flaky = findFlaky([run([file('t.test.ts', [['x', 1, 'p', 1], ['y', 1, 'p', 0]])])])
    expect(flaky).toEqual([{ file: 't.test.ts', name: 'x', flipRate: 1, flips: 1, transitions: 1, retried: 1, runs: 1, lastFlakyAt: expect.any(Number) }])
  })

  it('a result flipping between runs of the same commit, with its flip rate', () => {
    const flaky = findFlaky([
      run([file('t.test.ts', [['x', 1, 'p', 0]])], { commit: A }),
      run([file('t.test.ts', [['x', 1, 'f', 0]])], { commit: A }),
      run([file('t.test.ts', [['x', 1, 'f', 0]])], { commit: A }),
      run([file('t.test.ts', [['x', 1, 'p', 0]])], { commit: A }),
      run([file('t.test.ts', [['x', 1, 'p', 0]])], { commit: A }),
    ])
    expect(flaky).toMatchObject([{ name: 'x', flips: 2, transitions: 4, flipRate: 0.5, retried: 0, runs: 5, commit: A }])
  })

  it('a test fixed by a new commit, or changed in a dirty tree, is not flaky', () => {
    expect(findFlaky([
      run([file('t.test.ts', [['x', 1, 'f', 0]])], { commit: A }),
      run([file('t.test.ts', [['x', 1, 'p', 0]])], { commit: B }),
      run([file('t.test.ts', [['x', 1, 'f', 0]])], { commit: B, dirty: true, tree: '1111' }),
      run([file('t.test.ts', [['x', 1, 'p', 0]])], { commit: B, dirty: true, tree: '2222' }),
      run([file('t.test.ts', [['x', 1, 'f', 0]])], { commit: B, dirty: true }),
      run([file('t.test.ts', [['x', 1, 'p', 0]])]),
      run([file('t.test.ts', [['x', 1, 'f', 0]])]),
    ])).toEqual([])
  })

  it('same dirty tree twice counts as the same code; skipped results are ignored', () => {
    const flaky = findFlaky([
      run([file('t.test.ts', [['x', 1, 'f', 0]])], { commit: B, dirty: true, tree: '1111' }),
      run([file('t.test.ts', [['x', 1, 's', 0]])], { commit: B, dirty: true, tree: '1111' }),
      run([file('t.test.ts', [['x', 1, 'p', 0]])], { commit: B, dirty: true, tree: '1111' }),
    ])
    expect(flaky).toMatchObject([{ name: 'x', flips: 1, transitions: 1, runs: 2 }])
  })

  it('tests sharing a name in one file (test.each without a placeholder) are told apart by their place, not taken for one flaky test', () => {
    // one always passes, the other always fails: neither is flaky
    const entries = [1, 2].map(() => run([file('t.test.ts', [['same', 1, 'p', 0], ['same', 1, 'f', 0]])], { commit: A }))
    expect(findFlaky(entries)).toEqual([])
    // the second one flips on the same commit: it is the one listed, once per run
    expect(findFlaky([
      run([file('t.test.ts', [['same', 1, 'p', 0], ['same', 1, 'p', 0]])], { commit: A }),
      run([file('t.test.ts', [['same', 1, 'p', 0], ['same', 1, 'f', 0]])], { commit: A }),
    ])).toMatchObject([{ name: 'same (#2)', flips: 1, transitions: 1, runs: 2 }])
  })

  it('a suite whose hook fails in some runs is a flaky suite; while its file fails to load, its suites are not counted', () => {
    const broken = (failedSuites: string[]) => ({ ...file('t.test.ts', [['s > x', 0, 's', 0]], 'failed'), failedSuites })
    const ok = file('t.test.ts', [['s > x', 1, 'p', 0]])
    const flaky = findFlaky([
      run([ok], { commit: A }),
      run([broken(['s'])], { commit: A }),
      run([broken([''])], { commit: A }), // the import failed: suite 's' never ran, neither failed nor passed
      run([ok], { commit: A }),
    ])
    // 's': passed, failed, (did not run), passed; the file: loaded, loaded, failed to load, loaded
    expect(flaky).toEqual([
      { file: 't.test.ts', name: 's', suite: true, flipRate: 1, flips: 2, transitions: 2, retried: 0, runs: 3, lastFlakyAt: expect.any(Number), commit: A },
      { file: 't.test.ts', name: '', suite: true, flipRate: 0.667, flips: 2, transitions: 3, retried: 0, runs: 4, lastFlakyAt: expect.any(Number), commit: A },
    ])
  })

  it('ranks by flip rate, then flips, then path and name', () => {
    const flaky = findFlaky([
      run([file('b.test.ts', [['y', 1, 'p', 1]]), file('a.test.ts', [['z', 1, 'p', 1], ['w', 1, 'p', 2]])]),
    ])
    expect(flaky.map(t => `${t.file} ${t.name} ${t.flipRate}`)).toEqual(['a.test.ts z 1', 'b.test.ts y 1', 'a.test.ts w 0.5'])
  })
})

describe('findSlow', () => {
  it('lists the slowest files and tests by median', () => {
    const entries = [1, 2, 3].map(() => run([
      file('fast.test.ts', [['quick', 2, 'p', 0]]),
      file('slow.test.ts', [['heavy', 300, 'p', 0], ['light', 5, 'p', 0], ['skipped', 0, 's', 0]]),
    ]))
    const slow = findSlow(entries, { top: 2 })
    expect(slow.files.map(f => [f.file, f.median])).toEqual([['slow.test.ts', 305], ['fast.test.ts', 2]])
    expect(slow.tests.map(t => t.name)).toEqual(['heavy', 'light'])
    expect(slow.tests[0]).toMatchObject({ file: 'slow.test.ts', median: 300, last: 300, runs: 3 })
  })

  it('tests sharing a name in one file are timed apart', () => {
    const entries = [1, 2, 3].map(() => run([file('t.test.ts', [['same', 300, 'p', 0], ['same', 1, 'p', 0]])]))
    expect(findSlow(entries).tests.map(t => [t.name, t.median, t.runs])).toEqual([['same', 300, 3], ['same (#2)', 1, 3]])
  })

  it('reports what got slower: the last 3 runs against the runs before (median/MAD)', () => {
    const history = [100, 104, 98, 101, 99, 102, 100, 150, 148, 152]
    const entries = history.map(ms => run([file('t.test.ts', [['grows', ms, 'p', 0], ['steady', 50 + (ms % 3), 'p', 0]])]))
    const slow = findSlow(entries)
    expect(slow.slower.map(s => [s.file, s.name])).toEqual([['t.test.ts', 'grows'], ['t.test.ts', undefined]])
    expect(slow.slower[0]).toMatchObject({ baseline: 100, current: 150, ratio: 1.5 })
  })

  it('judge: one slow outlier, sub-ms jitter and short histories are not slowdowns', () => {
    expect(judge([100, 101, 99, 100, 102, 100, 250, 100])).toBeUndefined()
    expect(judge([0.5, 0.4, 0.5, 0.6, 0.5, 2, 2, 2])).toBeUndefined()
    expect(judge([100, 200, 200, 200])).toBeUndefined()
    expect(judge([100, 100, 100, 100, 100, 130, 130, 130])).toMatchObject({ baseline: 100, current: 130, threshold: 105 })
    // the command history's rule: median + max(3 × 1.4826 × MAD, 5 % of the median)
    expect(judge([1000, 1000, 1000, 1000, 1000, 1060, 1060, 1060])).toMatchObject({ baseline: 1000, threshold: 1050 })
    expect(judge([1000, 1000, 1000, 1000, 1000, 1040, 1040, 1040])).toBeUndefined()
  })
})
