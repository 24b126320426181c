/**
 * The plan `unperf shard` leaves for the reporter (shard-plan.ts): a run whose files are exactly a
 * recent plan's, for the same project, is that shard job; anything else is not. Real files in a temp
 * dir; the real vitest runs are in suite-runs.test.ts.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countSuiteRuns } from '../../src/vitest/suite-runs.js'
import { parseHistoryLines, type TestRunEntry } from '../../src/vitest/history-lines.js'
import { leaveShardPlan, matchShardPlan, runPaths, SHARD_PLAN_MAX_AGE_MS, shardPlanPath } from '../../src/vitest/shard-plan.js'
import { tempDir } from '../helpers/tmp.js'

const HISTORY = { runs: 3, last: 'abc' }
/** The run of these files (relative to root) as vitest gives them: module ids, absolute. */
function match(dir: string, root: string, files: string[], startedAt: number) {
  return matchShardPlan(dir, root, files.map(f => join(root, f)), startedAt)
}
function setup(): { dir: string; root: string } {
  const base = tempDir('unperf-shard-plan-')
  const root = join(base, 'project')
  mkdirSync(root)
  return { dir: join(base, 'history'), root }
}

describe('leaveShardPlan', () => {
  it('writes the plan 0600 in a 0700 dir it makes, by rename (no temp file left)', () => {
    const { dir, root } = setup()
    leaveShardPlan(dir, { index: 1, total: 2, root, files: ['test/b.test.ts', 'test/a.test.ts'], history: HISTORY }, 1000)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(shardPlanPath(dir)).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['shard-plan.json'])
    expect(JSON.parse(readFileSync(shardPlanPath(dir), 'utf8'))).toEqual({
      v: 1, plans: [{ index: 1, total: 2, root, files: ['test/a.test.ts', 'test/b.test.ts'], history: HISTORY, writtenAt: 1000 }],
    })
  })

  it('keeps one plan per index and total (index 1 then 2 on one machine), replaces the same index, drops old ones', () => {
    const { dir, root } = setup()
    const now = 10 * SHARD_PLAN_MAX_AGE_MS
    leaveShardPlan(dir, { index: 1, total: 3, root, files: ['old.test.ts'], history: HISTORY }, now - SHARD_PLAN_MAX_AGE_MS - 1)
    leaveShardPlan(dir, { index: 1, total: 2, root, files: ['a.test.ts'], history: HISTORY }, now - 5)
    leaveShardPlan(dir, { index: 2, total: 2, root, files: ['b.test.ts'], history: HISTORY }, now - 4)
    leaveShardPlan(dir, { index: 1, total: 2, root, files: ['c.test.ts'], history: HISTORY }, now)
    const plans = (JSON.parse(readFileSync(shardPlanPath(dir), 'utf8')) as { plans: { index: number; total: number; files: string[] }[] }).plans
    expect(plans.map(p => [p.index, p.total, p.files])).toEqual([[2, 2, ['b.test.ts']], [1, 2, ['c.test.ts']]])
  })

  it('no files (an empty shard, no test file found, one shard) removes that plan, and the file with the last', () => {
    const { dir, root } = setup()
    leaveShardPlan(dir, { index: 1, total: 2, root, files: ['a.test.ts'], history: HISTORY }, 1000)
    leaveShardPlan(dir, { index: 2, total: 2, root, files: ['b.test.ts'], history: HISTORY }, 1000)
    leaveShardPlan(dir, { index: 2, total: 2, root, files: [], history: HISTORY }, 1001)
    expect(match(dir, root, ['b.test.ts'], 1002)).toBeUndefined()
    expect(match(dir, root, ['a.test.ts'], 1002)?.index).toBe(1)
    leaveShardPlan(dir, { index: 1, total: 2, root, files: [], history: HISTORY }, 1003)
    expect(existsSync(shardPlanPath(dir))).toBe(false)
  })

  it('never writes into a dir someone else could write to', () => {
    const { dir, root } = setup()
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    expect(() => leaveShardPlan(dir, { index: 1, total: 2, root, files: ['a.test.ts'], history: HISTORY })).toThrow(/writable by everyone/)
    expect(existsSync(shardPlanPath(dir))).toBe(false)
  })

  it('writes over a corrupt or hand-edited plan file', () => {
    const { dir, root } = setup()
    mkdirSync(dir, { mode: 0o700 })
    writeFileSync(shardPlanPath(dir), '{"v":1,"plans":[{"index":"x"}', { mode: 0o600 })
    leaveShardPlan(dir, { index: 1, total: 2, root, files: ['a.test.ts'], history: HISTORY }, 1000)
    expect(match(dir, root, ['a.test.ts'], 1000)?.index).toBe(1)
  })
})

describe('matchShardPlan', () => {
  const plan = (dir: string, root: string, at = 1_000_000) => {
    leaveShardPlan(dir, { index: 1, total: 2, root, files: ['test/a.test.ts', 'test/b.test.ts'], history: HISTORY }, at)
    leaveShardPlan(dir, { index: 2, total: 2, root, files: ['test/c.test.ts'], history: HISTORY }, at)
  }

  it('a run of exactly the planned files is that shard job (any order, a file of two projects once)', () => {
    const { dir, root } = setup()
    plan(dir, root)
    expect(match(dir, root, ['test/b.test.ts', 'test/a.test.ts', 'test/b.test.ts'], 1_000_500)).toMatchObject({ index: 1, total: 2, history: HISTORY })
    expect(match(dir, root, ['test/c.test.ts'], 1_000_500)).toMatchObject({ index: 2, total: 2 })
  })

  it('a run of other files is not: the whole suite, part of the shard (vitest --shard, --changed on top), more', () => {
    const { dir, root } = setup()
    plan(dir, root)
    for (const ran of [['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'], ['test/a.test.ts'], ['test/a.test.ts', 'test/b.test.ts', 'test/d.test.ts'], []]) {
      expect(match(dir, root, ran, 1_000_500)).toBeUndefined()
    }
  })

  it('a plan left by an older pipeline is not this run\'s, nor one written after vitest started', () => {
    const { dir, root } = setup()
    plan(dir, root, 1_000_000)
    const files = ['test/a.test.ts', 'test/b.test.ts']
    expect(match(dir, root, files, 1_000_000 + SHARD_PLAN_MAX_AGE_MS)?.index).toBe(1)
    expect(match(dir, root, files, 1_000_000 + SHARD_PLAN_MAX_AGE_MS + 1)).toBeUndefined()
    expect(match(dir, root, files, 1_000_000 - 60_000)).toBeUndefined()
  })

  it('a plan of another project (root) is not this run\'s; the root is compared by its real path', () => {
    const { dir, root } = setup()
    plan(dir, root)
    const other = join(root, '..', 'other')
    mkdirSync(other)
    expect(match(dir, other, ['test/c.test.ts'], 1_000_500)).toBeUndefined()
    symlinkSync(root, join(root, '..', 'link'))
    expect(match(dir, join(root, '..', 'link'), ['test/c.test.ts'], 1_000_500)?.index).toBe(2)
  })

  it('no plan file, a link in its place, or one someone else could have written: no shard', () => {
    const { dir, root } = setup()
    expect(match(dir, root, ['test/c.test.ts'], 1_000_500)).toBeUndefined()
    plan(dir, root)
    chmodSync(shardPlanPath(dir), 0o666)
    expect(match(dir, root, ['test/c.test.ts'], 1_000_500)).toBeUndefined()
    chmodSync(shardPlanPath(dir), 0o600)
    const { dir: dir2 } = setup()
    mkdirSync(dir2, { mode: 0o700 })
    symlinkSync(shardPlanPath(dir), shardPlanPath(dir2))
    expect(match(dir2, root, ['test/c.test.ts'], 1_000_500)).toBeUndefined()
  })

  it('runPaths: vitest module ids as POSIX paths relative to the root', () => {
    expect(runPaths('/p', ['/p/test/a.test.ts', undefined, '', '/p/src/x.ts'])).toEqual(['test/a.test.ts', 'src/x.ts'])
  })
})

describe('shard jobs told by their plan count as one run of the suite', () => {
  const line = (over: Partial<TestRunEntry>): TestRunEntry => ({ v: 1, id: Math.random().toString(36), startedAt: 0, endedAt: 0, duration: 1, result: 'passed', commit: 'a'.repeat(40), files: [], ...over })

  it('four unperf shard jobs of one commit are one run; before the plan they read as four', () => {
    const jobs = [1, 2, 3, 4].map(i => line({ endedAt: i, shard: `${i}/4`, shardBy: 'unperf' }))
    expect(countSuiteRuns(jobs)).toBe(1)
    expect(countSuiteRuns(jobs.map(({ shard: _s, shardBy: _b, ...rest }) => rest))).toBe(4)
  })

  it('a line whose shardBy is not unperf\'s is skipped, said by its key', () => {
    const text = `${JSON.stringify(line({ shard: '1/2', shardBy: 'unperf' }))}\n${JSON.stringify({ ...line({}), shardBy: 'me' })}\n`
    const parsed = parseHistoryLines(text)
    expect(parsed.entries).toHaveLength(1)
    expect(parsed.lines).toEqual([{ line: 2, problem: `shardBy: expected 'unperf'` }])
  })
})
