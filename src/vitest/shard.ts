/**
 * Balanced CI shards: longest-processing-time-first bin packing over each file's median
 * recorded duration. Deterministic: the same files and history give the same shards
 * (ties broken by path, then by shard index).
 */
import { createHash } from 'node:crypto'
import type { TestRunEntry } from './history-lines.js'

export interface FileDurations {
  /** Median recorded ms per file (POSIX path relative to the vitest root). */
  medians: Map<string, number>
  /** Median of the known medians: the estimate for files without history. 1 when nothing is known. */
  fallback: number
}

/** Runs per file the median looks at: recent enough to follow a file that got faster or slower. */
export const SAMPLE_WINDOW = 20

/**
 * Median duration of each file over the last `window` runs where it ran (a file skipped as a whole, or whose worker
 * crashed, is left out of that run, and so are runs filtered by test name or line). A file run by several projects in
 * one run counts the sum.
 */
export function fileDurations(entries: readonly TestRunEntry[], window = SAMPLE_WINDOW): FileDurations {
  const samples = new Map<string, number[]>()
  for (const entry of [...entries].sort((a, b) => a.endedAt - b.endedAt)) {
    if (entry.partial) continue // `-t` / `file:line` runs time a part of each file
    const inRun = new Map<string, number>()
    // a file whose worker died under it was timed in part (in any of its projects): not this run
    const crashed = new Set(entry.files.filter(f => f.crashed).map(f => f.path))
    for (const file of entry.files) {
      if (file.state === 'skipped' || !(file.duration >= 0) || crashed.has(file.path)) continue
      inRun.set(file.path, (inRun.get(file.path) ?? 0) + file.duration)
    }
    for (const [path, ms] of inRun) {
      const list = samples.get(path)
      if (list) list.push(ms)
      else samples.set(path, [ms])
    }
  }
  const medians = new Map<string, number>()
  for (const [path, list] of samples) medians.set(path, median(list.slice(-window)))
  const known = [...medians.values()]
  return { medians, fallback: known.length > 0 ? median(known) : 1 }
}

export interface Shard {
  /** 1-based, like vitest's `--shard=1/4`. */
  index: number
  /** Sorted by path. */
  files: string[]
  /** Sum of the files' expected ms. */
  expected: number
}

export interface ShardPlan {
  total: number
  shards: Shard[]
  /** max / mean of the shards' expected durations; 1 = perfect. */
  balance: number
  /** Files without history (estimated at `fallback` ms each). */
  unknown: string[]
  fallback: number
  /**
   * Files placed together because one's path contains the other's (vitest matches CLI filters
   * as substrings, so listing `a.test.ts` in one shard would also run `data.test.ts` there).
   */
  grouped: string[][]
}

/**
 * Longest-processing-time-first: groups sorted by expected ms descending (ties by path), each into
 * the shard with the least expected total (ties by lowest index).
 */
export function planShards(files: readonly string[], durations: FileDurations, total: number): ShardPlan {
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`total must be a positive integer, got ${total}`)
  const unique = [...new Set(files)].sort(comparePaths)
  const unknown = unique.filter(f => !durations.medians.has(f))
  const cost = (f: string): number => durations.medians.get(f) ?? durations.fallback
  const groups = filterGroups(unique).map(members => ({
    members,
    cost: members.reduce((sum, f) => sum + cost(f), 0),
    key: members[0]!,
  }))
  groups.sort((a, b) => b.cost - a.cost || comparePaths(a.key, b.key))
  const shards: Shard[] = Array.from({ length: total }, (_, i) => ({ index: i + 1, files: [], expected: 0 }))
  for (const group of groups) {
    let best = shards[0]!
    for (const shard of shards) if (shard.expected < best.expected) best = shard
    best.files.push(...group.members)
    best.expected += group.cost
  }
  for (const shard of shards) {
    shard.files.sort(comparePaths)
    shard.expected = Math.round(shard.expected * 100) / 100
  }
  return {
    total,
    shards,
    balance: balanceOf(shards.map(s => s.expected)),
    unknown,
    fallback: Math.round(durations.fallback * 100) / 100, // as `expected`: no float noise in --json
    grouped: groups.filter(g => g.members.length > 1).map(g => g.members),
  }
}

/**
 * What vitest's own `--shard=i/n` does (vitest 4 BaseSequencer.shard), for comparison: files
 * ordered by the sha1 of their path, cut into `n` runs of equal count (the first ones one longer).
 */
export function countShards(files: readonly string[], durations: FileDurations, total: number): ShardPlan {
  // vitest hashes the path relative to the root with its leading slash
  const sorted = [...new Set(files)]
    .map(f => ({ f, h: createHash('sha1').update(`/${f}`).digest('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
    .map(x => x.f)
  const base = Math.floor(sorted.length / total)
  const rest = sorted.length % total
  const shards: Shard[] = []
  let start = 0
  for (let i = 0; i < total; i++) {
    const size = base + (i < rest ? 1 : 0)
    const slice = sorted.slice(start, start + size)
    start += size
    const expected = slice.reduce((sum, f) => sum + (durations.medians.get(f) ?? durations.fallback), 0)
    shards.push({ index: i + 1, files: slice.sort(comparePaths), expected: Math.round(expected * 100) / 100 })
  }
  return {
    total,
    shards,
    balance: balanceOf(shards.map(s => s.expected)),
    unknown: sorted.filter(f => !durations.medians.has(f)).sort(comparePaths),
    fallback: Math.round(durations.fallback * 100) / 100, // as `expected`: no float noise in --json
    grouped: [],
  }
}

/** max / mean; 1 when everything is empty. */
export function balanceOf(values: readonly number[]): number {
  if (values.length === 0) return 1
  const max = Math.max(...values)
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return mean > 0 ? Math.round((max / mean) * 1000) / 1000 : 1
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// --- internal ---

/** Byte order, not locale order: the same on every machine. */
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Files that must share a shard: vitest runs every file whose path contains a filter
 * (case-insensitively), so `a.test.ts` also selects `data.test.ts`. Union-find over "contains".
 */
function filterGroups(files: readonly string[]): string[][] {
  const parent = files.map((_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!
    return i
  }
  const lower = files.map(f => f.toLowerCase())
  for (let i = 0; i < files.length; i++) {
    for (let j = 0; j < files.length; j++) {
      if (i !== j && lower[j]!.includes(lower[i]!)) {
        const a = find(i)
        const b = find(j)
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b)
      }
    }
  }
  const groups = new Map<number, string[]>()
  files.forEach((f, i) => {
    const root = find(i)
    const list = groups.get(root)
    if (list) list.push(f)
    else groups.set(root, [f])
  })
  return [...groups.values()]
}
