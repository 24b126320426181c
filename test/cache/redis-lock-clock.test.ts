/**
 * wrap()'s Redis lock judged its waiter's grace (a lock seen held that vanished is taken only after
 * 3 s: its holder, alive, writes it back) on the wall clock: NTP stepping the clock back an hour while
 * a waiter waited kept it off the vanished lock of a dead holder (and from giving up) for that hour:
 * the request hung. Judged on the monotonic clock, it takes the lock once the grace is over. Against
 * the run's redis-server; only Date.now is moved, back an hour.
 */
import { Redis } from 'ioredis'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { RedisLock } from '../../src/runtime/cache/redis-lock.js'
import type { RedisClient } from '../../src/drivers/redis-connection.js'

const HOUR = 3_600_000

afterEach(() => { vi.restoreAllMocks() })

describe.skipIf(!inject('redisUrl'))('wrap() lock across a wall-clock step', () => {
  it('a waiter that saw the lock held takes it once it vanished for the grace, the wall clock stepped back an hour meanwhile', async () => {
    const client = new Redis(inject('redisUrl')!)
    try {
      const key = `lock:clock-step-test:${process.pid}:${Math.random().toString(36).slice(2)}`
      // a holder on another machine that dies: its lock expires, never released
      await client.set(key, 'other-host 4026531836 4242 token', 'PX', 300)
      const lock = new RedisLock(client as unknown as RedisClient, key, op => op())
      expect(await lock.tryAcquire()).toBe(false) // seen held
      await new Promise(r => setTimeout(r, 400)) // its holder's lock expired
      expect(await client.exists(key)).toBe(0)
      const real = Date.now.bind(Date)
      vi.spyOn(Date, 'now').mockImplementation(() => real() - HOUR)
      const started = performance.now()
      let taken = false
      while (!taken && performance.now() - started < 6000) {
        await new Promise(r => setTimeout(r, 100))
        taken = await lock.tryAcquire()
      }
      expect(taken).toBe(true)
      await lock.release()
    } finally {
      client.disconnect()
    }
  })
})
