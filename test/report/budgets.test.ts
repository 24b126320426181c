import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { detectRegressions, evaluateBudgets, percentile, regressionThreshold } from '../../src/runtime/report/budgets.js'
import { checkFileBudgets } from '../../src/runtime/report/file-budgets.js'
import { buildReport } from '../../src/runtime/report/finalize.js'
import { historyEntry, type HistoryEntry } from '../../src/runtime/report/history.js'
import type { PerfConfig } from '../../src/config/types.js'
import { tempDir } from '../helpers/tmp.js'
import { command, reportConfig, runState } from './_state.js'

function past(durations: number[], name = 'build', status: 'ok' | 'error' = 'ok'): HistoryEntry[] {
  return durations.map((duration, i) => ({
    v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), runId: `r${i}`, pid: 1000 + i, name: 'acme', version: '1.0.0', env: 'test',
    commands: [{ name, duration, memoryPeak: 1e6, status }], cache: { hitRate: 0, lookups: 0 }, peakRss: 1e6, budgetsFailed: [],
  }))
}

function setup(budgets: PerfConfig['budgets'], commands = [command('build', 1000)], cache?: { hits: number; misses: number; stale?: number; hitRate?: number }) {
  const dir = tempDir()
  const config = reportConfig(dir, { budgets })
  const stats = cache && { hits: cache.hits, misses: cache.misses, stale: cache.stale ?? 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: cache.hitRate ?? cache.hits / Math.max(1, cache.hits + cache.misses), namespaces: {} }
  const report = buildReport(runState(config, commands, { cache: stats }))
  return { dir, config, report }
}

describe('evaluateBudgets', () => {
  it('judges startup against process start → first command, with over and overRatio on a breach', () => {
    const { report, config } = setup({ startup: 1 })
    report.startup.total = 40
    const [r] = evaluateBudgets(report, config, [])
    expect(r).toMatchObject({ budget: 'budgets.startup', kind: 'startup', status: 'fail', actual: 40, limit: 1, unit: 'ms', over: 39, overRatio: 39 })
    expect(r!.message).toMatch(/over the budget/)
    report.startup.total = 0.5
    expect(evaluateBudgets(report, config, [])[0]).toMatchObject({ status: 'pass' })
  })

  it('skips startup when no command ran', () => {
    const { report, config } = setup({ startup: 1 }, [])
    expect(evaluateBudgets(report, config, [])[0]).toMatchObject({ status: 'skip' })
  })

  it('judges peak rss', () => {
    const { report, config } = setup({ memory: '1MB' })
    expect(evaluateBudgets(report, config, [])[0]).toMatchObject({ kind: 'memory', status: 'fail', limit: 1_000_000, unit: 'bytes' })
    const big = setup({ memory: '100GB' })
    expect(evaluateBudgets(big.report, big.config, [])[0]).toMatchObject({ status: 'pass' })
  })

  it('does not judge the cache hit rate without lookups; below the target it fails by limit − actual', () => {
    const none = setup({ cacheHitRate: 0.7 })
    expect(evaluateBudgets(none.report, none.config, [])[0]).toMatchObject({ kind: 'cacheHitRate', status: 'skip' })
    const low = setup({ cacheHitRate: 0.7 }, undefined, { hits: 1, misses: 3 })
    const r = evaluateBudgets(low.report, low.config, [])[0]!
    expect(r).toMatchObject({ status: 'fail', actual: 0.25, limit: 0.7, unit: 'ratio' })
    expect(r.over).toBeCloseTo(0.45)
    const good = setup({ cacheHitRate: 0.7 }, undefined, { hits: 9, misses: 1 })
    expect(evaluateBudgets(good.report, good.config, [])[0]).toMatchObject({ status: 'pass' })
  })

  it('judges the hit rate of a run that served only stale values (swr): it looked the cache up, and was answered from it', () => {
    // stats() of such a run: { hits: 0, misses: 0, stale: 3, hitRate: 1 } (cache.test.ts); it read
    // "no cache lookups, not judged", and the history recorded 0 lookups
    const stale = setup({ cacheHitRate: 0.7 }, undefined, { hits: 0, misses: 0, stale: 3, hitRate: 1 })
    expect(evaluateBudgets(stale.report, stale.config, [])[0]).toMatchObject({ kind: 'cacheHitRate', status: 'pass', actual: 1 })
    expect(historyEntry(stale.report).cache).toEqual({ hitRate: 1, lookups: 3 })
  })

  it('does not judge the cache hit rate of a run with the cache off (--no-cache, UNPERF_CACHE=0): its misses were asked for', () => {
    const dir = tempDir()
    const config = reportConfig(dir, { budgets: { cacheHitRate: 0.7, mode: 'error' }, cache: { enabled: false } })
    const stats = { hits: 0, misses: 4, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0, namespaces: {} }
    const report = buildReport(runState(config, [command('build', 10)], { cache: stats }))
    // recorded in report.json, so `unperf budget` (whose own config has the cache on) judges it the same
    expect(report.cache.enabled).toBe(false)
    const on = reportConfig(dir, { budgets: { cacheHitRate: 0.7, mode: 'error' } })
    for (const c of [config, on]) {
      const [r] = evaluateBudgets(report, c, [])
      expect(r).toMatchObject({ kind: 'cacheHitRate', status: 'skip' })
      expect(r!.message).toContain('the cache was off for this run')
    }
    // the cache on: the same misses fail
    const judged = buildReport(runState(on, [command('build', 10)], { cache: stats }))
    expect(judged.cache.enabled).toBeUndefined()
    expect(evaluateBudgets(judged, on, [])[0]).toMatchObject({ status: 'fail' })
  })

  it('judges a command: duration of this run, memory peak during it, p95 over history + this run', () => {
    const { report, config } = setup({ commands: { build: { duration: '500ms', memory: '10MB', p95: '1s' }, lint: { duration: 1 } } }, [command('build', 800, { memoryPeak: 5e6 })])
    const results = evaluateBudgets(report, config, past([100, 120, 900, 1500, 110]))
    const by = Object.fromEntries(results.map(r => [r.budget, r]))
    expect(by['budgets.commands.build.duration']).toMatchObject({ status: 'fail', actual: 800, limit: 500, over: 300, command: 'build' })
    expect(by['budgets.commands.build.memory']).toMatchObject({ kind: 'commandMemory', status: 'pass', actual: 5e6 })
    // series: 100 120 900 1500 110 800 → nearest-rank p95 = 1500
    expect(by['budgets.commands.build.p95']).toMatchObject({ kind: 'p95', status: 'fail', actual: 1500, limit: 1000, runs: 6 })
    // how many runs it is over: under 20 it is the slowest of them, 1.50 s after an 800 ms run
    expect(by['budgets.commands.build.p95']!.message).toBe('budgets.commands.build.p95: 1.50 s (p95 of 6 runs) is over the budget of 1.00 s (+500 ms)')
    expect(by['budgets.commands.lint.duration']).toBeUndefined() // lint did not run
  })

  it("names a command's budget by its key path as config errors do: `budgets.commands['cache clear'].duration` (an adapter's subcommand)", () => {
    // `budgets.commands.cache clear.duration` read as two keys, and `db.migrate` as `budgets.commands.db.migrate`, a nested one
    const { report, config } = setup({ commands: { 'cache clear': { duration: '500ms', p95: '1s' }, 'db.migrate': { memory: '1MB' } } }, [command('cache clear', 800), command('db.migrate', 10, { memoryPeak: 5e6 })])
    const results = evaluateBudgets(report, config, [])
    expect(results.map(r => r.budget)).toEqual(["budgets.commands['cache clear'].duration", "budgets.commands['cache clear'].p95", "budgets.commands['db.migrate'].memory"])
    expect(results[0]!.message).toMatch(/^budgets\.commands\['cache clear'\]\.duration: 800 ms is over the budget of 500 ms/)
  })

  it("says how many runs a p95 is over, a first run's too (judged alone: a fresh CI runner's)", () => {
    const { report, config } = setup({ commands: { build: { p95: '1s' } } }, [command('build', 200)])
    const [r] = evaluateBudgets(report, config, [])
    expect(r).toMatchObject({ kind: 'p95', status: 'pass', actual: 200, runs: 1 })
    expect(r!.message).toBe('budgets.commands.build.p95: 200 ms (p95 of 1 run) within 1.00 s')
  })

  it('leaves failed runs out of the p95 series', () => {
    const { report, config } = setup({ commands: { build: { p95: '1s' } } }, [command('build', 200)])
    const r = evaluateBudgets(report, config, past([5000, 5000, 5000], 'build', 'error'))
    expect(r.find(b => b.kind === 'p95')).toMatchObject({ status: 'pass', actual: 200, runs: 1 })
  })
})

describe('percentile', () => {
  it('is nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 95)).toBe(95)
    expect(percentile([7], 95)).toBe(7)
  })
})

describe('regressions (median + max(3 × 1.4826 × MAD, 5 % of the median, 1 ms))', () => {
  const steady = [1000, 1010, 990, 1005, 995, 1002]

  it('needs at least 5 prior runs of the command', () => {
    const { report } = setup({}, [command('build', 5000)])
    expect(detectRegressions(report, past([1000, 1000, 1000, 1000]))).toEqual([])
    expect(detectRegressions(report, past([1000, 1000, 1000, 1000, 1000]))).toHaveLength(1)
  })

  it('flags a run far above the median and reports it against the threshold', () => {
    const { report } = setup({}, [command('build', 1500)])
    const [r] = detectRegressions(report, past(steady))
    const { median, threshold } = regressionThreshold(steady)
    expect(median).toBe(1001)
    expect(r).toMatchObject({ budget: 'regression.build', kind: 'regression', status: 'fail', actual: 1500, limit: threshold, command: 'build', unit: 'ms' })
    expect(r!.over).toBeCloseTo(1500 - threshold)
    expect(r!.message).toMatch(/slower than its median/)
  })

  it('does not flag noise: within 5 % of a tight median, or within 3 MAD of a noisy one', () => {
    expect(detectRegressions(setup({}, [command('build', 1040)]).report, past(steady))).toEqual([])
    const noisy = [800, 1200, 1000, 900, 1300, 1100, 950]
    // median 1000, MAD 100 → threshold 1000 + 3 × 148.26 ≈ 1444.8
    expect(regressionThreshold(noisy).threshold).toBeCloseTo(1444.78, 1)
    expect(detectRegressions(setup({}, [command('build', 1400)]).report, past(noisy))).toEqual([])
    expect(detectRegressions(setup({}, [command('build', 1500)]).report, past(noisy))).toHaveLength(1)
  })

  it('a sub-millisecond command is no regression for less than 1 ms more: 5 % of 0.3 ms is noise between processes', () => {
    // a command doing nothing, one run a process, as bench/regression-floor.mjs measured it: the
    // processes' spread a few µs, a later one 0.45 ms (+50 %), which the 5 % alone made a regression
    const tiny = [0.3, 0.302, 0.298, 0.301, 0.299, 0.3]
    expect(regressionThreshold(tiny).threshold).toBeCloseTo(1.3, 9)
    expect(detectRegressions(setup({}, [command('noop', 0.45)]).report, past(tiny, 'noop'))).toEqual([])
    expect(detectRegressions(setup({}, [command('noop', 1.29)]).report, past(tiny, 'noop'))).toEqual([])
    // 1 ms more is one, whatever the ratio
    const [r] = detectRegressions(setup({}, [command('noop', 1.31)]).report, past(tiny, 'noop'))
    expect(r).toMatchObject({ budget: 'regression.noop', actual: 1.31, baseline: 0.3, baselineRuns: 6, runs: 1 })
    expect(r!.limit).toBeCloseTo(1.3, 9)
    // above a second, 5 % is more than 1 ms: the floor changes nothing there
    expect(regressionThreshold(steady).threshold).toBeCloseTo(1001 + Math.max(3 * 1.4826 * 5, 50.05), 9)
  })

  it('a regression carries what it was judged against as fields, not only in its message', () => {
    const [cli] = detectRegressions(setup({}, [command('build', 1500)]).report, past(steady))
    expect(cli).toMatchObject({ baseline: 1001, baselineRuns: 6, runs: 1 })
    // a process that ran it 3 times: actual is their median, runs 3
    const [service] = detectRegressions(setup({}, [command('build', 1400), command('build', 1500), command('build', 1600)]).report, past(steady))
    expect(service).toMatchObject({ actual: 1500, baseline: 1001, baselineRuns: 6, runs: 3 })
    expect(service!.message).toContain(`(median of its 3 runs), ${((1500 / 1001 - 1) * 100).toFixed(0)} % slower than its median of 1.00 s over 6 runs`)
  })

  it('compares only with the same command, successful runs, and never with this run itself', () => {
    const { report } = setup({}, [command('build', 5000)])
    expect(detectRegressions(report, past(steady, 'lint'))).toEqual([])
    expect(detectRegressions(report, past(steady, 'build', 'error'))).toEqual([])
    const own = past(steady)
    // the last line is this run (as `unperf budget` sees it after the run was appended)
    const withOwn = [...own.slice(0, 4), { ...own[4]!, time: report.endedAt, pid: report.pid }]
    expect(detectRegressions(report, withOwn)).toEqual([])
  })

  it('a command run several times in the process is judged by the median of its runs, not by its cold first run', () => {
    // a watch mode: each session's first build is cold (2 s), its rebuilds warm (200 ms); the history's
    // newest 50 runs are mostly rebuilds, so the first run alone was a regression at every session
    const session = (warm: number) => [2000, ...Array.from({ length: 9 }, (_, i) => warm + (i % 3))]
    const history: HistoryEntry[] = Array.from({ length: 6 }, (_, i) => ({
      ...past([0])[0]!, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), runId: `s${i}`, pid: 2000 + i,
      commands: session(200).map(duration => ({ name: 'build', duration, memoryPeak: 1e6, status: 'ok' as const })),
    }))
    const same = setup({}, session(200).map(d => command('build', d)))
    expect(detectRegressions(same.report, history)).toEqual([])
    // the rebuilds got slower: the median of the session's runs (400 ms) is judged
    const slower = setup({}, [command('build', 2000), command('build', 0, { status: 'error' }), ...Array.from({ length: 9 }, () => command('build', 400))])
    const [r] = detectRegressions(slower.report, history)
    expect(r).toMatchObject({ budget: 'regression.build', kind: 'regression', status: 'fail', actual: 400, command: 'build' })
    expect(r!.message).toMatch(/^'build' took 400 ms \(median of its 10 runs\), \d+ % slower than its median of 20\d ms over 50 runs/)
  })

  it('is off with budgets.regressions = false', () => {
    const on = setup({}, [command('build', 5000)])
    expect(evaluateBudgets(on.report, on.config, past(steady)).some(b => b.kind === 'regression')).toBe(true)
    const off = setup({ regressions: false }, [command('build', 5000)])
    expect(evaluateBudgets(off.report, off.config, past(steady))).toEqual([])
  })
})

describe('checkFileBudgets', () => {
  function project() {
    const dir = tempDir()
    mkdirSync(join(dir, 'dist/chunks'), { recursive: true })
    const a = Buffer.from('export const a = 1;\n'.repeat(500))
    const b = Buffer.from('export const b = "x";\n'.repeat(300))
    writeFileSync(join(dir, 'dist/a.mjs'), a)
    writeFileSync(join(dir, 'dist/chunks/b.mjs'), b)
    writeFileSync(join(dir, 'dist/c.map'), 'x'.repeat(100000))
    mkdirSync(join(dir, 'node_modules/dep'), { recursive: true })
    writeFileSync(join(dir, 'node_modules/dep/x.mjs'), 'x'.repeat(100000))
    return { dir, a, b }
  }

  it('sums the sizes after none, gzip (level 9) and brotli (quality 11), globs relative to cwd', () => {
    const { dir, a, b } = project()
    const config = reportConfig(dir, {
      budgets: {
        files: [
          { path: 'dist/**/*.mjs', limit: 1_000_000, compression: 'none' },
          { path: 'dist/**/*.mjs', limit: '1kB', compression: 'gzip' },
          { path: 'dist/{a,chunks/b}.mjs', limit: '1kB', compression: 'brotli' },
          { path: 'dist/a.mjs', limit: 10, compression: 'none' },
        ],
      },
    })
    const [none, gzip, brotli, single] = checkFileBudgets(config)
    expect(none).toMatchObject({ budget: 'budgets.files[0]', kind: 'file', status: 'pass', actual: a.length + b.length, file: 'dist/**/*.mjs' })
    expect(gzip!.actual).toBe(gzipSync(a, { level: 9 }).length + gzipSync(b, { level: 9 }).length)
    expect(brotli!.actual).toBe(brotliCompressSync(a, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length + brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length)
    expect(gzip!.status).toBe('pass')
    expect(single).toMatchObject({ status: 'fail', actual: a.length, limit: 10, over: a.length - 10 })
    expect(single!.message).toMatch(/dist\/a\.mjs \(1 file, none\)/)
  })

  it('fails a budget whose glob matches nothing (a renamed output must not pass silently) and ignores node_modules', () => {
    const { dir } = project()
    const config = reportConfig(dir, { budgets: { files: [{ path: 'build/*.js', limit: 10 }, { path: '**/x.mjs', limit: 10 }] } })
    const [missing, deps] = checkFileBudgets(config)
    expect(missing).toMatchObject({ status: 'fail', actual: 0 })
    expect(missing!.message).toMatch(/no file matches/)
    expect(deps).toMatchObject({ status: 'fail' })
    expect(deps!.message).toMatch(/no file matches/)
  })

  it("a glob that names node_modules matches there (a dependency's bundle), others still skip it", () => {
    const { dir } = project()
    const config = reportConfig(dir, { budgets: { files: [{ path: 'node_modules/dep/*.mjs', limit: 10 }, { path: './node_modules/**/x.mjs', limit: 200_000 }, { path: '**/x.mjs', limit: 10 }] } })
    const [named, dotted, anywhere] = checkFileBudgets(config)
    expect(named).toMatchObject({ status: 'fail', actual: 100000, over: 99990 })
    expect(named!.message).toMatch(/node_modules\/dep\/\*\.mjs \(1 file, none\)/)
    expect(dotted).toMatchObject({ status: 'pass', actual: 100000 })
    expect(anywhere!.message).toMatch(/no file matches/)
  })
})
