/**
 * 8 processes × 500 mixed operations (get, set, delete, wrap, getMany) on 50 shared keys, on the fs
 * tier and on the redis tier: no read returns a torn value or another key's value, no call throws,
 * and the cache verifies clean afterwards. Heavy variant: UNPERF_SOAK=1 (8 × 5000).
 */
import { spawn } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

const OPS = process.env.UNPERF_SOAK === '1' ? 5000 : 500
let lib: string
let libDir: string
beforeAll(async () => {
  ;({ lib, libDir } = await bundleCacheLib('unperf-conc-lib-'))
}, 60_000)

const worker = (lib: string) => `const { buildManager } = await import(${JSON.stringify(lib)})
const { dir, cwd, driver, id, ops } = JSON.parse(process.argv[1])
const { m, cache } = buildManager({ driver, dir, cwd, timeout: 5000, compress: 2000 })
const body = (key, id, seq) => (key + '/' + id + '/' + seq + ';').repeat(1 + ((seq * 31 + id) % 400))
const valid = (key, v) => v === null || (v.key === key && v.body === body(key, v.id, v.seq))
let bad = 0, errors = 0, hits = 0
for (let seq = 0; seq < ops; seq++) {
  const key = 'k' + ((seq * 7 + id * 13) % 50)
  const op = (seq + id) % 5
  try {
    if (op === 0 || op === 1) await cache.set(key, { key, id, seq, body: body(key, id, seq) })
    else if (op === 2) { const v = await cache.get(key); if (v) hits++; if (!valid(key, v)) bad++ }
    else if (op === 3) { const v = await cache.wrap(key, () => ({ key, id, seq, body: body(key, id, seq) })); if (!valid(key, v)) bad++ }
    else if (seq % 10 === 4) await cache.delete(key)
    else { const keys = [key, 'k' + ((seq + 1) % 50)]; const vs = await cache.getMany(keys); vs.forEach((v, i) => { if (!valid(keys[i], v)) bad++ }) }
  } catch (e) { errors++; console.error(String(e)) }
}
await m.close()
console.log(JSON.stringify({ bad, errors, hits }))`

async function run(driver: unknown, dir: string, cwd: string) {
  const results = await Promise.all(Array.from({ length: 8 }, (_, id) => new Promise<{ code: number | null; out: string; err: string }>(resolve => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', worker(lib), JSON.stringify({ dir, cwd, driver, id, ops: OPS })], { cwd: libDir })
    let out = ''
    let err = ''
    p.stdout.on('data', d => { out += d })
    p.stderr.on('data', d => { err += d })
    p.on('close', code => resolve({ code, out, err }))
  })))
  for (const r of results) expect(r.code, r.err).toBe(0)
  return results.map(r => JSON.parse(r.out.trim().split('\n').at(-1)!) as { bad: number; errors: number; hits: number })
}

describe('8 processes × mixed ops on 50 shared keys', () => {
  it(`fs tier, 8 × ${OPS} ops: no torn or foreign read, no error, verify() clean`, async () => {
    const dir = tempDir('unperf-conc-')
    const cwd = tempDir('unperf-conc-cwd-')
    const stats = await run('fs', dir, cwd)
    expect(stats.reduce((s, x) => s + x.bad, 0)).toBe(0)
    expect(stats.reduce((s, x) => s + x.errors, 0)).toBe(0)
    expect(stats.reduce((s, x) => s + x.hits, 0)).toBeGreaterThan(0)
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
    expect((await cache.verify()).corrupt).toBe(0)
    await m.close()
  }, 120_000)
})

describeRedis('8 processes × mixed ops on 50 shared keys (redis)', () => {
  it(`redis tier, 8 × ${OPS} ops: no torn or foreign read, no error`, async () => {
    const dir = tempDir('unperf-conc-')
    const cwd = tempDir('unperf-conc-cwd-')
    const stats = await run({ driver: 'redis', url: redisUrl, base: `conc-${process.pid}` }, dir, cwd)
    expect(stats.reduce((s, x) => s + x.bad, 0)).toBe(0)
    expect(stats.reduce((s, x) => s + x.errors, 0)).toBe(0)
    expect(stats.reduce((s, x) => s + x.hits, 0)).toBeGreaterThan(0)
  }, 120_000)
})
