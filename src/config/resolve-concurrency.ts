/**
 * The concurrency key: the default limit, named pools and worker threads; 'auto' limits are
 * counted on first read.
 */
import { availableParallelism } from 'node:os'
import { DEFAULTS } from './defaults.js'
import { keyPath } from './key-path.js'
import type { Resolver } from './resolver.js'
import type { Concurrency, PerfConfigBase, ResolvedConcurrencyConfig } from './types.js'

const AUTO = Symbol('auto')

function concurrencyValue(r: Resolver, value: Concurrency, path: string): number | 'adaptive' | typeof AUTO {
  if (value === 'adaptive') return 'adaptive'
  if (value === 'auto') return AUTO
  if (!Number.isInteger(value) || value < 1) r.issue(path, "a positive integer, 'auto' or 'adaptive'", value)
  return value
}

/**
 * Sets `target[key]`; an 'auto' value becomes a number on first read (os.availableParallelism()):
 * node:os costs ~0.6 ms to load, and most commands never look at a pool's size.
 */
function setConcurrency<T extends object>(target: T, key: keyof T & string, value: number | 'adaptive' | typeof AUTO, auto: () => number = availableParallelism): void {
  if (value !== AUTO) {
    (target as Record<string, unknown>)[key] = value
    return
  }
  Object.defineProperty(target, key, {
    enumerable: true, configurable: true,
    get() {
      const n = auto()
      Object.defineProperty(target, key, { value: n, enumerable: true, writable: true, configurable: true })
      return n
    },
    set(v: unknown) {
      Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true })
    },
  })
}

export function resolveConcurrency(r: Resolver, input: PerfConfigBase): ResolvedConcurrencyConfig {
  const c = input.concurrency ?? {}
  const d = DEFAULTS.concurrency
  const def = concurrencyValue(r, c.default ?? d.default, 'concurrency.default')
  const pools: ResolvedConcurrencyConfig['pools'] = {}
  for (const [name, p] of Object.entries(c.pools ?? {})) {
    if (p === undefined) continue // an entry set to undefined is absent (validate.ts)
    const path = keyPath('concurrency.pools', name)
    const pool = {
      concurrency: 0, // set below (an existing key keeps its place in the object)
      timeout: p.timeout === undefined || p.timeout === false ? false : r.positiveDuration(p.timeout, `${path}.timeout`, true),
      retries: p.retries ?? d.pool.retries,
      backoff: r.duration(p.backoff ?? d.pool.backoff, `${path}.backoff`),
      maxBackoff: r.duration(p.maxBackoff ?? d.pool.maxBackoff, `${path}.maxBackoff`),
    } as ResolvedConcurrencyConfig['pools'][string]
    setConcurrency(pool, 'concurrency', p.concurrency === undefined ? def : concurrencyValue(r, p.concurrency, `${path}.concurrency`))
    pools[name] = pool
  }
  const w = c.workers ?? {}
  const max = w.max ?? d.workers.max
  const workers = {
    max: 0,
    idleTimeout: r.duration(w.idleTimeout ?? d.workers.idleTimeout, 'concurrency.workers.idleTimeout'),
    timeout: w.timeout === undefined || w.timeout === false ? false : r.positiveDuration(w.timeout, 'concurrency.workers.timeout', true),
    retries: w.retries ?? d.workers.retries,
    maxMemory: workerMemory(r, w.maxMemory ?? d.workers.maxMemory),
  } as ResolvedConcurrencyConfig['workers']
  setConcurrency(workers, 'max', max === 'auto' ? AUTO : max, () => Math.max(1, availableParallelism() - 1))
  const resolved: ResolvedConcurrencyConfig = { default: 0, pools, workers }
  setConcurrency(resolved, 'default', def)
  return resolved
}

/** A worker thread's heap limit: false, or bytes of at least 8 MiB (V8 needs a few to start a thread at all). */
function workerMemory(r: Resolver, value: unknown): number | false {
  const bytes = r.sizeOrFalse(value, 'concurrency.workers.maxMemory')
  if (bytes !== false && bytes < 8 * 1024 * 1024) r.issue('concurrency.workers.maxMemory', "false or a size of at least '8MiB' (a worker thread needs a few MiB of heap to start)", value)
  return bytes
}
