/**
 * An fs namespace at its maxSize (a long-lived cache's normal state) writes as fast as below it, and
 * still holds within maxSize + 10 % while several processes write.
 *
 * - Every size check near the limit (80 % of it and up) listed the whole dir (a readdir, a stat per
 *   name it did not know): writes of tiny entries into a full 1 MB namespace went from ~2 000/s to
 *   55–75/s (bench/soak/fs-fill.mjs). Now a listing is due once this process wrote 1/64 of the
 *   limit since, or 0.1 s after the last one, as below the limit: amortized O(1) per write.
 *   Observed here through what a listing does: it removes a temp file left by a writer that is gone.
 * - 2 processes writing tiny entries into a full 200 kB namespace took it 10–28 % over (3 runs of 5):
 *   each wrote into the room its last size check made while its next check waited for a rescan,
 *   without listing the dir. A write now waits for that check once it wrote 1/64 of the limit
 *   unseen by the others' listing (fs-size-limit.ts makeRoom).
 * - Each write at the limit also sorted the whole index to pick its victim (~40 % of the time left);
 *   the order is now sorted once and walked across checks: LRU order checked here too.
 */
import { spawn } from 'node:child_process'
import { existsSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'
import { diskBytes, exited, fsCacheChild, nsDir } from './_fs-namespace.js'

let lib: { lib: string; libDir: string }
beforeAll(async () => {
  lib = await bundleCacheLib('unperf-near-limit-lib-')
}, 60_000)

/** The pid of a process that has exited (the writer of a leftover temp file). */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise(resolve => p.on('exit', resolve))
  return p.pid!
}

describe('an fs namespace at its maxSize', () => {
  it('lists its dir once per many writes, not on every write (a leftover temp file, removed by each listing, is seen gone after a few writes only)', async () => {
    // entries of ~100 B: under 1/1000 of the limit (a larger one near it lists the dir first, as
    // its own temp file must count for the others: fs-size-limit.ts makeRoom)
    const MAX = 256_000
    const dir = tempDir('unperf-near-limit-')
    const cwd = tempDir('unperf-near-limit-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, maxSize: MAX })
    try {
      // the namespace full after ~2 500
      for (let i = 0; i < 4000; i++) await cache.set('fill' + i, 'f'.repeat(40))
      await cache.info() // the size check of the last write done
      const ns = nsDir(dir)!
      expect(diskBytes(dir)).toBeGreaterThan(MAX * 0.8)
      const pid = await deadPid()
      // a temp file whose writer is gone, 10 s old: the next listing removes it (fs-tmp.ts)
      const leftover = join(ns, `.gone.e.${pid}.abc123.0.1k.tmp`)
      const put = () => {
        writeFileSync(leftover, 'x')
        const old = new Date(Date.now() - 10_000)
        utimesSync(leftover, old, old)
      }
      put()
      const WRITES = 400
      let listings = 0
      for (let i = 0; i < WRITES; i++) {
        await cache.set('near' + i, 'n'.repeat(40))
        await new Promise(r => setImmediate(r))
        if (!existsSync(leftover)) { listings++; put() }
      }
      // before: every write at the limit listed the dir (400 of 400); now one per 1/64 of the limit
      // written (~40 writes here) or per 0.1 s
      expect(listings).toBeGreaterThan(0)
      expect(listings, `${listings} listings for ${WRITES} writes`).toBeLessThan(WRITES / 4)
      expect(diskBytes(dir)).toBeLessThanOrEqual(MAX * 1.1)
    } finally {
      await m.close()
    }
  }, 120_000)

  it('evicts least recently used first across size checks: an entry read at the limit outlives those written before it', async () => {
    const MAX = 20_000
    const dir = tempDir('unperf-near-limit-lru-')
    const cwd = tempDir('unperf-near-limit-lru-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, maxSize: MAX })
    try {
      for (let i = 0; i < 400; i++) await cache.set('a' + i, 'a'.repeat(40))
      await cache.info()
      // the oldest entries still held, in order; the oldest read now: the most recent of the dir
      const held = []
      for (let i = 0; i < 400; i++) if (await cache.has('a' + i)) held.push(i)
      expect(held.length).toBeGreaterThan(20)
      const first = held[0]!
      expect(await cache.get('a' + first)).toBe('a'.repeat(40))
      // as many writes as evict all but a few of the others
      for (let i = 0; i < held.length - 5; i++) await cache.set('b' + i, 'b'.repeat(40))
      await cache.info()
      expect(await cache.has('a' + first)).toBe(true)
      expect(await cache.has('a' + held[1]!)).toBe(false)
      expect(await cache.has('a' + held.at(-1)!)).toBe(true)
    } finally {
      await m.close()
    }
  }, 120_000)

  it('2 processes writing tiny entries into a full namespace: within maxSize + 10 % on disk while they write, within maxSize after', async () => {
    const MAX = 200_000
    const dir = tempDir('unperf-near-limit-2p-')
    const cwd = tempDir('unperf-near-limit-2p-cwd-')
    let peak = 0
    let samples = 0
    const sampler = setInterval(() => {
      const bytes = diskBytes(dir, true)
      if (bytes > MAX * 0.8) samples++
      peak = Math.max(peak, bytes)
    }, 10)
    const writers = Array.from({ length: 2 }, (_, w) => exited(fsCacheChild(lib, dir, cwd, MAX,
      `for (let i = 0; i < 5000; i++) await cache.set('w${w}-' + i, 'v'.repeat(40 + (i % 20)))`)))
    const results = await Promise.all(writers)
    clearInterval(sampler)
    for (const r of results) expect(r.code, r.stderr).toBe(0)
    expect(samples, 'the sampler saw the namespace at its limit').toBeGreaterThan(3)
    expect(peak, `peak on disk ${peak} B`).toBeLessThanOrEqual(MAX * 1.1)
    expect(diskBytes(dir)).toBeLessThanOrEqual(MAX)
  }, 120_000)
})
