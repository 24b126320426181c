/**
 * `report.historyDriver`: the run history kept in a shared store (e.g. Redis), so fresh CI clones
 * compare against past runs. Each run is one entry `run:<time>:<id>` in the tier built from the
 * driver spec (the same tiers as the cache), capped at `report.history` runs.
 */
import { createTier } from '../../drivers/tiers.js'
import type { StoredEntry, Tier } from '../../drivers/types.js'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { projectId } from '../project.js'
import { errorMessage, PerfError, TimeoutError } from '../../errors.js'
import { hangsNow, markRedisDown, markRedisUp } from '../../drivers/redis-health.js'
import { judgedWithin } from '../../drivers/timeout-blame.js'
import { bounded } from '../bounded.js'
import { formatDuration } from '../../config/units.js'
import { isRun, type HistoryEntry } from './history.js'
import { driverKey, returnPendingRuns, takePendingRuns } from './history-driver-pending.js'

/** Local and shared (historyDriver) runs merged by runId, oldest first, the last `cap` kept. */
export function mergeHistories(a: HistoryEntry[], b: HistoryEntry[], cap: number): HistoryEntry[] {
  const byId = new Map<string, HistoryEntry>()
  for (const e of [...a, ...b]) byId.set(e.runId, e)
  const all = [...byId.values()].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0))
  return cap > 0 ? all.slice(-cap) : []
}

function tier(config: ResolvedPerfConfig): Promise<Tier> {
  const spec = config.report.historyDriver!
  return createTier(spec, {
    prefix: `${encodeURIComponent(config.name)}:history:${projectId(config.cwd, config.cache.scope)}`,
    fsDir: base => base,
    encode: { compress: 4000, integrity: true },
    timeout: Math.max(config.cache.timeout, 1000),
    stateDir: config.cache.dir,
  })
}

/** The bound of each call to the driver: a cold import of ioredis on a loaded machine took less. */
const BOUND_MS = 2000

/**
 * A call to the driver bounded by BOUND_MS, as the cache tier's are, its timeout judged
 * (timeout-blame.ts: a process too slow to hear Redis does not mark it down for the machine's other
 * processes), with a ref'd timer as bounded.ts's (the socket is unref'd). `timeout`: `cache.timeout`.
 */
function within<T>(t: Tier, p: Promise<T>, timeout: number): Promise<T> {
  return judgedWithin(t, p, BOUND_MS, timeout, () => Object.assign(new TimeoutError('redis', BOUND_MS), { message: `timed out after ${BOUND_MS}ms` }))
}

/**
 * A Redis this run (or, within its backoff, another process of the machine) already found hanging
 * is not waited for again: a frozen one cost the run the cache tier's timeout, then this bound. Nor
 * one this run found refusing and that has not reconnected since.
 */
async function skipIfDown(t: Tier): Promise<void> {
  const h = t.health
  if (h === undefined) return
  // a cache tier's first call in flight (an fs hit leaves only the scope upkeep on Redis): its answer
  // or its timeout first, not a bound of ours beside it
  if (h.firstCall !== undefined) await bounded(h.firstCall, BOUND_MS).catch(() => {})
  // refused (or reset, a wrong password) in this run and not connected since: ioredis retries in the
  // background (every ≤ 2 s) and a call now waits in its offline queue for the next attempt, our
  // whole timeout (1 s at each exit of a CI fleet's CLIs while Redis is down). Reconnected: tried.
  const refused = h.failedHere && !h.slow && t.connected?.() === false
  if (!refused && !hangsNow(h)) return
  const until = h.downUntil > Date.now() ? `; not tried again for ${formatDuration(h.downUntil - Date.now())}` : ''
  throw new PerfError('E_REMOTE_DOWN', `redis found down ${h.failedHere ? 'earlier in this run' : 'by another unperf process of this machine'}${h.reason ? ` (${h.reason})` : ''}${until}`)
}

/** The error to report, the connection's health updated with it. */
function failed(t: Tier, error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code === 'E_REMOTE_DOWN') return error
  // the bound's own (within): said as it is
  const explained = error instanceof TimeoutError ? error : t.explain?.(error) ?? error
  if (t.health) markRedisDown(t.health, explained)
  return explained
}

/**
 * The shared runs, oldest first: entries of another shape (another tool's or version's under the
 * prefix) left out as history.jsonl's lines are (isRun); `loose` keeps them for the CLI to name.
 */
export async function readDriverHistory(config: ResolvedPerfConfig, loose?: boolean): Promise<HistoryEntry[]> {
  // `history: 0`: none kept, none read (slice(-0) took every stored run)
  if (config.report.history === 0) return []
  const t = await tier(config)
  try {
    // the bounds are the remote's: a cold import of ioredis on a loaded machine took them whole
    await t.loaded?.()
    // after the import: a cache tier's first call waited for it too, and is in flight by now
    await skipIfDown(t)
    const keys = (await within(t, t.keys(), config.cache.timeout)).filter(k => k.startsWith('run:')).sort().slice(-config.report.history)
    const entries = await within(t, t.getMany(keys), config.cache.timeout)
    if (t.health) markRedisUp(t.health)
    return entries.filter((e): e is NonNullable<typeof e> & { value: HistoryEntry } => !!e && !(e instanceof Error) && isRun(e.value as HistoryEntry, loose)).map(e => e.value)
  } catch (error) {
    // a redis that cannot be reached: its connection's error, not ioredis' retry-limit one
    throw failed(t, error)
  } finally {
    await t.close()
  }
}

/**
 * The local history merged (by runId) with the driver's, as the run and the `unperf budget` and
 * `unperf report` commands judge it; a driver that cannot be read leaves the local history, and
 * `warn` is told why.
 */
export async function withDriverHistory(config: ResolvedPerfConfig, local: HistoryEntry[], warn: (message: string) => void, loose?: boolean): Promise<HistoryEntry[]> {
  try {
    return mergeHistories(local, await readDriverHistory(config, loose), config.report.history)
  } catch (error) {
    warn(`report.historyDriver could not be read (${errorMessage(error)}); using the local history`)
    return local
  }
}

export async function appendDriverHistory(config: ResolvedPerfConfig, entry: HistoryEntry): Promise<void> {
  const t = await tier(config)
  try {
    await t.loaded?.()
    await skipIfDown(t)
    const key = driverKey(entry)
    await within(t, t.set({ key, value: entry, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0 }), config.cache.timeout)
    // before the cap below: a noted run older than the newest `history` goes again
    await setPendingRuns(t, config.report.dir, config.cache.timeout)
    const keys = (await within(t, t.keys(), config.cache.timeout)).filter(k => k.startsWith('run:')).sort()
    // bounded as well: besides the time, its ref'd timer is what keeps the process up meanwhile
    // (the redis socket is unref'd): unbounded, a CLI whose shared history was past the cap ended
    // mid-delete, its close() never settling (no summary, nothing after `await perf.close()`)
    const old = keys.slice(0, Math.max(0, keys.length - config.report.history))
    if (old.length > 0) await within(t, Promise.all(old.map(k => t.delete(k))), config.cache.timeout)
    if (t.health) markRedisUp(t.health)
  } catch (error) {
    throw failed(t, error)
  } finally {
    await t.close()
  }
}

/**
 * What earlier runs of this machine could not tell the driver at their exit (history-driver-pending.ts):
 * the entries they were writing when the process exited, and the exit codes that came after their
 * entry was written (set on an entry still there; only `exitCode` changes). Notes the driver did
 * not take (an error now) go back, for the next run; the run's own entry is written already.
 */
async function setPendingRuns(t: Tier, reportDir: string, timeout: number): Promise<void> {
  const pending = takePendingRuns(reportDir)
  if (pending.length === 0) return
  try {
    const codes = pending.filter(p => 'exitCode' in p)
    const stored = codes.length > 0 ? await within(t, t.getMany(codes.map(p => p.key)), timeout) : []
    const now = Date.now()
    const writes = pending.flatMap((p): StoredEntry[] => {
      if ('entry' in p) return [{ key: p.key, value: p.entry, createdAt: now, expiresAt: null, staleFor: 0, size: 0 }]
      const e = stored[codes.indexOf(p)]
      // an entry the cap removed meanwhile: nothing to correct
      return e && !(e instanceof Error) ? [{ ...e, value: { ...(e.value as HistoryEntry), exitCode: p.exitCode } }] : []
    })
    if (writes.length > 0) await within(t, t.setMany(writes), timeout)
  } catch {
    returnPendingRuns(reportDir, pending)
  }
}
