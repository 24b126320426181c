/**
 * A function that throws in the background (a warm() entry, an swr revalidation) is the caller's
 * error, not a storage failure: the warning names the function's key and says nothing was cached;
 * it said "the cache failed (...); the cache is an optimization, so the command goes on without it",
 * which sent users looking for a broken cache dir or redis.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

describe('errors of functions run in the background', () => {
  it('warm(): a throwing entry is warned about by key, as not filled, never as a cache failure', async () => {
    const { cache, warnings, hooks, m } = manager({ driver: ['memory', 'fs'] })
    const codes: string[] = []
    hooks.hook('cache:error', p => { codes.push(`${p.code}:${p.key}`) })
    try {
      await cache.warm({ good: async () => 1, bad: async () => { throw new Error('registry down') } })
      expect(await cache.get('good')).toBe(1)
      expect(await cache.has('bad')).toBe(false)
      expect(codes).toEqual(['E_WARM:bad'])
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("warm(): the function for 'bad' in cache namespace 'default' threw (registry down); the key was not filled")
      expect(warnings[0]).not.toMatch(/cache failed/)
    } finally {
      await m.close()
    }
  })

  it('swr: a throwing revalidation is warned about by key, the stale value kept, never as a cache failure', async () => {
    const { cache, warnings, m } = manager({ driver: ['memory', 'fs'] })
    try {
      await cache.wrap('s', async () => 'v1', { ttl: 50, swr: '1m' })
      await new Promise(resolve => setTimeout(resolve, 80))
      expect(await cache.wrap('s', async () => { throw new Error('offline') }, { ttl: 50, swr: '1m' })).toBe('v1')
      await new Promise(resolve => setTimeout(resolve, 50))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("the background revalidation (swr) of 's' in cache namespace 'default' threw (offline)")
      expect(warnings[0]).not.toMatch(/cache failed/)
      expect(await cache.wrap('s', async () => 'never', { ttl: 50, swr: '1m' })).toBe('v1')
    } finally {
      await m.close()
    }
  })
})
