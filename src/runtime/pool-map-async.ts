/**
 * pool.map() over an async iterable, as p-map takes one: items are pulled only while the map has
 * fewer items in flight than the pool has slots, so the iterable is never drained ahead of the work
 * (a paginated API, a stream of lines). The map counts one more item until the iterable is done, so
 * it cannot finish early; an iterator that throws rejects the map with its error, as p-map; a
 * stopOnError failure or an aborted outside signal stops the pulling and closes the iterator.
 */
import type { MapRun } from './pool-job.js'

export function isAsyncIterable(items: unknown): items is AsyncIterable<unknown> {
  return items !== null && typeof items === 'object' && typeof (items as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

/**
 * Feeds `run` from `iterable`: each item pulled goes to `submit(index)` (its value is already in
 * run.items). `limit()`: the pool's slots now; `reject`: the map's. Starts pulling at once.
 */
export function feedMap(
  run: MapRun, iterable: AsyncIterable<unknown>, limit: () => number,
  submit: (index: number) => void, reject: (error: unknown) => void, outside: AbortSignal | undefined,
): void {
  let iterator: AsyncIterator<unknown>
  let pulling = false
  let ended = false
  const close = (): void => {
    ended = true
    outside?.removeEventListener('abort', onAbort)
    // a generator left mid-way runs its finally blocks; an error of return() is not the map's
    Promise.resolve().then(() => iterator.return?.()).catch(() => {})
  }
  const onAbort = (): void => {
    if (ended) return
    close()
    reject(outside!.reason)
  }
  const pump = async (): Promise<void> => {
    pulling = true
    try {
      // run.remaining - 1: the items in flight (the one more is the iterable's own)
      while (!ended && run.group?.cancelled !== true && run.remaining - 1 < limit()) {
        const next = await iterator.next()
        if (ended) return
        if (next.done === true) {
          ended = true
          outside?.removeEventListener('abort', onAbort)
          if (--run.remaining === 0) run.finish()
          return
        }
        const index = run.items.length
        run.items.push(next.value)
        run.remaining++
        submit(index)
      }
      if (run.group?.cancelled === true && !ended) close()
    } catch (error) {
      if (ended) return
      ended = true
      outside?.removeEventListener('abort', onAbort)
      reject(error)
    } finally {
      pulling = false
    }
  }
  run.pull = () => { if (!pulling && !ended) void pump() }
  try {
    iterator = iterable[Symbol.asyncIterator]()
  } catch (error) {
    ended = true
    reject(error)
    return
  }
  outside?.addEventListener('abort', onAbort, { once: true })
  void pump()
}
