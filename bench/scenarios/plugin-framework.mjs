#!/usr/bin/env node
// Scenario 2 (issue 9): a plugin framework. Plugins react to hooks; 1 000 hook executions run
// concurrently per wave, each reading a key through the cache (Zipf s = 1 over 10 000 keys), with
// the memory tier limited to ~10 % of the keys (LRU). Prints the hit rate (target > 70 %), the
// hook throughput and peak RSS (target < 100 MB).
//   npm run build && node bench/scenarios/plugin-framework.mjs [--waves 100]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const repo = resolve(import.meta.dirname, '../..')
const { createPerf, definePerfPlugin } = await import(pathToFileURL(join(repo, 'dist/index.mjs')).href)
const arg = name => process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined
const waves = Number(arg('--waves')) || 100
// `cache.policy` of the config ('tinylfu' by default; --policy lru to compare)
const policy = arg('--policy')
const KEYS = 10_000
const CONCURRENT = 1_000
const dir = mkdtempSync(join(tmpdir(), 'unperf-scenario-plugins-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plugin-framework', version: '1.0.0' }))

const value = i => ({ id: i, title: `item ${i}`, tags: ['a', 'b', 'c'], body: 'x'.repeat(160) })
const base = { report: { dir: join(dir, 'reports'), console: false }, monitors: { enabled: false } }

// bytes per entry as the memory tier counts them, to size the cache at 10 % of the keys
const probe = await createPerf({ rootDir: dir, noExitHandlers: true, overrides: { ...base, cache: { driver: 'memory', compress: false } } })
for (let i = 0; i < 200; i++) await probe.cache.set(`k${i}`, value(i))
const perEntry = (await probe.cache.info()).bytes / 200
await probe.close()
const maxSize = Math.round(perEntry * KEYS * 0.1)

// Zipf(s = 1) over KEYS: inverse CDF by binary search
const cdf = new Float64Array(KEYS)
let sum = 0
for (let i = 0; i < KEYS; i++) cdf[i] = (sum += 1 / (i + 1))
for (let i = 0; i < KEYS; i++) cdf[i] /= sum
const zipf = () => { const u = Math.random(); let lo = 0, hi = KEYS - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m] < u) lo = m + 1; else hi = m } return lo }

let loads = 0
const plugins = Array.from({ length: 10 }, (_, p) => definePerfPlugin({
  name: `reader-${p}`,
  setup({ perf, hooks }) {
    hooks.hook('task:start', async (event) => {
      if (event.id % 10 !== p) return
      const k = zipf()
      await perf.cache.wrap(`item:${k}`, async () => { loads++; return value(k) })
    })
  },
}))
const perf = await createPerf({ rootDir: dir, noExitHandlers: true, overrides: { ...base, cache: { driver: 'memory', maxSize, compress: false, ...(policy && { policy }) }, plugins } })

let peakRss = process.memoryUsage.rss()
const start = performance.now()
let id = 0
for (let w = 0; w < waves; w++) {
  const calls = []
  for (let i = 0; i < CONCURRENT; i++) calls.push(perf.hooks.callHook('task:start', { pool: 'scenario', id: id++, attempt: 1 }))
  await Promise.all(calls)
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
}
const elapsed = performance.now() - start
const stats = perf.cache.stats()
const info = await perf.cache.info()
await perf.close()

const optimal = cdf[Math.round(KEYS * 0.1) - 1]
console.log(`scenario 2: plugin framework (node ${process.version}), 10 plugins, ${waves} waves × ${CONCURRENT} concurrent hook executions`)
console.log(`  hook executions: ${id} in ${elapsed.toFixed(0)} ms (${Math.round(id / elapsed * 1000)}/s)`)
console.log(`  cache: ${KEYS} keys, Zipf s=1, limit ${Math.round(maxSize / 1024)} KiB ≈ 10 % of the keys (${info.entries} entries kept, ${stats.evictions} evictions)`)
console.log(`  hit rate ${(stats.hitRate * 100).toFixed(1)} % by cache.stats() (target > 70 %: ${stats.hitRate > 0.7 ? 'met' : 'MISSED'}); an oracle keeping the top 10 % would get ${(optimal * 100).toFixed(1)} %`)
console.log(`  loads: ${loads} of ${id} reads ran the loader: ${((1 - loads / id) * 100).toFixed(1)} % served without it (concurrent misses on one key share one load)`)
console.log(`  peak rss ${(peakRss / 1048576).toFixed(1)} MiB (target < 100 MB: ${peakRss < 100e6 ? 'met' : 'MISSED'})`)
