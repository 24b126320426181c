/** issue 10: longest-processing-time-first shards over recorded medians. */
import { describe, expect, it } from 'vitest'
import { balanceOf, countShards, fileDurations, median, planShards } from '../../src/vitest/shard.js'
import { run } from './_entries.js'

describe('fileDurations', () => {
  it('takes each file\'s median over the runs where it ran; unknown files get the median of the known', () => {
    const d = fileDurations([
      run({ 'a.test.ts': 100, 'b.test.ts': 10 }),
      run({ 'a.test.ts': 300, 'b.test.ts': 20, 'c.test.ts': 50 }),
      run({ 'a.test.ts': 110 }),
    ])
    expect(Object.fromEntries(d.medians)).toEqual({ 'a.test.ts': 110, 'b.test.ts': 15, 'c.test.ts': 50 })
    expect(d.fallback).toBe(50)
    expect(fileDurations([]).fallback).toBe(1)
  })

  it('looks at the last 20 runs of each file, in time order', () => {
    const runs = Array.from({ length: 30 }, (_, i) => run({ 'a.test.ts': i < 10 ? 1000 : 10 }))
    expect(fileDurations(runs).medians.get('a.test.ts')).toBe(10)
    expect(fileDurations([...runs].reverse()).medians.get('a.test.ts')).toBe(10)
    expect(fileDurations(runs, 30).medians.get('a.test.ts')).toBe(10)
    expect(fileDurations(runs.slice(0, 21)).medians.get('a.test.ts')).toBe(10) // 9 × 1000, 11 × 10
    expect(fileDurations(runs.slice(0, 12)).medians.get('a.test.ts')).toBe(1000)
  })

  it('leaves out runs filtered by test name or line (partial)', () => {
    const d = fileDurations([run({ 'a.test.ts': 100 }), run({ 'a.test.ts': 1 }, { partial: true })])
    expect(d.medians.get('a.test.ts')).toBe(100)
  })

  it('leaves out files skipped as a whole, sums a file run by two projects', () => {
    const d = fileDurations([run([
      { path: 'x.test.ts', project: 'node', state: 'passed', duration: 40, setup: 0, tests: [] },
      { path: 'x.test.ts', project: 'dom', state: 'failed', duration: 60, setup: 0, tests: [] },
      { path: 'y.test.ts', state: 'skipped', duration: 1, setup: 0, tests: [] },
    ])])
    expect(Object.fromEntries(d.medians)).toEqual({ 'x.test.ts': 100 })
  })
})

describe('planShards', () => {
  const durations = fileDurations([run({ 'big.test.ts': 90, 'm1.test.ts': 50, 'm2.test.ts': 40, 's1.test.ts': 10, 's2.test.ts': 10 })])

  it('puts the longest files first into the least loaded shard', () => {
    const plan = planShards(['s2.test.ts', 'big.test.ts', 's1.test.ts', 'm1.test.ts', 'm2.test.ts'], durations, 2)
    expect(plan.shards).toEqual([
      { index: 1, files: ['big.test.ts', 's1.test.ts'], expected: 100 },
      { index: 2, files: ['m1.test.ts', 'm2.test.ts', 's2.test.ts'], expected: 100 },
    ])
    expect(plan.balance).toBe(1)
  })

  it('is deterministic: the input order does not matter, ties go by path then shard index', () => {
    const files = ['s1.test.ts', 's2.test.ts', 'big.test.ts', 'm2.test.ts', 'm1.test.ts']
    const a = planShards(files, durations, 3)
    const b = planShards([...files].reverse(), durations, 3)
    expect(b).toEqual(a)
    const even = fileDurations([run({ 'd.test.ts': 5, 'c.test.ts': 5, 'b.test.ts': 5, 'a.test.ts': 5 })])
    expect(planShards(['d.test.ts', 'c.test.ts', 'b.test.ts', 'a.test.ts'], even, 2).shards.map(s => s.files))
      .toEqual([['a.test.ts', 'c.test.ts'], ['b.test.ts', 'd.test.ts']])
  })

  it('estimates files without history at the median of the known ones', () => {
    const plan = planShards(['big.test.ts', 'new.test.ts'], durations, 2)
    expect(plan.unknown).toEqual(['new.test.ts'])
    expect(plan.fallback).toBe(40)
    expect(plan.shards.map(s => s.expected)).toEqual([90, 40])
  })

  it('says the estimate of files without history to the 1/100 ms, as the expected durations (no float noise in --json)', () => {
    const d = fileDurations([run({ 'a.test.ts': 1.1, 'b.test.ts': 2.2 })])
    expect(d.fallback).not.toBe(1.65) // (1.1 + 2.2) / 2 in floating point
    const plans = [planShards(['a.test.ts', 'b.test.ts', 'new.test.ts'], d, 2), countShards(['a.test.ts', 'b.test.ts', 'new.test.ts'], d, 2)]
    for (const plan of plans) expect(plan.fallback).toBe(1.65)
  })

  it('keeps together files one of whose paths contains the other (vitest filters are substrings)', () => {
    const d = fileDurations([run({ 'a.test.ts': 50, 'data.test.ts': 50, 'x.test.ts': 50, 'y.test.ts': 50 })])
    const plan = planShards(['a.test.ts', 'data.test.ts', 'x.test.ts', 'y.test.ts'], d, 2)
    expect(plan.grouped).toEqual([['a.test.ts', 'data.test.ts']])
    const withA = plan.shards.find(s => s.files.includes('a.test.ts'))!
    expect(withA.files).toContain('data.test.ts')
    // and so the filter of any file matches no file of another shard
    for (const shard of plan.shards) {
      const others = plan.shards.filter(s => s !== shard).flatMap(s => s.files)
      for (const f of shard.files) expect(others.some(o => o.toLowerCase().includes(f.toLowerCase()))).toBe(false)
    }
  })

  it('more shards than files: the extra shards are empty', () => {
    const plan = planShards(['big.test.ts'], durations, 3)
    expect(plan.shards.map(s => s.files.length)).toEqual([1, 0, 0])
    expect(() => planShards([], durations, 0)).toThrow(RangeError)
  })

  it('beats count-based sharding when a few files dominate', () => {
    const times: Record<string, number> = {}
    for (let i = 0; i < 20; i++) times[`t${String(i).padStart(2, '0')}.test.ts`] = i < 3 ? 1000 : 20
    const d = fileDurations([run(times)])
    const files = Object.keys(times)
    const lpt = planShards(files, d, 3)
    const count = countShards(files, d, 3)
    expect(count.shards.map(s => s.files.length)).toEqual([7, 7, 6])
    expect(lpt.balance).toBeLessThanOrEqual(count.balance)
    expect(lpt.balance).toBeLessThan(1.05)
  })
})

describe('helpers', () => {
  it('median and balance', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
    expect(median([])).toBe(0)
    expect(balanceOf([100, 100])).toBe(1)
    expect(balanceOf([150, 50])).toBe(1.5)
    expect(balanceOf([0, 0])).toBe(1)
  })
})
