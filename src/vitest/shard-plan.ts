/**
 * The plan `unperf shard` leaves beside the history it read (`shard-plan.json`), so the reporter can
 * tell a shard job's run (`vitest run $(unperf shard --total 4 --index 2)`) from a run of the whole
 * suite and record it as `shard: '2/4'`: `$(…)` runs in a subshell, so nothing else passes from
 * the one to the other, and the workflow gains no step.
 *
 * A run is the shard job of a plan when its files are exactly the plan's files, the plan is
 * unperf's for the same project (the vitest root) and was written at most SHARD_PLAN_MAX_AGE_MS
 * before the vitest process started. One plan per index and shard count (a machine that plans
 * index 1, then 2, runs each with its own); plans older than that are dropped by the next write.
 * The file is 0600, written by rename (temp file), in the history dir, which is checked as the
 * history is (a dir someone else could write to is neither read nor written). A run that is not
 * a shard job costs the reporter one lstat.
 */
import { lstatSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { isOwnPrivateFile } from '../drivers/fs-safety.js'
import { waitForLockFile } from '../runtime/lock-file.js'
import { writeFileAtomicSync } from '../runtime/write-file-atomic.js'
import { recordedPath } from './records.js'

export const SHARD_PLAN_FILE = 'shard-plan.json'

/**
 * How long before the vitest process started its plan may have been written (10 minutes): `$(…)`
 * plans right before vitest starts; a plan left by an older pipeline or another session is older.
 */
export const SHARD_PLAN_MAX_AGE_MS = 10 * 60_000

/** A plan written this long after the vitest process started still counts (clock steps). */
const CLOCK_SLACK_MS = 2_000

export interface ShardPlanRecord {
  /** 1-based, as `--index`. */
  index: number
  total: number
  /** The project (the vitest root) the files are relative to, its real path. */
  root: string
  /** The files printed for vitest, POSIX, relative to `root`, sorted. */
  files: string[]
  /** ms since epoch. */
  writtenAt: number
  /** The history planned from: runs read and the id of the newest (`last`), to tell which one it was. */
  history: { runs: number; last?: string }
}

/** vitest's module ids of a run's files (absolute paths; undefined ones are left out). */
export type ModuleIds = Iterable<string | undefined>

export function shardPlanPath(dir: string): string {
  return join(dir, SHARD_PLAN_FILE)
}

/**
 * Leaves `plan` for the reporter (in place of the plan of the same project, index and total);
 * `files: []` (an empty shard, no files found, a single shard: nothing a run could be the shard
 * of) only removes that plan. Throws when the file cannot be written.
 */
export function leaveShardPlan(dir: string, plan: Omit<ShardPlanRecord, 'writtenAt'>, now = Date.now()): void {
  const file = shardPlanPath(dir)
  // plans of other indexes written meanwhile (local shards planned in parallel) are kept
  let release: (() => void) | undefined
  try { release = waitForLockFile(`${file}.lock`, { staleMs: 10_000, timeoutMs: 2_000, pollMs: 10 }) } catch { /* no dir yet: made below */ }
  try {
    const kept = readShardPlans(file).filter(p => isRecent(p, now) && !(p.root === plan.root && p.index === plan.index && p.total === plan.total))
    if (plan.files.length > 0) kept.push({ ...plan, files: [...plan.files].sort(comparePaths), writtenAt: now })
    if (kept.length === 0) rmSync(file, { force: true })
    else writeFileAtomicSync(file, `${JSON.stringify({ v: 1, plans: kept })}\n`, { mode: 0o600, mkdir: true, private: true })
  } finally {
    release?.()
  }
}

/**
 * The plan this run is the shard job of: its files (vitest's `moduleIds`, absolute; a function is
 * called only when there is a plan file) are exactly the plan's, for the same project, written at
 * most SHARD_PLAN_MAX_AGE_MS before `startedAt` (the vitest process's start). The newest such
 * plan; undefined for any other run (one lstat when there is no plan file). Never throws.
 */
export function matchShardPlan(dir: string, root: string, moduleIds: ModuleIds | (() => ModuleIds), startedAt: number): ShardPlanRecord | undefined {
  const file = shardPlanPath(dir)
  try {
    const st = lstatSync(file, { throwIfNoEntry: false })
    // a link, or a file someone else could have written: not a plan of ours
    if (!st || !st.isFile() || !isOwnPrivateFile(st) || st.mtimeMs < startedAt - SHARD_PLAN_MAX_AGE_MS) return undefined
    const real = realpathSync(root)
    const ids = new Set(typeof moduleIds === 'function' ? moduleIds() : moduleIds)
    ids.delete(undefined)
    ids.delete('')
    // the plans of this project with as many files as the run, before any path is worked out
    const plans = readShardPlans(file).filter(p => p.root === real && isRecent(p, startedAt) && p.files.length === ids.size)
    if (plans.length === 0) return undefined
    const files = runPaths(root, ids).sort(comparePaths)
    let found: ShardPlanRecord | undefined
    for (const plan of plans) {
      if (sameList(plan.files, files) && (!found || plan.writtenAt > found.writtenAt)) found = plan
    }
    return found
  } catch {
    return undefined // unreadable: the run is recorded as it would be without a plan
  }
}

/**
 * The plans of `root`'s project with `total` shards written at most SHARD_PLAN_MAX_AGE_MS before
 * `now`, newest first: none when the file is missing, a link or one someone else could write to.
 */
export function recentShardPlans(dir: string, root: string, total: number, now = Date.now()): ShardPlanRecord[] {
  const file = shardPlanPath(dir)
  try {
    const st = lstatSync(file, { throwIfNoEntry: false })
    if (!st || !st.isFile() || !isOwnPrivateFile(st)) return []
    return readShardPlans(file).filter(p => p.root === root && p.total === total && isRecent(p, now)).sort((a, b) => b.writtenAt - a.writtenAt)
  } catch {
    return []
  }
}

/** POSIX paths relative to `root` of the files a run looked at (vitest's module ids). */
export function runPaths(root: string, moduleIds: ModuleIds): string[] {
  const paths: string[] = []
  for (const id of moduleIds) if (typeof id === 'string' && id !== '') paths.push(recordedPath(root, id))
  return paths
}

// --- internal ---

/** The plans a file holds; none when it is missing or not a plan file (corrupt, edited by hand). */
function readShardPlans(file: string): ShardPlanRecord[] {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return []
  }
  const plans = typeof value === 'object' && value !== null && (value as { v?: unknown }).v === 1 ? (value as { plans?: unknown }).plans : undefined
  return Array.isArray(plans) ? plans.filter(isPlan) : []
}

function isPlan(value: unknown): value is ShardPlanRecord {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Partial<Record<keyof ShardPlanRecord, unknown>>
  return Number.isInteger(p.index) && Number.isInteger(p.total) && typeof p.root === 'string' && typeof p.writtenAt === 'number'
    && Array.isArray(p.files) && p.files.every(f => typeof f === 'string') && typeof p.history === 'object' && p.history !== null
}

/** Written at most SHARD_PLAN_MAX_AGE_MS before `at` (a little after it too: clock steps). */
function isRecent(plan: ShardPlanRecord, at: number): boolean {
  const age = at - plan.writtenAt
  return age <= SHARD_PLAN_MAX_AGE_MS && age >= -CLOCK_SLACK_MS
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** Byte order, as the plan's files are sorted (shard.ts). */
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
