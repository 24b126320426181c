/**
 * An entry file grown far past what its header says (damaged, or extended by hand: `truncate -s`,
 * sparse): a miss reported as E_CORRUPT and removed, without reading the file whole (a 600 MB one
 * does not cost 600 MB of memory) and without giving up the fs tier (one of 5 GB, past what a
 * Buffer holds, is corrupt like any other).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

let lib: string
let libDir: string
beforeAll(async () => {
  ;({ lib, libDir } = await bundleCacheLib('unperf-big-lib-'))
}, 60_000)

describe('an entry file far larger than its header says', () => {
  for (const bytes of [600e6, 5e9]) {
    it(`${bytes / 1e6} MB (sparse): a miss reported as E_CORRUPT, removed, read in a child process without holding the file in memory; the tier keeps working`, async () => {
      const dir = tempDir('unperf-big-')
      const cwd = tempDir('unperf-big-cwd-')
      const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
      await cache.set('big', 'small value')
      await cache.set('ok', 'fine')
      await m.close()
      const ns = join(dir, readdirSync(dir).find(n => n.startsWith('s_'))!, 'n-default')
      truncateSync(join(ns, 'big.e'), bytes)
      const script = `const { buildManager } = await import(${JSON.stringify(lib)})
        const { m, cache, hooks } = buildManager({ driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)} })
        const codes = []
        hooks.hook('cache:error', e => { codes.push(e.code) })
        const rss = process.memoryUsage().rss
        const big = await cache.get('big')
        const grew = process.memoryUsage().rss - rss
        const ok = await cache.get('ok')
        await cache.set('after', 1)
        const after = await cache.get('after')
        await m.close()
        console.log(JSON.stringify({ big, ok, after, codes, grew }))`
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: libDir, encoding: 'utf8', timeout: 30_000 })
      expect(r.status, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { big: unknown; ok: unknown; after: unknown; codes: string[]; grew: number }
      expect(out).toMatchObject({ big: null, ok: 'fine', after: 1, codes: ['E_CORRUPT'] })
      expect(out.grew).toBeLessThan(100e6)
      expect(readdirSync(ns)).not.toContain('big.e')
    }, 60_000)
  }
})
