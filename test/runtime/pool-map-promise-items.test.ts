/**
 * pool.map() over items that are promises, as p-map takes them (`Iterable<Element | Promise<Element>>`):
 * each is awaited in its item's slot and fn gets its value; a rejected one fails that item with its
 * reason. fn got the promise itself before (a map moved over from p-map broke without a word).
 */
import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { pool, runtimeContext } from './_ctx.js'

describe('pool.map: promise items', () => {
  it('awaits each promise item and passes its value; a rejected one is that item failure', async () => {
    const p = new Pool('net', pool({ concurrency: 2 }), runtimeContext())
    const later = <T>(value: T) => new Promise<T>(r => setTimeout(() => r(value), 5))
    const seen: unknown[] = []
    const out = await p.map([later(1), 2, Promise.resolve(3)], async (n, i) => { seen.push(n); return n * 10 + i })
    expect(out).toEqual([10, 21, 32])
    expect(seen.every(n => typeof n === 'number')).toBe(true)
    const failing = Promise.reject(new Error('item 1 failed'))
    await expect(p.map([1, failing, 3], async n => n, { stopOnError: true })).rejects.toThrow('item 1 failed')
    expect(p.stats()).toMatchObject({ failed: 1 })
  })

  it('a promise item that rejects while it waits for a slot is no unhandled rejection: it fails its item when its turn comes', async () => {
    const p = new Pool('one', pool({ concurrency: 1 }), runtimeContext())
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)
    try {
      const slow = new Promise<number>(r => setTimeout(() => r(1), 30))
      const out = await p.map([slow, Promise.reject(new Error('rejected early'))], async n => n).catch((e: unknown) => e)
      expect(out).toMatchObject({ message: 'rejected early' })
      await new Promise(r => setTimeout(r, 10))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
