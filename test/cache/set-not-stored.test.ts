/**
 * A set that no tier stored fires no `cache:set` and does not count in stats().sets: a BigInt on an
 * fs-only cache fails its write (`cache:error`), and `cache:set` fired all the same, telling a
 * listener (a metrics plugin, a cache-warming log) the value was cached. A set that one tier of
 * several stored still fires it once.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

function listen(hooks: ReturnType<typeof manager>['hooks']) {
  const events: string[] = []
  hooks.hook('cache:set', e => { events.push(`set:${e.key}`) })
  hooks.hook('cache:error', e => { events.push(`error:${e.key ?? ''}`) })
  return events
}

describe('a set no tier stored', () => {
  it('set() of a BigInt on fs only: cache:error, no cache:set, no set counted; a good value after it fires', async () => {
    const { cache, hooks, m } = manager({ driver: 'fs' })
    const events = listen(hooks)
    await cache.set('n', 12n)
    expect(events).toEqual(['error:n'])
    expect(cache.stats()).toMatchObject({ sets: 0, errors: 1 })
    await cache.set('ok', 1)
    expect(events).toEqual(['error:n', 'set:ok'])
    expect(cache.stats().sets).toBe(1)
    await m.close()
  })

  it('setMany() whose only tier fails: no cache:set; wrap() of such a value still returns it', async () => {
    const { cache, hooks, m } = manager({ driver: 'fs' })
    const events = listen(hooks)
    await cache.setMany([['a', 1n], ['b', 2n]])
    expect(events.filter(e => e.startsWith('set:'))).toEqual([])
    expect(cache.stats().sets).toBe(0)
    expect(await cache.wrap('w', () => 3n)).toBe(3n)
    expect(events.filter(e => e.startsWith('set:'))).toEqual([])
    await m.close()
  })

  it('memory + fs: the memory tier stored it, so cache:set fires once (and cache:error for the fs tier)', async () => {
    const { cache, hooks, m } = manager({ driver: ['memory', 'fs'] as never })
    const events = listen(hooks)
    await cache.set('n', 12n)
    expect(events.sort()).toEqual(['error:n', 'set:n'])
    expect(cache.stats().sets).toBe(1)
    expect(await cache.get('n')).toBe(12n)
    await m.close()
  })
})
