import type { Writable } from 'node:stream'
import { Command } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { driverSuite, entry } from './_suite.js'
import { tempDir } from '../helpers/tmp.js'
import { defineSetCommand, type CommandClass } from '../../src/drivers/_redis-set.js'
import { createTier } from '../../src/drivers/tiers.js'
import type { RedisTier } from '../../src/drivers/redis.js'

describeRedis('redis', () => {
  driverSuite('redis', { spec: () => ({ driver: 'redis', url: redisUrl! }), dir: () => tempDir('unperf-drv-'), lru: false })

  it('writes a lone command at once, and batches the commands sent while others await replies', async () => {
    const tier = await createTier({ driver: 'redis', url: redisUrl! }, {
      prefix: `batch:${process.pid}`, fsDir: () => '', encode: { compress: false, integrity: true }, timeout: 2000,
    }) as RedisTier
    try {
      await tier.set(entry('k0', 'v'))
      const stream = ((await tier.client()) as unknown as { stream: Writable }).stream
      // alone on the connection: handed to the socket in the call, not held (corked) until the next tick
      const lone = tier.get('k0')
      expect(stream.writableCorked).toBe(0)
      expect(stream.writableLength).toBe(0)
      expect((await lone)?.value).toBe('v')
      // 100 at once: the first goes out, the other 99 wait in the corked socket for one write
      const many = Array.from({ length: 100 }, (_, i) => (i % 2 ? tier.get(`k${i}`) : tier.set(entry(`k${i}`, i))))
      expect(stream.writableCorked).toBe(1)
      expect(stream.writableLength).toBeGreaterThan(99 * 20)
      await Promise.all(many)
      expect(stream.writableCorked).toBe(0)
      expect((await tier.get('k42'))?.value).toBe(42)
    } finally {
      await tier.clear()
      await tier.close()
    }
  })
})

describe('the redis tier SET command', () => {
  const SetCommand = defineSetCommand(Command as unknown as CommandClass)
  const ioredisFrame = (args: (string | Buffer)[]): Buffer => {
    const w = new Command('set', args).toWritable({})
    return Buffer.isBuffer(w) ? w : Buffer.from(w)
  }

  it('frames exactly the bytes ioredis frames for the same arguments', () => {
    const keys = ['k', 'unperf:cli:s_1:default:a/b', 'héllo ☃ 日本語', 'lone \ud800 surrogate', 'nul\u0000byte', 'k'.repeat(10_000), '']
    const values = [Buffer.alloc(0), Buffer.from([0, 13, 10, 36, 42, 255]), Buffer.alloc(70_000, 7)]
    for (const key of keys) {
      for (const value of values) {
        for (const px of [undefined, 1, 86_400_000, 123_456_789_012]) {
          const ours = (new SetCommand(key, value, px) as unknown as { toWritable(): Buffer }).toWritable()
          expect(ours.equals(ioredisFrame(px === undefined ? [key, value] : [key, value, 'PX', String(px)]))).toBe(true)
        }
      }
    }
  })
})
