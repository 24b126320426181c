/**
 * `unperf cache list` read each entry with a GET of its own, one after the other: 100 000 entries on
 * Redis took 19 s (a fleet audit, session 33), a round trip each. It reads a window of entries at once
 * now (8, then as many as 64 MiB of the largest read so far holds, at most 100), which Redis answers in
 * one round trip. Here a TCP proxy delays what the client sends by 50 ms: 300 entries one at a time
 * are 15 s of round trips at the least.
 */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import type { Server } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { delayProxy } from '../helpers/delay-proxy.js'
import { describeRedis } from '../helpers/redis.js'
import { ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

const run = promisify(execFile)
const dist = join(import.meta.dirname, '../../dist/index.mjs')
const DELAY_MS = 50
const ENTRIES = 300
const own = ownRedisServer()
let proxy: Server | undefined
let proxied = ''

beforeAll(async () => {
  if (!own.port) return
  ;({ url: proxied, server: proxy } = await delayProxy(own.port, '127.0.0.1', DELAY_MS))
})
afterAll(() => { proxy?.close() })

describeRedis('unperf cache list on a redis tier', () => {
  it('reads the entries a window at a time: 300 entries over a 50 ms link in seconds, each listed once', async () => {
    const dir = tempDir('unperf-list-window-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'list-window', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), "export default { cache: { driver: [{ driver: 'redis', url: process.env.LIST_REDIS }], timeout: 1000 }, report: { console: false } }")
    writeFileSync(join(dir, 'fill.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ rootDir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(dir)} })
await perf.cache.setMany(Array.from({ length: ${ENTRIES} }, (_, i) => ['k' + i, { i }]))
await perf.cache.namespace('other').set('x', 1)
await perf.close()`)
    const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') }
    // straight to redis, not through the proxy
    await run(process.execPath, [join(dir, 'fill.mjs')], { cwd: dir, env: { ...env, LIST_REDIS: own.url } })
    const started = performance.now()
    const { stdout } = await run(process.execPath, [bin, 'cache', 'list', '--json'], { cwd: dir, env: { ...env, LIST_REDIS: proxied, XDG_CACHE_HOME: join(dir, '.xdg-other-machine') }, timeout: 60_000 })
    const took = performance.now() - started
    const rows = JSON.parse(stdout) as { namespace: string; key: string; size: number }[]
    expect(rows.map(r => `${r.namespace}:${r.key}`).sort()).toEqual([...Array.from({ length: ENTRIES }, (_, i) => `default:k${i}`), 'other:x'].sort())
    for (const r of rows) expect(r.size).toBeGreaterThan(0)
    expect(took).toBeLessThan(10_000)
  }, 90_000)
})
