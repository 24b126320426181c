/**
 * TierGuard: every call on a remote tier is bounded by the timeout through one shared timer and a
 * list of calls in flight. Calls settle in any order (a corrupt entry's delete makes a read settle
 * after later ones); the list must stay whole so the sweep still times out the ones left.
 */
import { describe, expect, it } from 'vitest'
import { RemoteTierGuard } from '../../src/drivers/remote-tier-guard.js'
import { createTier } from '../../src/drivers/tiers.js'
import { TimeoutError } from '../../src/errors.js'

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void
  const promise = new Promise<T>(r => { resolve = r })
  return { promise, resolve }
}

describe('RemoteTierGuard', () => {
  it('settles calls in any order, and times out the ones still in flight', async () => {
    // a remote tier (an unstorage driver other than memory and lru-cache); the calls below are the test's own promises
    const tier = await createTier({ driver: 'fs-lite', options: { base: '/nonexistent' } }, {
      prefix: 'guard', fsDir: () => '', encode: { compress: false, integrity: true }, timeout: 100,
    })
    expect(tier.remote).toBe(true)
    const downs: unknown[] = []
    const guard = new RemoteTierGuard(tier, 100, (_tier, error) => downs.push(error))
    // the first call of a guard also covers connecting (1 s): done with it
    expect(await guard.call(() => Promise.resolve('first'))).toBe('first')

    for (let round = 0; round < 2; round++) {
      const d = Array.from({ length: 5 }, () => deferred<number>())
      const calls = d.map(x => guard.call(() => x.promise).then(value => ({ value }), (error: unknown) => ({ error })))
      // the middle one first, then the oldest, then the newest: 1 and 3 are left in flight
      d[2]!.resolve(2)
      d[0]!.resolve(0)
      d[4]!.resolve(4)
      const out = await Promise.all(calls)
      expect(out.map(o => ('value' in o ? o.value : 'timeout'))).toEqual([0, 'timeout', 2, 'timeout', 4])
      for (const i of [1, 3]) expect((out[i] as { error: unknown }).error).toBeInstanceOf(TimeoutError)
      // settling after the timeout changes nothing
      d[1]!.resolve(1)
      d[3]!.resolve(3)
    }
    // one report per incident: the two calls timing out together in a round are one (the answers
    // before them, in the second round, ended the first incident)
    expect(downs).toHaveLength(2)
    expect(guard.up).toBe(false)
    // the list is empty again: a new call is on its own
    expect(await guard.call(() => Promise.resolve('after'))).toBe('after')
  })
})
