/**
 * What a process knows of a Redis connection being down, shared by every user of it: the cache
 * tiers of every namespace and `report.historyDriver` on the same connection. A frozen Redis costs a
 * run one timeout, not one per user (before: the cache tier's 1 s, then the history driver's own
 * 2 s). Processes of one machine share a timeout through a marker file in the cache dir
 * (`.redis-down-<id>`: its expiry and failure count, 0600; removed by the first process that gets a
 * reply), so a CI job that runs the CLI 50 times against a frozen Redis pays a timeout every 10 s
 * (the backoff: 1 s doubling to 30 s, at least 10 s for the other processes), not per run. A
 * refused or reset connection fails fast: it is shared in the process (the backoff), not marked.
 *
 * Only failures that say the connection is unusable count (a timeout, a refused or closed
 * connection, a wrong password, a db the server does not have, a Redis Cluster node: unsupported);
 * a reply error of one command (WRONGTYPE, a value too large) leaves the connection to the others.
 */
import { unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { crypto } from '../runtime/_builtins.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { writeFileNoFollowSync } from '../runtime/write-file-atomic.js'
import { readFileNoFollowSync } from '../runtime/read-file-no-follow.js'
import { errorMessage } from '../errors.js'
import { redact } from '../runtime/warn.js'
import { dirUnsafeSync } from './fs-safety.js'
import { ownSlowness } from './timeout-blame.js'
import { isClusterReply, isConnectionFailure } from './redis-failures.js'
import type { Tier } from './types.js'

export interface RedisHealth {
  /** Epoch ms until which the connection is not tried (0: up, unknown, or its backoff is over). */
  downUntil: number
  /** Failures in a row, across processes (through the marker): the backoff doubles with each. */
  failures: number
  /** It failed in this process and has not answered since. */
  failedHere: boolean
  /** Its last failure was a timeout (here, or another process's marker): trying it again costs one more. */
  slow: boolean
  /**
   * That timeout was this process's own slowness (starved of CPU: timeout-blame.ts), not Redis's: the
   * cache tiers skip it for their backoff, but the history driver tries it (hangsNow), or a run of a
   * loaded CI machine was left out of the shared history.
   */
  starved?: boolean
  /**
   * Settles when the process's first guarded call on the connection (a cache tier's, its scope
   * upkeep's) has: the history driver waits for it before paying a bound of its own beside it.
   */
  firstCall?: Promise<void>
  /** The probe of whether it is back in flight, shared by the guards of every namespace on it (TierGuard). */
  probing?: Promise<void>
  /**
   * A node of a Redis Cluster (it answered MOVED, ASK or CLUSTERDOWN): unsupported, off for the rest
   * of the run (downUntil: Infinity) whatever it answers later (its own slots, PING).
   */
  unsupported: boolean
  /** Why it was found down (redacted), for the messages of those that skip it. */
  reason: string
  /** Incidents over in this process (down, then a reply): each new one is warned about again (TierGuard). */
  incidents: number
  /** Its marker file, when the cache dir is known. */
  readonly marker: string | undefined
}

/** The longest a connection is skipped after failures in a row; a marker promising longer is capped to it. */
export const MAX_BACKOFF_MS = 30_000
/**
 * The shortest a marker tells other processes to skip the connection: the first backoff (1 s) is
 * over before the next CLI run of a CI job has started. A Redis that comes back meanwhile is used
 * again by the processes that started before it came back after their own backoff, by new ones after this.
 */
export const MARKER_MIN_MS = 10_000
const healths = new Map<string, RedisHealth>()

/**
 * The health of the connection `id` (its url, host, port, db, user, password and tls as one string:
 * only its hash reaches the marker's name). Made on a tier's first use: one read of a marker that
 * is usually missing (ENOENT), nothing on the start path.
 */
export function redisHealth(id: string, stateDir: string | undefined): RedisHealth {
  const hash = crypto().createHash('sha256').update(id).digest('hex').slice(0, 16)
  const key = `${hash}\0${stateDir ?? ''}`
  let h = healths.get(key)
  if (h) return h
  h = { downUntil: 0, failures: 0, failedHere: false, slow: false, unsupported: false, reason: '', incidents: 0, marker: stateDir === undefined ? undefined : join(stateDir, `.redis-down-${hash}`) }
  healths.set(key, h)
  readMarker(h)
  return h
}

/**
 * For a one-off user of the connection (the history driver): not worth trying now, because its last
 * failure was a timeout, in this process and no reply since, or in another one within the marker's
 * time. Not a timeout this process's own slowness caused (`starved`): the history driver's bound is
 * its own, and skipping left the run out of the shared history (one run in ten, 10 CLIs at once on a
 * loaded 2-core CI machine). A refused or reset connection fails fast: trying again costs nothing and finds a Redis that
 * came back (a restart).
 */
export function hangsNow(h: RedisHealth): boolean {
  return h.slow && h.starved !== true && (h.failedHere || Date.now() < h.downUntil)
}

/**
 * A failure of the connection: backs off (one incident, many calls failing together, counts once)
 * and tells the other processes through the marker. Errors of one command are ignored (see above).
 */
export function markRedisDown(h: RedisHealth, error: unknown): void {
  if (!isConnectionFailure(error)) return
  h.failedHere = true
  if (isClusterReply(error)) {
    // refused once for the run: an answer of its own slots or to a probe must not bring it back
    // until the next key of another node's slot (the tier flapped, down and up, on every call)
    if (h.unsupported) return
    h.unsupported = true
    h.downUntil = Number.POSITIVE_INFINITY
    h.reason = redact(errorMessage(error))
    h.slow = false
    return
  }
  const now = Date.now()
  if (now < h.downUntil) return
  h.failures++
  h.downUntil = now + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(h.failures - 1, 5))
  h.reason = redact(errorMessage(error))
  h.slow = (error as { code?: unknown }).code === 'E_TIMEOUT'
  h.starved = h.slow && ownSlowness(error)
  // only a timeout is worth telling the other processes: a refused connection costs them nothing
  // to find, and a restarted Redis would be skipped by them for the marker's time for nothing; nor
  // one that this process's own slowness caused (starved of CPU: timeout-blame.ts), which this
  // process alone pays (skipped for its backoff, the history driver told)
  if (h.slow && !h.starved) writeMarker(h)
}

/** A reply: the connection is up (cheap when it was never down). */
export function markRedisUp(h: RedisHealth): void {
  if (h.unsupported) return
  if (h.failures === 0 && !h.failedHere && h.downUntil === 0 && !h.slow) return
  if (h.failedHere) h.incidents++
  h.failures = 0
  h.failedHere = false
  h.slow = false
  h.starved = false
  h.downUntil = 0
  h.reason = ''
  if (h.marker !== undefined) try { unlinkSync(h.marker) } catch { /* none, or not ours to remove */ }
}

function readMarker(h: RedisHealth): void {
  if (h.marker === undefined) return
  let text: string
  try { text = readFileNoFollowSync(h.marker) } catch { return }
  // a marker in a dir someone else could write to is not trusted (they could keep a Redis skipped)
  if (dirUnsafeSync([join(h.marker, '..')])) return
  const m = /^(\d+) (\d+)(?: (.*))?$/s.exec(text)
  if (!m) return
  const now = Date.now()
  // no process writes one past now + the longest backoff: a clock stepped back since (a VM's, NTP)
  // made it a day or more; capped per run, it kept every short run off a Redis that answers
  if (Number(m[1]) > now + MAX_BACKOFF_MS + 1000) return
  const until = Number(m[1])
  if (until <= now) {
    // over: the failure count still doubles the next backoff if it fails again
    h.failures = Math.min(Number(m[2]), 6)
    return
  }
  h.downUntil = until
  h.slow = true
  h.failures = Math.min(Number(m[2]), 6)
  h.reason = m[3] ?? ''
}

function writeMarker(h: RedisHealth): void {
  if (h.marker === undefined) return
  try {
    const dir = join(h.marker, '..')
    makeDirSync(dir, 0o700)
    if (dirUnsafeSync([dir])) return
    writeFileNoFollowSync(h.marker, `${Math.max(h.downUntil, Date.now() + MARKER_MIN_MS)} ${h.failures} ${h.reason.replace(/\s+/g, ' ')}`)
  } catch { /* an unwritable cache dir: this process still knows */ }
}
