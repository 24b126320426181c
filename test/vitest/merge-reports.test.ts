/**
 * `vitest --merge-reports` replays the shards' results: with the unperf reporter in the shard jobs
 * and in the merge, every test was counted twice (the shard's run and the merge's). Real vitest 4
 * runs: two blob shards, then the merge, into one history.
 */
import { cpSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseHistoryLines } from '../../src/vitest/history-lines.js'
import { mergeTestHistory, readTestHistory, testsHistoryPath } from '../../src/vitest/history.js'
import { findFlaky } from '../../src/vitest/flaky.js'
import { fileDurations } from '../../src/vitest/shard.js'
import { countSuiteRuns } from '../../src/vitest/suite-runs.js'
import { findSlow } from '../../src/vitest/slow.js'
import { bundle, runVitest, tempProject } from './_project.js'

// the shard jobs write blobs (and, with UNPERF=1, record their run too); the merge job records its run
const CONFIG = `import { join } from 'node:path'
const dir = (process.env.MODE === 'shard' && process.env.SHARD_HISTORY_DIR) || process.env.HISTORY_DIR
const unperf = [join(import.meta.dirname, 'reporter.mjs'), { dir, history: 20 }]
export default {
  test: {
    include: ['test/**/*.test.js'],
    reporters: process.env.MODE === 'shard'
      ? ['blob', ...(process.env.UNPERF === '1' ? [unperf] : [])]
      : ['default', unperf],
  },
}
`
const FILES = Object.fromEntries(['a', 'b', 'c', 'd'].map(n => [`test/${n}.test.js`,
  `import { it } from 'vitest'\nit('${n} one', () => {})\nit('${n} two', () => { if (process.env.FAIL_${n.toUpperCase()} === '1') throw new Error('no') })\n`]))
const SHA = 'c'.repeat(40)

let project: string
beforeAll(async () => {
  project = tempProject({ 'vitest.config.mjs': CONFIG, ...FILES })
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
}, 60_000)

/** Two shard jobs (blob reports in `blobs`), then the merge; returns the history dir. `shardsRecord`: all, none, or the shard indexes that record. */
function shardedRun(name: string, shardsRecord: boolean | number[], env: Record<string, string> = {}): string {
  const dir = join(project, `history-${name}`)
  const blobs = join(project, `blobs-${name}`)
  const common = { HISTORY_DIR: dir, GITHUB_SHA: SHA, ...env }
  for (const index of [1, 2]) {
    const r = runVitest(project, 'vitest.config.mjs', { ...common, MODE: 'shard', UNPERF: (Array.isArray(shardsRecord) ? shardsRecord.includes(index) : shardsRecord) ? '1' : '0' },
      [`--shard=${index}/2`, '--outputFile.blob', join(blobs, `blob-${index}.json`)])
    expect(r.stderr).not.toContain('[unperf]')
  }
  merged(dir, blobs, env)
  return dir
}

/** The merge job of `blobs` into the history `dir`. */
function merged(dir: string, blobs: string, env: Record<string, string> = {}): void {
  const merge = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir, GITHUB_SHA: SHA, ...env, MODE: 'merge' }, ['--merge-reports', blobs])
  expect(merge.stdout + merge.stderr).toContain('Test Files')
  expect(merge.stderr).not.toContain('[unperf]')
}

// Pipelines two tests start from, each run once for the file (a vitest run costs ≈ 1.5 s of CPU):
// a test that adds to one works on a copy of it, so each test still passes alone (-t)
let failingPipeline: string | undefined
/** The history of one pipeline whose shard jobs and merge all record, `b two` failing (do not write to it: copy it). */
function failingPipelineHistory(): string {
  return (failingPipeline ??= shardedRun('failing', true, { FAIL_B: '1' }))
}
let quietShards: string | undefined
/** The blobs of two shard jobs that ran the blob reporter alone, under vitest's own names (blob-<index>-<count>.json; do not change it: copy it). */
function quietShardBlobs(): string {
  if (quietShards) return quietShards
  const blobs = join(project, 'blobs-quiet')
  for (const index of [1, 2]) {
    const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: join(project, 'history-quiet-shards'), GITHUB_SHA: SHA, MODE: 'shard', UNPERF: '0' },
      [`--shard=${index}/2`, '--outputFile.blob', join(blobs, `blob-${index}-2.json`)])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('[unperf]')
  }
  return (quietShards = blobs)
}

describe('vitest --merge-reports', () => {
  it('with the reporter in the shard jobs and in the merge, each file run counts once', () => {
    const dir = failingPipelineHistory()
    // the merge replays every shard's file, and both shards recorded theirs in this history: the
    // merge writes no line (tests.jsonl itself holds each file run once, the cap keeps real runs)
    const raw = parseHistoryLines(readFileSync(testsHistoryPath(dir), 'utf8')).entries
    expect(raw.map(e => e.shard)).toEqual(['1/2', '2/2'])

    const { entries } = readTestHistory(dir)
    expect(entries.map(e => e.shard)).toEqual(['1/2', '2/2'])
    expect(entries.flatMap(e => e.files.map(f => f.path)).sort()).toEqual(['test/a.test.js', 'test/b.test.js', 'test/c.test.js', 'test/d.test.js'])
    const slow = findSlow(entries, { top: 10 })
    expect(slow.files.map(f => f.runs)).toEqual([1, 1, 1, 1])
    expect(slow.tests.map(t => t.runs)).toEqual(Array(8).fill(1))
    expect([...fileDurations(entries).medians.keys()]).toHaveLength(4)
    expect(findFlaky(entries)).toEqual([])
  }, 180_000)

  it('a second pipeline of the same commit whose failing test now passes: a flip between two runs, not three', () => {
    const dir = join(project, 'history-flip')
    cpSync(failingPipelineHistory(), dir, { recursive: true })
    expect(readTestHistory(dir).entries).toHaveLength(2)
    const again = shardedRun('flip', true)
    expect(again).toBe(dir)
    const { entries } = readTestHistory(dir)
    expect(entries).toHaveLength(4)
    const flaky = findFlaky(entries)
    expect(flaky).toMatchObject([{ file: 'test/b.test.js', name: 'b two', runs: 2, flips: 1, transitions: 1 }])
  }, 360_000)

  it('when one shard job recorded and the other did not, the merge writes the files only it has', () => {
    const dir = shardedRun('one-shard', [1])
    const raw = parseHistoryLines(readFileSync(testsHistoryPath(dir), 'utf8')).entries
    expect(raw.map(e => e.merged ?? false)).toEqual([false, true])
    const shard1 = raw[0]!.files.map(f => f.path)
    expect(raw[1]!.files.map(f => f.path).sort()).toEqual(['test/a.test.js', 'test/b.test.js', 'test/c.test.js', 'test/d.test.js'].filter(p => !shard1.includes(p)))
    expect(readTestHistory(dir).entries.flatMap(e => e.files.map(f => f.path)).sort()).toEqual(['test/a.test.js', 'test/b.test.js', 'test/c.test.js', 'test/d.test.js'])
    // shard 1's run and the merge's line of shard 2's files: one pipeline, one run of the suite
    expect(countSuiteRuns(readTestHistory(dir).entries)).toBe(1)
  }, 180_000)

  it('shard jobs recording elsewhere (CI), merged in after the merge recorded (unperf tests merge): each file run still counts once', () => {
    const shardJobs = join(project, 'history-shard-jobs')
    const dir = shardedRun('ci', true, { SHARD_HISTORY_DIR: shardJobs })
    expect(parseHistoryLines(readFileSync(testsHistoryPath(dir), 'utf8')).entries.map(e => e.merged ?? false)).toEqual([true])
    expect(mergeTestHistory(dir, [testsHistoryPath(shardJobs)], { cap: 20 })).toMatchObject({ added: 2 })
    const { entries } = readTestHistory(dir)
    expect(entries.map(e => e.shard)).toEqual(['1/2', '2/2'])
    expect(findSlow(entries, { top: 10 }).files.map(f => f.runs)).toEqual([1, 1, 1, 1])
  }, 180_000)

  it('when only the merge records (the shard jobs ran the blob reporter alone), its run keeps every file', () => {
    // (shardedRun('merge-only', false) with vitest's own blob names)
    const dir = join(project, 'history-merge-only')
    merged(dir, quietShardBlobs())
    const { entries } = readTestHistory(dir)
    expect(entries).toHaveLength(1)
    expect(entries[0]!.merged).toBe(true)
    expect(entries[0]!.files.map(f => f.path).sort()).toEqual(['test/a.test.js', 'test/b.test.js', 'test/c.test.js', 'test/d.test.js'])
  }, 180_000)

  // a shard job's blob missing (the job failed, its artifact never uploaded): the merge replays
  // half the suite; recorded as one partial run naming the shard it lacks, as a --bail run is partial
  it('a merge with a shard\'s blob missing is one partial run, its missing shard named', () => {
    const dir = join(project, 'history-missing-blob')
    const blobs = join(project, 'blobs-missing-blob')
    const common = { HISTORY_DIR: dir, GITHUB_SHA: SHA }
    // vitest's own blob names (blob-<index>-<count>.json, its default in .vitest-reports/)
    cpSync(quietShardBlobs(), blobs, { recursive: true })
    const merge = () => runVitest(project, 'vitest.config.mjs', { ...common, MODE: 'merge' }, ['--merge-reports', blobs])
    expect(merge().stderr).not.toContain('[unperf]')
    rmSync(join(blobs, 'blob-2-2.json'))
    expect(merge().stderr).not.toContain('[unperf]')
    const { entries } = readTestHistory(dir)
    expect(entries.map(e => [e.merged, e.partial, e.shardsMissing])).toEqual([[true, undefined, undefined], [true, true, ['2/2']]])
    expect(entries[1]!.files.length).toBeLessThan(entries[0]!.files.length)
    expect(countSuiteRuns(entries)).toBe(2)
    // its file durations are left out, as a partial run's: the whole merge's alone count
    expect(fileDurations([entries[1]!]).medians.size).toBe(0)
  }, 240_000)
})
