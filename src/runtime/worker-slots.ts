/**
 * What a perf.workers.run() call under a timeout waits for before its timer starts: a free thread.
 */

/**
 * One slot per thread, taken in call order (a Set iterates in insertion order; an aborted waiter
 * leaves it in O(1)): a call under a timeout starts its timer once it holds one, with a thread free.
 */
export function threadSlots(max: number) {
  let free = max
  const waiting = new Set<() => void>()
  return {
    acquire(signal: AbortSignal | undefined): Promise<void> | undefined {
      if (waiting.size === 0 && free > 0) {
        free--
        return undefined
      }
      if (signal?.aborted) return Promise.reject(signal.reason)
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          waiting.delete(take)
          reject(signal!.reason)
        }
        const take = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        waiting.add(take)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    /** The slot passes to the first waiter, else is free again. */
    release(): void {
      const next = waiting.values().next()
      if (next.done) free++
      else {
        waiting.delete(next.value)
        next.value()
      }
    },
  }
}
