/**
 * Shard jobs run one after another into one history dir (`for i in 1 2 3; do npx vitest run
 * $(npx unperf shard --total 3 --index $i); done`): job 1's run was recorded before job 2 planned,
 * so job 2 planned from another history and a file ran in two shards and another in none (audit of
 * the packed package, 10 files in 3 shards: f8 never ran, flaky.test.ts twice). A job now plans from
 * the history a sibling job of its pipeline planned from, when the runs since are its shard jobs.
 */
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TestRunEntry } from '../../src/vitest/history-lines.js'
import type { ShardPlanRecord } from '../../src/vitest/shard-plan.js'
import { pipelineHistory } from '../../src/vitest/shard-pipeline.js'
import { tempDir } from '../helpers/tmp.js'
import { run } from './_entries.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')
const FILES = ['a', 'b', 'c', 'd', 'e', 'f'].map(f => `test/${f}.test.ts`)

function project(): { dir: string; history: string } {
  const dir = tempDir('unperf-shard-pipeline-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shard-pipeline', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'test'))
  for (const f of FILES) writeFileSync(join(dir, f), '')
  const history = join(dir, '.unperf')
  mkdirSync(history, { mode: 0o700 })
  const durations = [100, 90, 80, 70, 60, 50]
  record(history, run(Object.fromEntries(FILES.map((f, i) => [f, durations[i]!]))))
  return { dir, history }
}

function record(history: string, entry: TestRunEntry): void {
  appendFileSync(join(history, 'tests.jsonl'), JSON.stringify(entry) + '\n', { mode: 0o600 })
}

function shard(dir: string, index: number, total = 3) {
  const r = spawnSync(process.execPath, [bin, 'shard', '--total', String(total), '--index', String(index), '--dir', '.unperf', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as { files: string[]; history: { runs: number; sameAs?: { index: number; runsSince: number } } }
}

/** A shard job's run as the reporter records it (shard-plan.ts matched its files): durations unlike the history's, to move the plan. */
function jobRun(files: string[], index: number, total = 3): TestRunEntry {
  return run(Object.fromEntries(files.map((f, i) => [f, i % 2 ? 10 : 500])), { shard: `${index}/${total}`, shardBy: 'unperf' })
}

describe('unperf shard, a pipeline whose jobs run one after another into one history', () => {
  it('runs every file in exactly one shard: each job plans from the history the first one did', () => {
    const { dir, history } = project()
    const ran: string[] = []
    const plans = []
    for (const index of [1, 2, 3]) {
      const plan = shard(dir, index)
      plans.push(plan)
      ran.push(...plan.files)
      record(history, jobRun(plan.files, index))
    }
    expect(ran.sort()).toEqual(FILES)
    expect(plans.map(p => p.history.runs)).toEqual([1, 1, 1])
    expect(plans.map(p => p.history.sameAs)).toEqual([undefined, { index: 1, runsSince: 1 }, { index: 2, runsSince: 2 }])

    // the next pipeline (job 1 again) plans from every run, the three jobs' included
    const next = shard(dir, 1)
    expect(next.history.sameAs).toBeUndefined()
    expect(next.history.runs).toBe(4)
    const again = [...next.files]
    record(history, jobRun(next.files, 1))
    for (const index of [2, 3]) {
      const plan = shard(dir, index)
      expect(plan.history.runs).toBe(4)
      again.push(...plan.files)
      record(history, jobRun(plan.files, index))
    }
    expect(again.sort()).toEqual(FILES)
  })

  it('a run of the whole suite since the plan: the history moved on, planned from everything', () => {
    const { dir, history } = project()
    record(history, jobRun(shard(dir, 1).files, 1))
    record(history, run(Object.fromEntries(FILES.map(f => [f, 5]))))
    const plan = shard(dir, 2)
    expect(plan.history.sameAs).toBeUndefined()
    expect(plan.history.runs).toBe(3)
  })
})

describe('pipelineHistory', () => {
  const base = [run({ 'a.test.ts': 1 }), run({ 'a.test.ts': 2 }), run({ 'a.test.ts': 3 })]
  const plan = (index: number, last: string | undefined, runs: number, total = 3): ShardPlanRecord =>
    ({ index, total, root: '/p', files: ['a.test.ts'], writtenAt: 0, history: { runs, ...(last && { last }) } })

  it('keeps the runs the sibling saw (as many as it used: the cap then) and says so', () => {
    const job1 = run({ 'a.test.ts': 9 }, { shard: '1/3', shardBy: 'unperf' })
    const r = pipelineHistory([...base, job1], 2, [plan(1, base[2]!.id, 2)], 2, 3)
    expect(r.entries.map(e => e.id)).toEqual([base[1]!.id, base[2]!.id])
    expect(r.sameAs).toEqual({ index: 1, runsSince: 1 })
  })

  it('a sibling that planned from no history: planned from none', () => {
    const job1 = run({ 'a.test.ts': 9 }, { shard: '1/3', shardBy: 'unperf' })
    expect(pipelineHistory([job1], undefined, [plan(1, undefined, 0)], 2, 3)).toEqual({ entries: [], sameAs: { index: 1, runsSince: 1 } })
  })

  it('everything (capped) when the runs since are not only other jobs of this count, or the plan is another count or this index', () => {
    const cases: [TestRunEntry, ShardPlanRecord, number][] = [
      [run({ 'a.test.ts': 9 }, { shard: '2/3', shardBy: 'unperf' }), plan(1, base[2]!.id, 3), 2], // this index ran since: a new pipeline
      [run({ 'a.test.ts': 9 }, { shard: '1/3' }), plan(1, base[2]!.id, 3), 2], // vitest's own --shard
      [run({ 'a.test.ts': 9 }, { shard: '1/4', shardBy: 'unperf' }), plan(1, base[2]!.id, 3), 2], // another count
      [run({ 'a.test.ts': 9 }, { shard: '1/3', shardBy: 'unperf' }), plan(2, base[2]!.id, 3), 2], // the plan is this index's
      [run({ 'a.test.ts': 9 }, { shard: '1/3', shardBy: 'unperf' }), plan(1, 'gone', 3), 2], // its newest run is no longer stored
    ]
    for (const [since, p, index] of cases) {
      const r = pipelineHistory([...base, since], 3, [p], index, 3)
      expect(r.sameAs).toBeUndefined()
      expect(r.entries.map(e => e.id)).toEqual([base[1]!.id, base[2]!.id, since.id])
    }
  })
})
