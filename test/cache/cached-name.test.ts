/**
 * `cached(fn, { name })`: name is each call's key prefix. Plain JavaScript could leave it out
 * (`cached(fn, {})`): two functions memoized so shared their entries under `undefined:`, and one
 * returned the other's results (square(3) gave double(3)'s 6). Checked where cached() is called,
 * on perf.cache (the lazy facade of the start path) and on a loaded namespace alike.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { manager } from './_manager.js'

type Cached = (fn: unknown, options?: unknown) => unknown
const NAME = /cache\.cached\(fn, \{ name \}\): name must be a non-empty string \(it is part of each call's key: two memoized functions need two names\), got /

describe('cached() without a name', () => {
  it('throws a TypeError where it is called, on perf.cache before and after the cache code loaded, and on a namespace', async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    const lazy = perf.cache.cached.bind(perf.cache) as Cached
    expect(() => lazy(async (x: number) => x * 2, {})).toThrow(NAME)
    expect(() => lazy(async (x: number) => x * 2)).toThrow(/got no options/)
    expect(() => lazy(async (x: number) => x * 2, { name: '' })).toThrow(/got ''/)
    expect(() => lazy('not a function', { name: 'f' })).toThrow(/fn must be a function \(the work to memoize\), got string/)
    await perf.cache.get('load') // the real namespace from here on
    const loaded = perf.cache.cached.bind(perf.cache) as Cached
    expect(() => loaded(async (x: number) => x * x, {})).toThrow(NAME)
    // named ones keep their own entries
    const double = perf.cache.cached(async (x: number) => x * 2, { name: 'double' })
    const square = perf.cache.cached(async (x: number) => x * x, { name: 'square' })
    expect([await double(3), await square(3)]).toEqual([6, 9])
    await perf.close()

    const { cache, m } = manager({ driver: 'memory' })
    expect(() => (cache.cached.bind(cache) as Cached)(async () => 1, { name: 42 })).toThrow(/got number/)
    await m.close()
  })
})

/**
 * A `key` function that returns something else than a string: `${name}:${k}` made every object
 * `[object Object]` and every undefined `undefined`, so `key: o => o` put every call in one entry
 * and a call with other arguments got the first call's result.
 */
describe('cached() with a key function that does not return a string', () => {
  it('rejects the call with a TypeError naming what came; a number is its digits; a key that is no function throws where cached() is called', async () => {
    const { cache, m } = manager({ driver: ['memory', 'fs'] })
    const byObject = cache.cached(async (o: { id: number }) => o.id, { name: 'by-object', key: ((o: { id: number }) => o) as unknown as (o: { id: number }) => string })
    await expect(byObject({ id: 1 })).rejects.toThrow(/cache\.cached\(fn, \{ name: 'by-object', key \}\): key\(\.\.\.args\) must return a string .*got an object/)
    await expect(byObject({ id: 2 })).rejects.toThrow(TypeError)
    const none = cache.cached(async (x: number) => x, { name: 'none', key: (() => undefined) as unknown as () => string })
    await expect(none(1)).rejects.toThrow(/got undefined/)
    const byId = cache.cached(async (o: { id: number }) => o.id * 10, { name: 'by-id', key: ((o: { id: number }) => o.id) as unknown as (o: { id: number }) => string })
    expect([await byId({ id: 1 }), await byId({ id: 2 })]).toEqual([10, 20])
    expect((await cache.keys()).sort()).toEqual(['by-id:1', 'by-id:2'])
    expect(() => (cache.cached as Cached)(async () => 1, { name: 'k', key: 'fixed' })).toThrow(/key must be a function .*got string/)
    await m.close()
  })
})
