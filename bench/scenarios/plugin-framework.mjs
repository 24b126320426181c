#!/usr/bin/env node
// Scenario 2 (issue 9): a plugin framework. Plugins react to hooks; 1 000 hook executions run
// concurrently per wave, each reading a key through the cache (Zipf s = 1 over 10 000 keys), with
// the memory tier limited to ~10 % of the keys, with the policy a framework with such a skewed
// load would choose: `cache.policy: 'tinylfu'` (unperf's default is 'lru', as API.md says; --policy lru
// shows what it gives here). Targets: hit rate > 70 %, peak RSS < 100 MB.
//
// Each variant runs in its own process (RSS is per process), variants interleaved in random order
// round by round: `unperf` (createPerf, 10 plugins, perf.cache.wrap) and, as the anchor, the same
// program without unperf (hookable + lru-cache with room for the same 1 000 entries + a pending-map
// single flight), so what the RSS owes to Node and V8 under this load is measured, not guessed.
//   npm run build && node bench/scenarios/plugin-framework.mjs [--waves 100] [--rounds 3] [--policy lru|tinylfu]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const arg = name => process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined
const waves = Number(arg('--waves')) || 100
const KEYS = 10_000
const CONCURRENT = 1_000
const repo = resolve(import.meta.dirname, '../..')
const distUrl = pathToFileURL(join(repo, 'dist/index.mjs')).href
const value = i => ({ id: i, title: `item ${i}`, tags: ['a', 'b', 'c'], body: 'x'.repeat(160) })
const reportOf = dir => ({ report: { dir: join(dir, 'reports'), console: false }, monitors: { enabled: false } })

// Zipf(s = 1) over KEYS: inverse CDF by binary search
const cdf = new Float64Array(KEYS)
let sum = 0
for (let i = 0; i < KEYS; i++) cdf[i] = (sum += 1 / (i + 1))
for (let i = 0; i < KEYS; i++) cdf[i] /= sum
const zipf = () => { const u = Math.random(); let lo = 0, hi = KEYS - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m] < u) lo = m + 1; else hi = m } return lo }

/** Runs the waves; returns elapsed ms, peak RSS and the V8 heap spaces at that peak. */
async function runWaves(callHook) {
  const before = process.memoryUsage.rss()
  let peakRss = before
  let peakHeap = {}
  const start = performance.now()
  let id = 0
  for (let w = 0; w < waves; w++) {
    const calls = []
    for (let i = 0; i < CONCURRENT; i++) calls.push(callHook({ pool: 'scenario', id: id++, attempt: 1 }))
    await Promise.all(calls)
    const rss = process.memoryUsage.rss()
    if (rss > peakRss) {
      peakRss = rss
      peakHeap = Object.fromEntries(getHeapSpaceStatistics().map(s => [s.space_name, s.space_size]))
    }
  }
  return { executions: id, elapsed: performance.now() - start, before, peakRss, peakHeap }
}

function liveHeap() {
  setFlagsFromString('--expose-gc')
  runInNewContext('gc')()
  return process.memoryUsage().heapUsed
}

// --- child: unperf ---
/** The bytes of 10 % of the keys as the memory tier counts them (measured by the orchestrator, off the measured processes). */
async function probeMaxSize(dir) {
  const { createPerf } = await import(distUrl)
  const probe = await createPerf({ rootDir: dir, noExitHandlers: true, overrides: { ...reportOf(dir), cache: { driver: 'memory', compress: false } } })
  for (let i = 0; i < 200; i++) await probe.cache.set(`k${i}`, value(i))
  const perEntry = (await probe.cache.info()).bytes / 200
  await probe.close()
  return Math.round(perEntry * KEYS * 0.1)
}

async function childUnperf(dir, policy, maxSize) {
  const rssAtStart = process.memoryUsage.rss()
  const { createPerf, definePerfPlugin } = await import(distUrl)
  const rssAfterImport = process.memoryUsage.rss()

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
  const perf = await createPerf({ rootDir: dir, noExitHandlers: true, overrides: { ...reportOf(dir), cache: { driver: 'memory', maxSize, compress: false, ...(policy && { policy }) }, plugins } })
  const run = await runWaves(event => perf.hooks.callHook('task:start', event))
  const stats = perf.cache.stats()
  const info = await perf.cache.info()
  const live = liveHeap()
  await perf.close()
  return { ...run, rssAtStart, rssAfterImport, live, loads, hitRate: stats.hitRate, evictions: stats.evictions, entries: info.entries, maxSize, policy: perf.config.cache.policy }
}

// --- child: the anchor, the same program without unperf ---
async function childAnchor() {
  const rssAtStart = process.memoryUsage.rss()
  const { createHooks } = await import('hookable')
  const { LRUCache } = await import('lru-cache')
  const rssAfterImport = process.memoryUsage.rss()
  const hooks = createHooks()
  const cache = new LRUCache({ max: KEYS / 10 })
  const pending = new Map()
  let loads = 0
  let hits = 0
  let reads = 0
  const wrap = (key, fn) => {
    reads++
    const cached = cache.get(key)
    if (cached !== undefined) { hits++; return Promise.resolve(cached) }
    let p = pending.get(key)
    if (!p) {
      p = Promise.resolve(fn()).then(v => { cache.set(key, v); return v }).finally(() => pending.delete(key))
      pending.set(key, p)
    }
    return p
  }
  for (let p = 0; p < 10; p++) {
    hooks.hook('task:start', async (event) => {
      if (event.id % 10 !== p) return
      const k = zipf()
      await wrap(`item:${k}`, async () => { loads++; return value(k) })
    })
  }
  const run = await runWaves(event => hooks.callHook('task:start', event))
  return { ...run, rssAtStart, rssAfterImport, live: liveHeap(), loads, hitRate: hits / reads, entries: cache.size }
}

if (arg('--child')) {
  const result = arg('--child') === 'anchor' ? await childAnchor() : await childUnperf(arg('--dir'), arg('--policy'), Number(arg('--max-size')))
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}

// --- orchestrator ---
const rounds = Number(arg('--rounds')) || 3
const dir = mkdtempSync(join(tmpdir(), 'unperf-scenario-plugins-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plugin-framework', version: '1.0.0' }))
// the probe also leaves the config snapshot: the measured processes start warm, as a framework that
// has run before does (the config loads without c12, which with jiti costs ~16 MiB of RSS on a first start)
const maxSize = await probeMaxSize(dir)
const child = (variant) => {
  const args = [import.meta.filename, '--child', variant, '--dir', dir, '--waves', String(waves), '--max-size', String(maxSize)]
  args.push('--policy', arg('--policy') ?? 'tinylfu')
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') } })
  return JSON.parse(out.trim().split('\n').at(-1))
}
const results = { unperf: [], anchor: [] }
for (let r = 0; r < rounds; r++) {
  for (const v of Math.random() < 0.5 ? ['unperf', 'anchor'] : ['anchor', 'unperf']) results[v].push(child(v))
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = xs => `${(Math.min(...xs) / 1048576).toFixed(1)}–${(Math.max(...xs) / 1048576).toFixed(1)}`
const mib = n => `${(n / 1048576).toFixed(1)} MiB`
const u = results.unperf
const a = results.anchor
const last = u.at(-1)
const hit = median(u.map(x => x.hitRate))
const rss = median(u.map(x => x.peakRss))
const anchorRss = median(a.map(x => x.peakRss))
const optimal = cdf[Math.round(KEYS * 0.1) - 1]
console.log(`scenario 2: plugin framework (node ${process.version}), 10 plugins, ${waves} waves × ${CONCURRENT} concurrent hook executions, ${rounds} rounds (each variant in its own process, interleaved), warm start (config snapshot)`)
console.log(`  hook executions: ${last.executions} in ${median(u.map(x => x.elapsed)).toFixed(0)} ms median (anchor ${median(a.map(x => x.elapsed)).toFixed(0)} ms)`)
console.log(`  cache: ${KEYS} keys, Zipf s=1, cache.policy '${last.policy}', maxSize ${Math.round(last.maxSize / 1024)} KiB ≈ 10 % of the keys (${last.entries} entries kept, ${last.evictions} evictions)`)
console.log(`  hit rate ${(hit * 100).toFixed(1)} % by cache.stats(), median (target > 70 %: ${hit > 0.7 ? 'met' : 'MISSED'}); anchor (lru-cache, LRU) ${(median(a.map(x => x.hitRate)) * 100).toFixed(1)} %; an oracle keeping the top 10 % gets ${(optimal * 100).toFixed(1)} %`)
console.log(`  loads: ${last.loads} of ${last.executions} reads ran the loader (${((1 - last.loads / last.executions) * 100).toFixed(1)} % served without it; concurrent misses on one key share one load)`)
console.log(`  peak rss ${mib(rss)} = ${(rss / 1e6).toFixed(1)} MB median (${spread(u.map(x => x.peakRss))} MiB) (target < 100 MB: ${rss < 100e6 ? 'met' : 'MISSED'}); the anchor without unperf ${mib(anchorRss)} (${spread(a.map(x => x.peakRss))} MiB): unperf's share ${mib(rss - anchorRss)}`)
for (const [name, x] of [['unperf', last], ['anchor', a.at(-1)]]) {
  console.log(`  ${name} rss: node at start ${mib(x.rssAtStart)}; + imports ${mib(x.rssAfterImport - x.rssAtStart)}; + setup (createPerf, plugins / hooks, cache) ${mib(x.before - x.rssAfterImport)}; + the waves ${mib(x.peakRss - x.before)} → ${mib(x.peakRss)}. V8 at the peak: new space ${mib(x.peakHeap.new_space ?? 0)}, old space ${mib(x.peakHeap.old_space ?? 0)}, large objects ${mib(x.peakHeap.large_object_space ?? 0)}; live heap after a full GC ${mib(x.live)}`)
}
// a target missed by more than noise fails the run: the hit rate, or an RSS over 100 MB in every process
if (hit <= 0.7 || Math.min(...u.map(x => x.peakRss)) >= 100e6) process.exitCode = 1
