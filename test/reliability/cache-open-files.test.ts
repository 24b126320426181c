/**
 * A burst of concurrent fs-tier operations under a usual open-file limit. Each read or write through
 * the thread pool opens its file first and reads or writes it later: 5 000 concurrent gets held
 * 5 000 files open at once, and under `ulimit -n 256` all but ~290 failed with EMFILE (misses,
 * writes dropped, the fs tier reported as failing). Now at most 128 are open at once.
 */
import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

let lib: string
let libDir: string
beforeAll(async () => {
  ;({ lib, libDir } = await bundleCacheLib('unperf-open-files-lib-'))
}, 60_000)

describe('open files', () => {
  it('under ulimit -n 256: 3 000 concurrent gets all hit and 1 000 concurrent large sets all land, no EMFILE reported', () => {
    const dir = tempDir('unperf-open-files-')
    const cwd = tempDir('unperf-open-files-cwd-')
    const script = `const { buildManager } = await import(${JSON.stringify(lib)})
      const opts = { driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)} }
      const first = buildManager(opts)
      for (let i = 0; i < 3000; i++) await first.cache.set('k' + i, { i })
      await first.m.close()
      const { m, cache, hooks } = buildManager(opts)
      const errors = []
      hooks.hook('cache:error', e => { errors.push(e.code + ': ' + (e.error?.code ?? e.error?.message)) })
      const got = await Promise.all(Array.from({ length: 3000 }, (_, i) => cache.get('k' + i)))
      await Promise.all(Array.from({ length: 1000 }, (_, i) => cache.set('big' + i, 'y'.repeat(70_000))))
      const back = await Promise.all(Array.from({ length: 1000 }, (_, i) => cache.get('big' + i)))
      await m.close()
      console.log(JSON.stringify({ hits: got.filter((v, i) => v?.i === i).length, big: back.filter(v => v?.length === 70_000).length, errors: [...new Set(errors)] }))`
    const r = spawnSync('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { cwd: libDir, encoding: 'utf8', timeout: 110_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ hits: 3000, big: 1000, errors: [] })
  }, 120_000)
})
