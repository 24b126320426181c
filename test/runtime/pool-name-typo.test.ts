import { describe, expect, it } from 'vitest'
import { createPoolManager } from '../../src/runtime/pool-manager.js'
import { pool, runtimeContext } from './_ctx.js'

/**
 * `perf.pool('netwrk')` runs with the default settings, as any name not in `concurrency.pools` does
 * (documented): a name one typo away from a configured pool is said once, with the pool it is near.
 */
describe('a pool name not in the config', () => {
  function manager() {
    const ctx = runtimeContext({ network: pool({ concurrency: 8, timeout: 10_000, retries: 2 }) })
    const warnings: [string, string][] = []
    ctx.warn = (code: string, message: string) => { warnings.push([code, message]) }
    return { pools: createPoolManager(ctx), warnings }
  }

  it('near a configured one: one warning naming it, and the pool runs with the defaults', async () => {
    const { pools, warnings } = manager()
    const p = pools.pool('netwrk')
    expect(await p.run(async () => 1)).toBe(1)
    pools.pool('netwrk')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]![1]).toContain(`perf.pool('netwrk'): no pool 'netwrk' in concurrency.pools, so it runs with the default settings`)
    expect(warnings[0]![1]).toContain(`did you mean 'network'?`)
    expect(p.stats().concurrency).toBe(4)
  })

  it('the default pool, a configured one, or a name near none: no warning', () => {
    const { pools, warnings } = manager()
    pools.pool()
    pools.pool('default')
    pools.pool('network')
    pools.pool('files')
    expect(warnings).toEqual([])
  })
})
