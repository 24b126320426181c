/**
 * Over one Redis tier, calls for one URL in several processes share one network request
 * (fetch-gate.ts): the process about to fetch holds the key's cross-process lock, the others poll
 * the cache for its copy. Before, each process that missed made its own request. Two caches on one
 * Redis, each its own dir (what two processes of one project have), against the test redis-server.
 */
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { twoOnRedis } from '../cache/_manager.js'
import { server } from './_setup.js'

const tally = (states: (string | null)[]): Record<string, number> => states.reduce<Record<string, number>>((t, s) => ({ ...t, [String(s)]: (t[String(s)] ?? 0) + 1 }), {})

describeRedis('cached fetch across processes (a Redis tier)', () => {
  it('20 concurrent calls in each of two processes: one network request, every other call a HIT', async () => {
    const s = await server((_req, res) => { setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=600' }).end('document'), 300) })
    const { first, second, close } = await twoOnRedis(redisUrl!)
    try {
      const calls = (cache: typeof first) => Promise.all(Array.from({ length: 20 }, () => cache.fetch(`${s.url}/doc`)))
      const [a, b] = await Promise.all([calls(first), calls(second)])
      expect(await Promise.all([...a, ...b].map(r => r.text()))).toEqual(Array(40).fill('document'))
      expect(s.hits).toHaveLength(1)
      expect(tally([...a, ...b].map(r => r.headers.get('x-unperf-cache')))).toEqual({ MISS: 1, HIT: 39 })
    } finally {
      await close()
    }
  })

  it('an answer the first process did not store (no-store): the other fetches its own once the lock is free', async () => {
    let n = 0
    const s = await server((_req, res) => { const i = ++n; setTimeout(() => res.writeHead(200, { 'cache-control': 'no-store' }).end(`answer ${i}`), 200) })
    const { first, second, close } = await twoOnRedis(redisUrl!)
    try {
      const [a, b] = await Promise.all([first.fetch(`${s.url}/private`), second.fetch(`${s.url}/private`)])
      expect([await a.text(), await b.text()].sort()).toEqual(['answer 1', 'answer 2'])
      expect([a.headers.get('x-unperf-cache'), b.headers.get('x-unperf-cache')]).toEqual(['MISS', 'MISS'])
    } finally {
      await close()
    }
  })
})
