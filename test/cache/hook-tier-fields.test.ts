/**
 * `cache:hit` and `cache:error` name their tier alike: `tier` its index in the namespace's
 * `cache.driver` order, `tierName` its driver. `cache:hit` carried the index alone and `cache:error`
 * the name alone, in a field of the same name (`tier: 1` on one, `tier: 'fs'` on the other).
 * getMany()'s hits said `tier: 0, tierName: 'memory'` whichever tier answered (an empty memory
 * tier in a new process, the fs tier holding the values).
 */
import { describe, expect, it } from 'vitest'
import type { CacheErrorPayload, CacheEventPayload } from '../../src/hooks/types.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

describe('the tier of a cache:hit and of a cache:error', () => {
  it('is given as its index and its driver name, both', async () => {
    const dir = tempDir('unperf-hook-tier-')
    const cwd = tempDir('unperf-hook-tier-cwd-')
    const first = manager({ dir, cwd, driver: ['memory', 'fs'] as never })
    await first.cache.set('k', 'v')
    await first.m.close()
    // a new process over the same dir: the memory tier is empty, the fs tier answers
    const { cache, hooks, m } = manager({ dir, cwd, driver: ['memory', 'fs'] as never })
    const hits: CacheEventPayload[] = []
    const errors: CacheErrorPayload[] = []
    hooks.hook('cache:hit', e => { hits.push(e) })
    hooks.hook('cache:error', e => { errors.push(e) })
    expect(await cache.get('k')).toBe('v')
    expect(await cache.get('k')).toBe('v') // promoted: the memory tier's now
    expect(hits.map(({ tier, tierName }) => ({ tier, tierName }))).toEqual([{ tier: 1, tierName: 'fs' }, { tier: 0, tierName: 'memory' }])
    // a value the fs tier cannot store (a BigInt): its cache:error
    await cache.set('n', 12n)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ namespace: 'default', key: 'n', tier: 1, tierName: 'fs' })
    await m.close()
  })

  it("is the tier that answered on getMany() too, as on get()", async () => {
    const dir = tempDir('unperf-hook-tier-many-')
    const cwd = tempDir('unperf-hook-tier-many-cwd-')
    const first = manager({ dir, cwd, driver: ['memory', 'fs'] as never })
    await first.cache.setMany([['a', 1], ['b', 2]])
    await first.m.close()
    const { cache, hooks, m } = manager({ dir, cwd, driver: ['memory', 'fs'] as never })
    const hits: string[] = []
    hooks.hook('cache:hit', e => { hits.push(`${e.key} ${e.tier} ${e.tierName}`) })
    expect(await cache.getMany(['a', 'b', 'none'])).toEqual([1, 2, null])
    expect(await cache.getMany(['a', 'b'])).toEqual([1, 2]) // promoted: the memory tier's now
    expect(hits).toEqual(['a 1 fs', 'b 1 fs', 'a 0 memory', 'b 0 memory'])
    await m.close()
  })
})
