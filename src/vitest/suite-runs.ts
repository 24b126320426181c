/**
 * Runs of the whole suite among the recorded runs: a CI split into shards records one line per
 * shard job (`--shard=1/4` … `4/4`, or `vitest run $(unperf shard --total 4 --index 1)`, whose
 * line the reporter marks `shard: '1/4'` from the plan unperf shard left: shard-plan.ts), so "the last 12 runs" of tests.jsonl can be 3 runs of the
 * suite. `unperf tests flaky|slow` say both numbers.
 */
import type { TestRunEntry } from './history-lines.js'

/**
 * How many runs of the suite the entries hold: a run recorded without `--shard` is one; the shard
 * runs of one suite run (same shard count, same code: commit and tree) are one, taken in the order
 * they ended, each joining the latest such group that lacks its index (a group stays open while
 * some index is missing, so a shard job that recorded nothing never merges two pipelines into one
 * beyond that index). Runs without a commit group by shard count alone.
 * A `vitest --merge-reports` line (`merged`) after shard runs of the same code that lack an index
 * is the rest of their pipeline (the files of the shard jobs that did not record: the merge wrote
 * only those, or the readers left the others out, history-replays.ts): it joins them, one run.
 */
export function countSuiteRuns(entries: readonly TestRunEntry[]): number {
  let count = 0
  const open = new Map<string, ShardGroup[]>()
  for (const entry of [...entries].sort((a, b) => a.endedAt - b.endedAt)) {
    const code = `${entry.commit ?? ''}\0${entry.dirty ? entry.tree ?? entry.id : ''}`
    const groups = open.get(code) ?? []
    open.set(code, groups)
    const shard = parseShard(entry.shard)
    if (!shard) {
      const rest = entry.merged ? groups.findLast(g => !g.merged && g.indexes.size < g.count) : undefined
      if (rest) rest.merged = true
      else count++
      continue
    }
    const group = groups.findLast(g => g.count === shard.count && !g.indexes.has(shard.index))
    if (group) group.indexes.add(shard.index)
    else {
      groups.push({ count: shard.count, indexes: new Set([shard.index]), merged: false })
      count++
    }
  }
  return count
}

/** Shard runs counted as one run of the suite; `merged`: a merge's line joined them. */
interface ShardGroup { count: number; indexes: Set<number>; merged: boolean }

/**
 * What to say beside the runs of the suite when shard jobs recorded more lines than runs ("12
 * recorded: one per shard job"), else undefined: `unperf tests` and `unperf shard` say it the same way.
 */
export function shardJobsNote(entries: readonly TestRunEntry[], suiteRuns: number): string | undefined {
  return suiteRuns === entries.length ? undefined : `${entries.length} recorded: one per shard job`
}

/** `'2/4'` → { index: 2, count: 4 }; undefined for anything else. */
function parseShard(shard: string | undefined): { index: number; count: number } | undefined {
  const match = typeof shard === 'string' ? /^(\d+)\/(\d+)$/.exec(shard) : null
  if (!match) return undefined
  const index = Number(match[1])
  const count = Number(match[2])
  return count > 1 && index >= 1 && index <= count ? { index, count } : undefined
}
