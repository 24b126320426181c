/**
 * The history one shard job of a pipeline plans from. Every shard of a pipeline must plan from the
 * same history, or a file runs in two shards and another in none. Shard jobs run one after another
 * into one history dir (`for i in 1 2 3; do npx vitest run $(npx unperf shard --total 3 --index $i);
 * done` on one machine, or CI jobs sharing a dir) record job 1's run before job 2 plans: job 2 then
 * planned from a history job 1 never saw (10 files, 3 shards: one file ran twice, one never).
 *
 * So a job plans from the history a sibling job of its pipeline planned from: the plan `unperf
 * shard` left (shard-plan.ts) for the same project and shard count, another index, at most 10
 * minutes ago, when every run recorded since the newest run that plan saw is a shard job of that
 * count (`shardBy: 'unperf'`) of another index than this one. A run of this index since means a
 * new pipeline, and any other run (the whole suite, other files) a history that moved on for a
 * reason of its own: then the job plans from everything, as before.
 */
import type { TestRunEntry } from './history-lines.js'
import type { ShardPlanRecord } from './shard-plan.js'

export interface PipelineHistory {
  /** The runs to plan from, oldest first. */
  entries: TestRunEntry[]
  /** Set when they are a sibling job's history: its index, and the runs recorded since it planned (this pipeline's shard jobs). */
  sameAs?: { index: number; runsSince: number }
}

/**
 * `all`: every run stored, oldest first; `cap`: how many of the newest a command uses (undefined:
 * all); `plans`: the recent plans of this project and shard count (recentShardPlans), newest first.
 */
export function pipelineHistory(all: readonly TestRunEntry[], cap: number | undefined, plans: readonly ShardPlanRecord[], index: number, total: number): PipelineHistory {
  for (const plan of plans) {
    if (plan.index === index || plan.total !== total) continue
    const cut = cutOf(all, plan.history)
    if (cut === undefined) continue
    const since = all.slice(cut)
    if (since.length === 0) break // nothing recorded since it planned: this is its history already
    if (!since.every(run => run.shardBy === 'unperf' && isJobOf(run.shard, total) && run.shard !== `${index}/${total}`)) continue
    const runs = plan.history.runs
    return { entries: runs > 0 ? all.slice(0, cut).slice(-runs) : [], sameAs: { index: plan.index, runsSince: since.length } }
  }
  return { entries: cap !== undefined && all.length > cap ? all.slice(-cap) : [...all] }
}

// --- internal ---

/** Where the history a plan saw ends in `all` (its newest run's position + 1); undefined when that run is no longer there. */
function cutOf(all: readonly TestRunEntry[], history: ShardPlanRecord['history']): number | undefined {
  const { runs, last } = history as { runs?: unknown; last?: unknown }
  if (typeof runs !== 'number') return undefined
  if (last === undefined) return runs === 0 ? 0 : undefined
  if (typeof last !== 'string') return undefined
  for (let i = all.length - 1; i >= 0; i--) if (all[i]!.id === last) return i + 1
  return undefined
}

function isJobOf(shard: string | undefined, total: number): boolean {
  return shard !== undefined && shard.endsWith(`/${total}`)
}
