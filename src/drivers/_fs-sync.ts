/**
 * When the fs tier makes synchronous calls: small entries are read and written with them, large
 * ones and bursts through the libuv thread pool, within a budget of sync time per turn of the
 * event loop (here). The reads are _fs-read.ts, the writes _fs-write-atomic.ts.
 *
 * - Why sync: each callback call is a thread-pool round trip, 0.3–0.4 ms in a fresh process on a
 *   2-core machine (the loop must turn and a pool thread wake), 30–50 µs in a warm one, where the
 *   same call made synchronously on a small file in the page cache costs 10–50 µs. A CLI's warm run
 *   makes a handful of lone cache operations, each 3–6 round trips before: most of its cache time.
 *   Measured on this machine's ext4, one process, one operation after another: an aside write of
 *   1–128 KB 60–115 µs sync vs 250–320 µs through the pool (140–150 µs each with 100 in flight); a
 *   read of 1–32 KB 15–45 µs sync vs 100–125 µs.
 * - Which: reads of entries up to SYNC_READ_BYTES (the reused 128 KB buffer), known from the index
 *   or of unknown size (a larger file's first 128 KB are read sync, the rest through the pool);
 *   writes of encoded entries up to SYNC_WRITE_BYTES (64 KB: the copy is ~15 µs of a 128 KB sync
 *   write, but its tail grows — p99 165 µs at 64 KB, 312 µs at 128 KB — and large values are rare
 *   on a CLI's start path). Larger entries keep the pool: their bytes do not hold the loop.
 * - What it costs: a sync call holds the event loop for its duration (a write ~0.1 ms, a small read
 *   ~20 µs), and awaiting an operation that completed synchronously does not let the loop turn.
 *   So each turn of the loop gets SYNC_MS_PER_TURN of sync calls; past it, small operations go
 *   through the pool too until the loop turns. A CLI's few lone operations stay sync; a loop of
 *   10 000 awaited sets or gets lets timers run every few ms; a burst of thousands of concurrent
 *   operations runs its first ~2 ms sync and the rest as before, through the pool, where the
 *   kernel's work overlaps the JS (creating thousands of files in a burst makes ext4's inode
 *   allocation slow, ~250 µs a create, which sync calls could not overlap: 10 000 concurrent sets
 *   on 100 keys took 3.2 s all sync vs 2.4 s with the budget and 3.0 s before).
 */
import { now } from '../runtime/clock.js'

/** Sync time (ms) each turn of the event loop may spend in the tier's calls; past it, the thread pool (see above). */
export const SYNC_MS_PER_TURN = 2
let turnSpent = 0
let turnArmed = false
function endTurn(): void {
  turnSpent = 0
  turnArmed = false
}

/** Whether this turn of the event loop may still make a small operation with sync calls. */
export function syncTurn(): boolean {
  return turnSpent < SYNC_MS_PER_TURN
}

/** Counts the sync time since `start` (runtime clock ms, `now()`) against this turn's budget. */
export function spentSync(start: number): void {
  turnSpent += now() - start
  if (!turnArmed) {
    turnArmed = true
    setImmediate(endTurn)
  }
}

