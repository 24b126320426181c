/**
 * Scopes on Redis, as scope.ts does them on fs: entries with `ttl: false` have no `PX`, so a scope
 * no run uses any more (an old version, an old lockfile hash) stayed in Redis for ever.
 *
 * - Every process marks its scope used on its first use of a Redis tier: one `ZADD` into
 *   `<root>scopes` (a sorted set: scope id → last use, ms), where `<root>` is `[<base>:]unperf:<name>:`.
 * - At most once a day for every process of every machine on that Redis (`SET <root>scopes:pruned NX
 *   PX 1d`), one of them removes the scopes unused for `cache.scopeMaxAge`: one `SCAN` over
 *   `<root>s_*` (the only keyspace walk, daily, not per run) deletes their keys (`UNLINK`) and
 *   registers the scopes found there but not in the set (written before it existed) as used now, so
 *   they go `scopeMaxAge` later. A scope leaves the set only once its keys are gone, and only if no
 *   process marked it used meanwhile; a walk cut short (the process ended) goes on the next day.
 *
 * The run history (`<root>history:…`) and the wrap() locks (`[<base>:]lock:unperf:…`, expiring) are not scopes.
 * Each call goes through the tier's guard: bounded by `cache.timeout`, skipped while Redis is down.
 */
import type { RedisClient } from './redis-connection.js'

export interface RedisScope {
  /** `[<base>:]unperf:<name>:` */
  root: string
  /** this process's scope id (`s_…`) */
  id: string
  /** cache.scopeMaxAge, ms */
  maxAge: number
}

/** One remote call, bounded and counted like every other (TierGuard.call). */
export type GuardedCall = <T>(op: () => Promise<T>) => Promise<T>

const DAY_MS = 86_400_000
/** What a refused command (see `refusable`) answers instead. */
const REFUSED = Symbol('refused')
/**
 * One upkeep call through the guard, where a reply error (an ACL user without `ZADD` or `SCAN`, a
 * read-only replica) answers REFUSED instead of failing: the upkeep stops, and the tier is not marked
 * down for it (its own gets and sets say whether it works). Timeouts and connection errors fail as usual.
 */
function refusable(call: GuardedCall) {
  return <T>(op: () => Promise<T>): Promise<T | typeof REFUSED> => call(() => op().catch((error: unknown) => {
    if ((error as { name?: unknown } | null)?.name === 'ReplyError') return REFUSED
    throw error
  }))
}

/** Per process: the connections and roots whose scope is marked used already. */
const touched = new Set<string>()
/** Removes scope ARGV[1] from the set KEYS[1] only while its score is still ARGV[2] (no process marked it used meanwhile). */
const FORGET_IF_UNUSED = `if redis.call('zscore', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('zrem', KEYS[1], ARGV[1]) else return 0 end`

/**
 * Marks the scope used (once per process, connection and root) and, when this process is the one
 * of the day, prunes the unused scopes. Returns the ids of the scopes removed. Never throws.
 */
export async function scopeUpkeep(client: Promise<RedisClient>, connection: string, scope: RedisScope, call: GuardedCall): Promise<string[]> {
  const once = `${connection}\0${scope.root}\0${scope.id}`
  if (touched.has(once)) return []
  touched.add(once)
  try {
    const c = await client
    const set = `${scope.root}scopes`
    const ask = refusable(call)
    const marked = await ask(() => c.zadd(set, Date.now(), scope.id))
    if (marked === REFUSED) return []
    const due = await ask(() => c.set(`${set}:pruned`, String(Date.now()), 'PX', DAY_MS, 'NX'))
    if (due !== 'OK') return []
    return await pruneScopes(c, scope, ask)
  } catch {
    // Redis down or refusing: the tier's own calls say so; the next process marks and prunes
    return []
  }
}

async function pruneScopes(c: RedisClient, scope: RedisScope, ask: ReturnType<typeof refusable>): Promise<string[]> {
  const set = `${scope.root}scopes`
  const now = Date.now()
  // scope id → its score, as read (the score it is removed with: see FORGET_IF_UNUSED)
  const known = new Map<string, string>()
  const flat = await ask(() => c.zrange(set, 0, -1, 'WITHSCORES'))
  if (flat === REFUSED) return []
  for (let i = 0; i + 1 < flat.length; i += 2) known.set(flat[i]!, flat[i + 1]!)
  const stale = new Set([...known].filter(([id, score]) => id !== scope.id && now - Number(score) > scope.maxAge).map(([id]) => id))
  const unknown = new Set<string>()
  const pattern = escapeGlob(`${scope.root}s_`) + '*'
  let cursor = '0'
  do {
    const page = await ask(() => c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000))
    if (page === REFUSED) return []
    const [next, keys] = page
    cursor = next
    const doomed: string[] = []
    for (const key of keys) {
      const end = key.indexOf(':', scope.root.length)
      if (end < 0) continue
      const id = key.slice(scope.root.length, end)
      if (stale.has(id)) doomed.push(key)
      else if (!known.has(id)) unknown.add(id)
    }
    if (doomed.length > 0 && await ask(() => c.unlink(...doomed)) === REFUSED) return []
  } while (cursor !== '0')
  // scopes written before the set existed: used now, as far as anyone can tell
  if (unknown.size > 0) await ask(() => c.zadd(set, 'NX', ...[...unknown].flatMap(id => [now, id])))
  const removed: string[] = []
  for (const id of stale) {
    if (await ask(() => c.eval(FORGET_IF_UNUSED, 1, set, id, known.get(id)!)) === 1) removed.push(id)
  }
  return removed
}

/** A literal string in a SCAN MATCH pattern. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&')
}
