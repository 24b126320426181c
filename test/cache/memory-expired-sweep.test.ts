/**
 * A long-running service's memory tier kept expired entries nobody reads again (an abandoned
 * session's key, one per login) until maxSize evicted them: measured, 300 000 sessions of 30 min in
 * a memory namespace held 110 MB of heap long after they expired (info() still counted them; the
 * 200 MB maxSize is of estimated value bytes, ≈ 110 of the ≈ 350 bytes of heap an entry holds).
 * Expired entries are now swept as writes come (once per as many writes as the tier held entries,
 * at least 1 000), each a `cache:evict` with reason 'expired'. Real cache manager, real timers.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

describe('memory tier: expired entries of a long-running process', () => {
  it('are swept as later writes come, not kept until maxSize evicts them', async () => {
    const { cache, hooks, m } = manager({ driver: 'memory', namespaces: { sessions: { ttl: 50 } } })
    const sessions = cache.namespace('sessions')
    const expired: string[] = []
    hooks.hook('cache:evict', e => { if (e.reason === 'expired') expired.push(e.key) })
    for (let i = 0; i < 1500; i++) await sessions.set(`old-${i}`, { user: i })
    await new Promise(r => setTimeout(r, 100)) // every old session expired
    for (let i = 0; i < 1500; i++) await sessions.set(`new-${i}`, { user: i }, { ttl: 60_000 })
    const info = await sessions.info()
    expect(info.entries).toBe(1500) // the new ones only
    expect(expired).toHaveLength(1500)
    expect(expired.every(k => k.startsWith('old-'))).toBe(true)
    expect(await sessions.get('new-0')).toEqual({ user: 0 })
    await m.close()
  })
})
