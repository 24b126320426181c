/**
 * A cached() function's wrap options are refused in the words the caller wrote: `cached(fn, { name:
 * 'x', ttl: 0 })` was accepted where it was called and refused at its first call as
 * `cache.wrap('x:[1]'): ttl must be ...`, a call the caller never wrote. Now a number or boolean
 * that is no ttl (or swr, staleIfError) is refused where cached() is called (a check that costs
 * nothing on the start path), and a string one (the duration parser is not loaded there) at the
 * first call, fn not run, both naming `cache.cached(fn, { name: 'x', ttl })`.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import type { PerfCache } from '../../src/runtime/types.js'
import { BASE, projectWith } from '../helpers/project.js'

type Cached = (fn: unknown, options?: unknown) => (...args: unknown[]) => Promise<unknown>
const TTL = /^\[unperf\] cache\.cached\(fn, \{ name: 'x', ttl \}\): ttl must be a duration > 0 or false, got /

async function refusals(cache: PerfCache) {
  const cached = cache.cached.bind(cache) as Cached
  let runs = 0
  const fn = async (n: number) => { runs++; return n }
  // where cached() is called: numbers and booleans
  expect(() => cached(fn, { name: 'x', ttl: 0 })).toThrow(new RegExp(TTL.source + '0$'))
  expect(() => cached(fn, { name: 'x', ttl: -5 })).toThrow(TTL)
  expect(() => cached(fn, { name: 'x', ttl: 0.4 })).toThrow(/got 0\.4 \(durations are whole ms: 0\.4 rounds to 0\)/)
  expect(() => cached(fn, { name: 'x', ttl: true })).toThrow(TTL)
  expect(() => cached(fn, { name: 'x', swr: -1 })).toThrow(/^\[unperf\] cache\.cached\(fn, \{ name: 'x', swr \}\): swr must be true, false or a duration, got -1$/)
  expect(() => cached(fn, { name: 'x', staleIfError: Number.NaN })).toThrow(/cache\.cached\(fn, \{ name: 'x', staleIfError \}\): staleIfError must be/)
  // a string: at the first call, in the same words, fn not run
  const year = cached(fn, { name: 'x', ttl: '1y' })
  await expect(year(1)).rejects.toThrow(/^\[unperf\] cache\.cached\(fn, \{ name: 'x', ttl \}\): ttl must be a duration > 0 or false, got 1y \(units: /)
  await expect(year(1)).rejects.toThrow(TTL) // every call, not only the first
  await expect(cached(fn, { name: 'x', swr: 'soon' })(1)).rejects.toThrow(/cache\.cached\(fn, \{ name: 'x', swr \}\): swr must be true, false or a duration, got soon/)
  expect(runs).toBe(0)
  // valid ones work
  expect(await cached(fn, { name: 'x', ttl: '1h', swr: true, staleIfError: 0 })(2)).toBe(2)
  expect(await cached(fn, { name: 'y', ttl: 1000 })(3)).toBe(3)
}

describe('cached() options refused in the words the caller wrote', () => {
  it('on perf.cache before the cache code loaded, then on the loaded namespace', async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    await refusals(perf.cache) // the lazy facade: the cache loads at the first call of the string case
    await refusals(perf.cache) // loaded
    await perf.close()
  })
})
