/**
 * maxSize on the fs tier when another process writes into the namespace after this one built its
 * LRU index: prune() brings the dir within maxSize + 10 % (API.md), and a long-running process's
 * size check after its writes counts the other process's entries once its index is a second old.
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
})
