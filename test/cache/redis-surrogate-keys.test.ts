/**
 * A key with a lone UTF-16 surrogate (a string cut inside an emoji) on a redis tier. ioredis sent it
 * as UTF-8, where the surrogate became U+FFFD: `'\ud800'` and `'\ufffd'` were one Redis key, each
 * write overwrote the other's, a read found the other's entry (a corrupt-entry miss, reported), and
 * keys() listed `'\ufffd'` for `'\ud800'`. The fs tier escapes such keys and was right already.
 * wrap()'s cross-process lock of such a key was named the old way after that: the two keys shared one.
 */
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { child, childLib } from './_children.js'
import { manager } from './_manager.js'

const lib = childLib()

const own = ownRedisServer([], { raw: true })
const cut = '😀'.slice(0, 1) // '\ud83d'
const KEYS = ['\ud800', '\ufffd', `a${cut}b`, 'a\ufffdb', '\udc00x', `${cut}\udc00`, '😀', 'plain']

describe.skipIf(!hasRedisServer)('keys with a lone surrogate, on a redis tier', () => {
  it('are keys of their own: get, getMany, keys(), invalidate(), delete() and clear() tell them from U+FFFD', async () => {
    const { cache, m } = manager({ driver: [{ driver: 'redis', url: own.url }], timeout: 2000 })
    for (const [i, k] of KEYS.entries()) await cache.set(k, i)
    for (const [i, k] of KEYS.entries()) expect(await cache.get(k), JSON.stringify(k)).toBe(i)
    expect(await cache.getMany(KEYS)).toEqual(KEYS.map((_, i) => i))
    expect((await cache.keys()).sort()).toEqual([...KEYS].sort())
    expect(cache.stats().errors).toBe(0)
    expect(await cache.invalidate(/^a.b$/)).toBe(2)
    expect(await cache.delete('\ud800')).toBe(true)
    expect(await cache.get('\ufffd')).toBe(1)
    await cache.setMany([['\ud800', 'again'], ['x\udfff', 'y']])
    expect(await cache.getMany(['\ud800', 'x\udfff', 'x\ufffd'])).toEqual(['again', 'y', null])
    expect(await cache.clear()).toBe(KEYS.length - 2 + 1)
    expect(await own.raw!.keys('unperf:test-cli:s_*')).toEqual([])
    await m.close()
  }, 30_000)

  it('have wrap() locks of their own: another process holding `\\ud800`\'s lock never blocks `\\ufffd`, and does block `\\ud800` until it dies', async () => {
    const cwd = tempDir('unperf-surrogate-lock-cwd-') // one project: one scope, the same lock names
    const holder = child(lib(), 'lock-holder.mjs', { dir: tempDir('unperf-surrogate-lock-'), cwd, url: own.url, key: '\ud800' })
    const { cache, m } = manager({ cwd, driver: [{ driver: 'redis', url: own.url }], timeout: 5000 })
    try {
      await holder.ready() // it holds '\ud800''s lock, its fn never ends
      // another key, whose UTF-8 the lone surrogate became: its own lock, fn runs at once
      // (they shared one: it waited for the holder's fn, for ever)
      const blocked = new Promise(r => setTimeout(r, 5000, 'blocked by the other key\'s lock'))
      expect(await Promise.race([cache.wrap('\ufffd', () => 'replacement char'), blocked])).toBe('replacement char')
      // the two locks by their Redis names: the lone surrogate as its WTF-8 bytes, as the entries are named
      const names = (await own.raw!.keysBuffer('lock:*')).map(n => n.toString('hex')).sort()
      expect(names).toHaveLength(2)
      const prefix = names.find(n => n.endsWith('efbfbd'))!.slice(0, -6)
      expect(names).toEqual([`${prefix}eda080`, `${prefix}efbfbd`].sort())
      // the same key waits for the holder's lock (one lock per key across processes) ...
      let calls = 0
      const waiter = cache.wrap('\ud800', () => { calls++; return 'mine' })
      await new Promise(r => setTimeout(r, 700))
      expect(calls).toBe(0)
      // ... and takes it once its holder is gone (SIGKILL: the lock names a dead process of this machine)
      holder.proc.kill('SIGKILL')
      expect((await holder.done).signal).toBe('SIGKILL')
      const killed = Date.now()
      expect(await waiter).toBe('mine')
      expect(calls).toBe(1)
      expect(Date.now() - killed).toBeLessThan(5000) // its expiry would be 15 s
      expect(cache.stats().errors).toBe(0)
    } finally {
      holder.proc.kill('SIGKILL')
      await m.close()
    }
  }, 30_000)
})
