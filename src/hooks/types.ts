/**
 * The hook map: every hook name → its listener signature, and the payload types.
 * Imports types only.
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import type { Perf, PerfReport, BudgetBreach } from '../runtime/types.js'
import type { MetricKind } from '../runtime/monitors/metric-kinds.js'

/** Passed to `command:*` hooks and to the function given to `perf.run()`. */
export interface CommandContext {
  /** The command's name; for adapters its path, e.g. `'cache clear'`. */
  name: string
  /** The command's arguments: the `argv` option of `perf.run()`, else `process.argv.slice(2)`. */
  argv: string[]
  /** ms since process start when the command started. */
  startTime: number
  /** The instance running the command. */
  perf: Perf
  /** Free-form data hooks may share during one command. */
  data: Record<string, unknown>
}

export interface CommandResult {
  /** The command's name. */
  name: string
  /** `'error'` when fn threw or rejected. */
  status: 'ok' | 'error'
  /** ms */
  duration: number
  /** rss at end − rss at start, bytes. */
  memoryDelta: number
  /** Peak rss during the command, bytes. */
  memoryPeak: number
  /** What fn threw, when `status` is `'error'`. */
  error?: unknown
}

export interface CacheEventPayload {
  namespace: string
  key: string
  /** On a hit: the index of the tier that answered, in the namespace's `cache.driver` order (0 = the fastest). */
  tier?: number
  /** On a hit: that tier's driver, `'memory'`, `'fs'`, `'redis'` or an unstorage driver's name (two Redis tiers: the same name, told apart by `tier`). */
  tierName?: string
  stale?: boolean
  /** On a hit (not stale) and a set: the entry's bytes as `getEntry().size` gives them (the encoded entry a byte tier stores; a memory-only namespace, the value's estimate). */
  size?: number
}
export interface CacheEvictPayload {
  namespace: string
  key: string
  reason: 'lru' | 'expired' | 'corrupt' | 'invalidate' | 'scope'
  /**
   * The index of the tier the entry was removed from, in the namespace's `cache.driver` order (0 = the
   * fastest), as `cache:hit`'s. An entry is evicted when the cache loses it: a faster tier's copy
   * dropped while a slower tier holds it fires nothing, but for a corrupt copy (told on any tier). None for `invalidate` (every tier) and for
   * the cap's evictions from the fs dir of a namespace not open in this process (`tierName` only).
   */
  tier?: number
  /** That tier's driver, `'memory'`, `'fs'`, `'redis'` or an unstorage driver's name, as `cache:hit`'s. */
  tierName?: string
  size?: number
}
export interface CacheErrorPayload {
  namespace: string
  key?: string
  /**
   * Machine code, e.g. `'E_CORRUPT'`, `'E_INTEGRITY'`, `'E_WRITE'`, `'E_VALUE'`; `'E_TIER_DOWN'`: a
   * remote tier went down, once per incident (until it answers again), not per failing call (those
   * are counted in `stats().errors`). A local tier's `'E_WRITE'` likewise: once per namespace and
   * cause (EROFS, EACCES, ENOSPC, ...) until a write succeeds again, each failed write counted (its
   * `'E_TIER'` of reads: until a read succeeds); `'E_VALUE'` (the caller's value) per call;
   * `'E_LOCK'`: a Redis tier's ACL refused wrap()'s cross-process lock, once per namespace.
   * The caller's fn threw: `'E_WARM'` (warm()), `'E_REVALIDATE'` (an swr revalidation, the stale value
   * kept), `'E_STALE_IF_ERROR'` (wrap()/cached() served the expired value instead of the error).
   */
  code: string
  /** The index of the tier that failed, in the namespace's `cache.driver` order (0 = the fastest), as `cache:hit`'s; none for a failure of no one tier (`E_WARM`, `E_REVALIDATE`, `E_STALE_IF_ERROR`: the caller's fn threw; `E_INIT`). */
  tier?: number
  /** That tier's driver, `'memory'`, `'fs'`, `'redis'` or an unstorage driver's name, as `cache:hit`'s. */
  tierName?: string
  error: unknown
}

export interface TaskEventPayload {
  pool: string
  /** The task's id: the same on every attempt of one task. */
  id: number
  /**
   * 0-based: `0` is the first try, `1` the first retry. On task:retry, the attempt about to run (a
   * task failing twice under `retries: 2` fires task:retry with 1, then 2); on task:start, task:end
   * and task:error, the attempt that started, ended or failed.
   */
  attempt: number
  /** ms, on task:end / task:error */
  duration?: number
  error?: unknown
  /** ms before the next attempt, on task:retry */
  delay?: number
}

/** `task:end`: the attempt that succeeded, timed. */
export interface TaskEndPayload extends TaskEventPayload {
  /** ms */
  duration: number
}
/** `task:error`: the attempt that failed (the task's last), timed, with what it threw. */
export interface TaskErrorPayload extends TaskEventPayload {
  /** ms */
  duration: number
  error: unknown
}
/** `task:retry`: the attempt about to run, the wait before it and what the previous one threw. */
export interface TaskRetryPayload extends TaskEventPayload {
  /** ms before the attempt */
  delay: number
  error: unknown
}

export interface MonitorSample {
  /** ms since epoch */
  time: number
  eventLoop?: { p50: number; p99: number; max: number; mean: number; utilization: number }
  memory?: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
  cpu?: { percent: number; user: number; system: number }
  gc?: { count: number; pause: number }
  handles?: { active: number }
  /** The host (`monitors.system`), as of its last refresh; absent until the first one (≈ 500 ms after start). */
  system?: MonitorSystemSample
}

/** The host values of a sample (`monitors.system`, systeminformation): units as in docs/monitors.md's table. */
export interface MonitorSystemSample {
  /** `percent`: host CPU load over the last refresh, all cores (0–100); `avg`: the highest of the 1, 5 and 15 min load averages, per core. */
  load: { percent: number; avg: number }
  /** Bytes; `used` is active memory; `usedPercent` 0–100. */
  memory: { total: number; used: number; available: number; usedPercent: number }
  /** Bytes over the mounted filesystems, summed; `usedPercent` 0–100. */
  disk: { usedPercent: number; used: number; size: number }
  /** Bytes per second over every interface. */
  network: { rxSec: number; txSec: number }
  /** ms since epoch of the refresh these values come from */
  time: number
}

export interface MonitorAlert {
  metric: string
  /**
   * The metric's kind, which says the unit of `value` and of the rule's thresholds: `size` bytes,
   * `duration` ms, `rate` bytes per second, `percent` 0–100, `ratio` 0–1, `number` none.
   */
  kind: MetricKind
  state: 'firing' | 'resolved'
  /** In the metric's raw unit (`kind`). */
  value: number
  /** Thresholds in the metric's raw unit; `for` in ms. */
  rule: { above?: number; below?: number; for: number }
  /** ms since epoch */
  since: number
}

/** Every hook: name → listener. */
export interface PerfHooks {
  /** Once, in `createPerf()`, before any plugin's `setup()`: the resolved config (numbers only). Declare it in the config's or a plugin's `hooks`. Awaited. */
  'config:resolved': (config: ResolvedPerfConfig) => void | Promise<void>
  /** Once, at the end of `createPerf()`, the plugins set up. Awaited. */
  'perf:ready': (perf: Perf) => void | Promise<void>
  /** `perf.run()`, before the command's function (which starts after the listeners). Awaited. */
  'command:before': (ctx: CommandContext) => void | Promise<void>
  /** After every command, ok or not: its `CommandResult` (`status`, `duration` ms, `memoryDelta`, `memoryPeak` bytes). Awaited. */
  'command:after': (ctx: CommandContext, result: CommandResult) => void | Promise<void>
  /** The command threw or rejected (before `command:after`); the error is rethrown to the caller unchanged. Awaited. */
  'command:error': (ctx: CommandContext, error: unknown) => void | Promise<void>
  /** A lookup answered by a tier (`tier`, `tierName`; `stale` for a value served past its expiry). Not awaited: keep it cheap. */
  'cache:hit': (event: CacheEventPayload) => void | Promise<void>
  /** A lookup no tier answered. Not awaited: keep it cheap. */
  'cache:miss': (event: CacheEventPayload) => void | Promise<void>
  /** A value written. Not awaited: keep it cheap. */
  'cache:set': (event: CacheEventPayload) => void | Promise<void>
  /** An entry removed by unperf (`reason`: lru, expired, corrupt, invalidate, scope). Not awaited. */
  'cache:evict': (event: CacheEvictPayload) => void | Promise<void>
  /** A value corrupt or not stored, a call failed, a remote tier down (once per incident): `code` says which. Not awaited. */
  'cache:error': (event: CacheErrorPayload) => void | Promise<void>
  /** An attempt of a pool task or a `perf.workers.run()` call (`pool: 'workers'`) starts. Not awaited. */
  'task:start': (event: TaskEventPayload) => void | Promise<void>
  /** An attempt succeeded (`duration` ms). Not awaited. */
  'task:end': (event: TaskEndPayload) => void | Promise<void>
  /** A failed attempt is retried (`attempt`: the one about to run, `delay` ms before it). Not awaited. */
  'task:retry': (event: TaskRetryPayload) => void | Promise<void>
  /** An attempt failed (`error`, `duration` ms). Not awaited. */
  'task:error': (event: TaskErrorPayload) => void | Promise<void>
  /** Each `monitors.interval`: the sample. Not awaited. */
  'monitor:sample': (sample: MonitorSample) => void | Promise<void>
  /** An alert rule fired or resolved (`state`), `value` and `rule` in the metric's unit (`kind`). Not awaited. */
  'monitor:alert': (alert: MonitorAlert) => void | Promise<void>
  /** `perf.close()`, once per failed budget: its `actual`, `limit` and `message`. Awaited. */
  'budget:exceeded': (result: BudgetBreach) => void | Promise<void>
  /** `perf.close()`, once report.json and history are written. Awaited. */
  report: (report: PerfReport) => void | Promise<void>
  /** Last, once per run, also on `process.exit()`, a crash or a signal (then only the listener's synchronous part runs). Awaited from `perf.close()`. */
  exit: (report: PerfReport) => void | Promise<void>
}

export type PerfHookName = keyof PerfHooks
/** Every hook name → its listener (as {@link PerfHooks}: mapped over `keyof PerfHooks` so that each keeps its doc comment). */
export type PerfHookHandlers = { [K in keyof PerfHooks]: PerfHooks[K] }

/** Every hook name, for validation and warnings. */
export const PERF_HOOK_NAMES: readonly PerfHookName[] = [
  'config:resolved', 'perf:ready', 'command:before', 'command:after', 'command:error',
  'cache:hit', 'cache:miss', 'cache:set', 'cache:evict', 'cache:error',
  'task:start', 'task:end', 'task:retry', 'task:error',
  'monitor:sample', 'monitor:alert', 'budget:exceeded', 'report', 'exit',
]

/** The hook registry of a perf instance. */
export interface PerfHookRegistry {
  /** Register a listener; returns its unregister function. */
  hook<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void
  /** Register a listener that runs once. */
  hookOnce<K extends PerfHookName>(name: K, fn: PerfHooks[K]): () => void
  /** Unregister a listener (one registered with `hookOnce` too). */
  removeHook<K extends PerfHookName>(name: K, fn: PerfHooks[K]): void
  /** Call listeners in order, awaiting each. Returns undefined synchronously when nobody listens. */
  callHook<K extends PerfHookName>(name: K, ...args: Parameters<PerfHooks[K]>): Promise<void> | void
  /** True when at least one listener is registered: check before building a costly payload. */
  hasListeners(name: PerfHookName): boolean
}
