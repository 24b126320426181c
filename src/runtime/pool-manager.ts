/**
 * The pools of a perf instance, by name (`perf.pool(name)`): each made on first use with its
 * `concurrency.pools` entry or the defaults, their stats for the report, and the warning when the
 * event loop empties with tasks queued behind a full pool (a deadlock). A deferred module
 * (scripts/build.mjs): it loads, with the pools, on the first `perf.pool()`.
 */
import { closest } from '../config/did-you-mean.js'
import type { ResolvedPoolConfig } from '../config/types.js'
import type { PoolManager, RuntimeContext } from './_internal.js'
import { Pool } from './pool.js'

export function createPoolManager(ctx: RuntimeContext): PoolManager {
  const pools = new Map<string, Pool>()
  const { concurrency } = ctx.config
  const defaults: ResolvedPoolConfig = { concurrency: concurrency.default, timeout: false, retries: 0, backoff: 100, maxBackoff: 10_000 }
  // a name one typo away from a configured pool runs with the defaults (as any name not in the config):
  // said once, as a misspelt namespace or hook name is
  const warnNear = (name: string) => {
    const near = closest(name, Object.keys(concurrency.pools))
    if (near !== undefined) ctx.warn(`pool-near:${name}`, `perf.pool('${name}'): no pool '${name}' in concurrency.pools, so it runs with the default settings (concurrency ${concurrency.default}, no timeout, no retries); did you mean '${near}'?`)
  }
  return {
    pool(name = 'default') {
      let pool = pools.get(name)
      // own keys only: a pool named 'constructor' is not Object.prototype's (its limit was NaN: nothing ever ran)
      if (!pool) {
        const configured = Object.hasOwn(concurrency.pools, name) ? concurrency.pools[name] : undefined
        if (!configured && name !== 'default') warnNear(name)
        pools.set(name, (pool = new Pool(name, configured ?? defaults, ctx)))
      }
      return pool
    },
    stats: () => [...pools.values()].map(p => p.stats()),
    warnStalled() {
      // the event loop is empty: a queued task waits for a slot held by a task that can no longer finish
      for (const p of pools.values()) {
        if (p.queued === 0) continue
        ctx.warn(`pool-stalled:${p.name}`, `pool '${p.name}': ${p.queued} task(s) still queued behind ${p.active} running when the event loop emptied: a deadlock. A task that awaits tasks of its own pool holds its slot while they wait for one (as with p-limit or p-queue): run the inner work in another pool (perf.pool('files')), or a graph in its own (perf.graph(tasks, { pool: 'graph' }))`)
      }
    },
  }
}
