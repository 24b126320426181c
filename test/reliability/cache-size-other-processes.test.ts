/**
 * maxSize on the fs tier when another process writes into the namespace after this one built its
 * LRU index: prune() brings the dir within maxSize + 10 % (API.md), and a long-running process's
 * size check after its writes counts the other process's entries once its index is a second old.
 * And a process's first large write into a namespace another filled to its limit makes room before
 * its bytes land: it wrote its temp file first and checked the size after (the limit was unknown
 * until its first size check, the dir until its index was built), 1.2 MB on disk for a 1 MB
 * namespace; 8 processes writing at once held up to 5.6 MB for 5 MB under load.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

const MAX = 1_000_000

let lib: string
let libDir: string
beforeAll(async () => {
  ;({ lib, libDir } = await bundleCacheLib('unperf-size-lib-'))
}, 60_000)

/** Another process (a run with a larger maxSize, e.g. another version of the config) writes `n` entries of 200 kB. */
function otherProcessWrites(dir: string, cwd: string, n: number): void {
  const script = `const { buildManager } = await import(${JSON.stringify(lib)})
    const { m, cache } = buildManager({ driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)}, maxSize: 100e6 })
    for (let i = 0; i < ${n}; i++) await cache.set('other' + i, Buffer.alloc(200_000, i))
    await m.close()`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: libDir, encoding: 'utf8', timeout: 30_000 })
  expect(r.status, r.stderr).toBe(0)
}

/** The bytes of the namespace's entry files and temp files (writes in flight) on disk now. */
function onDisk(dir: string): number {
  const scope = readdirSync(dir).find(n => n.startsWith('s_'))
  if (!scope) return 0
  const ns = join(dir, scope, 'n-default')
  let total = 0
  for (const n of readdirSync(ns)) {
    if (!n.endsWith('.e') && !n.endsWith('.tmp')) continue
    try { total += statSync(join(ns, n)).size } catch { /* renamed or removed meanwhile */ }
  }
  return total
}

/** The bytes of the namespace's entry files on disk. */
function dirBytes(dir: string): number {
  const scope = readdirSync(dir).find(n => n.startsWith('s_'))!
  const ns = join(dir, scope, 'n-default')
  return readdirSync(ns).filter(n => n.endsWith('.e')).reduce((sum, n) => sum + statSync(join(ns, n)).size, 0)
}

describe('maxSize with another process writing', () => {
  it('prune() in a process whose index predates the other process\'s writes: within maxSize + 10 %, and info() says what is on disk', async () => {
    const dir = tempDir('unperf-size-')
    const cwd = tempDir('unperf-size-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, maxSize: MAX })
    await cache.set('a', Buffer.alloc(100_000, 1))
    await cache.set('c', Buffer.alloc(300_000, 3))
    expect((await cache.info()).bytes).toBeLessThan(MAX) // the index is built
    otherProcessWrites(dir, cwd, 5)
    expect(dirBytes(dir)).toBeGreaterThan(MAX * 1.1)
    await cache.prune()
    expect(dirBytes(dir)).toBeLessThanOrEqual(MAX * 1.1)
    expect((await cache.info()).bytes).toBe(dirBytes(dir))
    await m.close()
  }, 60_000)

  it('a write a second later in a long-running process evicts the other process\'s entries too (least recently used first)', async () => {
    const dir = tempDir('unperf-size-')
    const cwd = tempDir('unperf-size-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, maxSize: MAX })
    await cache.set('a', Buffer.alloc(100_000, 1))
    expect((await cache.info()).bytes).toBeLessThan(MAX)
    otherProcessWrites(dir, cwd, 5)
    await new Promise(r => setTimeout(r, 1100))
    await cache.set('c', Buffer.alloc(300_000, 3))
    await cache.info() // waits for the size check the write started
    expect(dirBytes(dir)).toBeLessThanOrEqual(MAX * 1.1)
    // the newest entry is kept
    expect((await cache.get<Buffer>('c'))?.length).toBe(300_000)
    await m.close()
  }, 60_000)

  it('the first 200 kB write of a process into a namespace another process filled to its limit: never over maxSize + 10 % on disk, not even while it is written', async () => {
    const dir = tempDir('unperf-size-')
    const cwd = tempDir('unperf-size-cwd-')
    otherProcessWrites(dir, cwd, 5)
    expect(onDisk(dir)).toBeGreaterThan(MAX)
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, maxSize: MAX })
    // the dir read at every turn of the event loop while the write goes through the thread pool
    let peak = 0
    let sampling = true
    const sample = () => { peak = Math.max(peak, onDisk(dir)); if (sampling) setImmediate(sample) }
    sample()
    await cache.set('mine', Buffer.alloc(200_000, 7))
    sampling = false
    await m.close()
    expect(peak, `peak on disk ${peak} B`).toBeLessThanOrEqual(MAX * 1.1)
    expect(onDisk(dir)).toBeLessThanOrEqual(MAX * 1.1)
    const after = buildManager({ driver: 'fs', dir, cwd, maxSize: MAX })
    expect((await after.cache.get<Buffer>('mine'))?.length).toBe(200_000)
    await after.m.close()
  }, 60_000)
})
