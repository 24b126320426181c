/** The bound on files the fs tier's thread-pool paths (_fs-read.ts, _fs-write-atomic.ts) hold open at once. */

/**
 * Files the thread-pool paths hold open at once, per process. Each opens, then reads or writes, then
 * closes, all queued in the pool: a burst of 5 000 concurrent gets opened all 5 000 files before
 * reading any, and under a usual `ulimit -n` (1 024, 256) most failed with EMFILE: misses, the
 * writes dropped, the tier reported as failing. Past this many, an operation waits for a slot (the
 * pool runs 4 calls at a time: the wait costs nothing).
 */
const MAX_OPEN = 128
let openSlots = MAX_OPEN
const slotWaiters: (() => void)[] = []
let slotHead = 0

/** A slot to open a file in (see MAX_OPEN): undefined when one is free now, else a promise of one. */
function takeSlot(): Promise<void> | undefined {
  if (openSlots > 0) { openSlots--; return undefined }
  return new Promise(resolve => slotWaiters.push(resolve))
}

function giveSlot(): void {
  if (slotHead < slotWaiters.length) {
    const next = slotWaiters[slotHead]!
    slotWaiters[slotHead++] = undefined!
    if (slotHead === slotWaiters.length) { slotWaiters.length = 0; slotHead = 0 }
    next()
  } else openSlots++
}

/** `fn` with a slot held (see MAX_OPEN). */
export async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  const wait = takeSlot()
  if (wait) await wait
  try {
    return await fn()
  } finally {
    giveSlot()
  }
}
