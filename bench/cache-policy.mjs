// The memory tier's eviction policy (`cache.policy`): what W-TinyLFU costs on get/set against LRU,
// and what it gives on a skewed workload. Every figure is measured in the same run, variants
// interleaved in random order per round; ratios are medians of per-round ratios ± their MAD.
//   1. get / set of 2000 keys, under the limit (no eviction): policy 'tinylfu' vs 'lru' vs an awaited lru-cache
//   2. the memory tier alone (getSync / setSync, no namespace around it): 'tinylfu' vs 'lru'
//   3. read-through on Zipf (s = 1) over 10 000 keys, room for 10 % of them (every miss writes, evictions
//      on every write): time per operation and hit rate, 'tinylfu' vs 'lru'
// Run: node scripts/build.mjs --no-dts && node bench/cache-policy.mjs   (writes bench/results/cache-policy.md)
//      QUICK=1 for fewer rounds; ROUNDS=N to set them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LRUCache } from 'lru-cache'
import { calibrate, importSource, root, measure as measureInterleaved, shuffle } from './_harness.mjs'

const { createPerf } = await import(join(root, 'dist/index.mjs'))
const QUICK = process.env.QUICK === '1'
const ROUNDS = Number(process.env.ROUNDS ?? (QUICK ? 5 : 15))
const tmp = mkdtempSync(join(tmpdir(), 'unperf-bench-policy-'))
process.env.XDG_CACHE_HOME = join(tmp, 'xdg')
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }))

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) }

async function perfWith(policy, maxSize) {
  const cwd = mkdtempSync(join(tmp, `${policy}-`))
  writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: `bench-${policy}`, version: '1.0.0' }))
  return createPerf({ cwd, rootDir: cwd, noExitHandlers: true, overrides: { cache: { driver: 'memory', policy, maxSize, compress: false }, report: { console: false, dir: join(cwd, '.report') }, monitors: { enabled: false } } })
}

const measure = (variants, rounds = ROUNDS) => measureInterleaved(variants, rounds)

const rows = []
function ratio(label, samples, a, b, ops) {
  const rs = samples[a].map((t, i) => t / samples[b][i])
  const r = median(rs)
  const ns = name => (median(samples[name]) * 1e6 / ops).toFixed(0)
  rows.push(`| ${label} | ${ns(a)} ns | ${b} ${ns(b)} ns | ${r.toFixed(2)}× time ± ${(mad(rs) / r * 100).toFixed(0)} % |`)
  console.log(rows.at(-1))
  return r
}

// --- 1. get / set under the limit ---
const N = 2000
const keys = Array.from({ length: N }, (_, i) => `key-${i}`)
const value = { id: 1, name: 'value', tags: ['a', 'b'], n: 42 }
const lruPerf = await perfWith('lru', '2gb')
const tinyPerf = await perfWith('tinylfu', '2gb')
const lruCache = new LRUCache({ max: 100_000 })
// batches of REPS passes over the keys, so that one batch is long enough for a GC pause not to decide it
const REPS = 10
const passes = fn => async () => { for (let r = 0; r < REPS; r++) for (const k of keys) await fn(k) }
const under = await measure({
  'tinylfu set': passes(k => tinyPerf.cache.set(k, value)),
  'lru set': passes(k => lruPerf.cache.set(k, value)),
  'lru-cache set': passes(k => lruCache.set(k, value)),
  'tinylfu get': passes(k => tinyPerf.cache.get(k)),
  'lru get': passes(k => lruPerf.cache.get(k)),
  'lru-cache get': passes(k => lruCache.get(k)),
}, ROUNDS * 2)
const setRatio = ratio('set, under the limit', under, 'tinylfu set', 'lru set', N * REPS)
const getRatio = ratio('get, under the limit', under, 'tinylfu get', 'lru get', N * REPS)
ratio('set, under the limit', under, 'tinylfu set', 'lru-cache set', N * REPS)
ratio('get, under the limit', under, 'tinylfu get', 'lru-cache get', N * REPS)
await lruPerf.close()
await tinyPerf.close()

// --- 2. the tier alone ---
{
  const { MemoryTier } = await importSource(`export { MemoryTier } from './src/drivers/memory.ts'`)
  const tiers = { lru: new MemoryTier({ policy: 'lru', maxBytes: 1e12 }), tinylfu: new MemoryTier({ policy: 'tinylfu', maxBytes: 1e12 }) }
  const entry = k => ({ key: k, value, createdAt: 0, expiresAt: null, staleFor: 0, size: 64 })
  const reads = 50
  const tier = await measure({
    'tinylfu setSync': () => { for (let r = 0; r < REPS; r++) for (const k of keys) tiers.tinylfu.setSync(entry(k)) },
    'lru setSync': () => { for (let r = 0; r < REPS; r++) for (const k of keys) tiers.lru.setSync(entry(k)) },
    'tinylfu getSync': () => { for (let r = 0; r < reads; r++) for (const k of keys) tiers.tinylfu.getSync(k) },
    'lru getSync': () => { for (let r = 0; r < reads; r++) for (const k of keys) tiers.lru.getSync(k) },
  }, ROUNDS * 2)
  ratio('tier setSync (sized entries)', tier, 'tinylfu setSync', 'lru setSync', N * REPS)
  ratio('tier getSync', tier, 'tinylfu getSync', 'lru getSync', N * reads)
}

// --- 3. Zipf read-through at 10 % capacity ---
const KEYS = 10_000
const cdf = new Float64Array(KEYS)
let sum = 0
for (let i = 0; i < KEYS; i++) cdf[i] = (sum += 1 / (i + 1))
for (let i = 0; i < KEYS; i++) cdf[i] /= sum
const zipf = () => { const u = Math.random(); let lo = 0, hi = KEYS - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m] < u) lo = m + 1; else hi = m } return lo }
const OPS = 20_000
const trace = Array.from({ length: OPS }, () => `item:${zipf()}`)
const item = k => ({ key: k, body: 'x'.repeat(100) })
const probe = await perfWith('lru', '2gb')
for (let i = 0; i < 100; i++) await probe.cache.set(`k${i}`, item(`k${i}`))
const perEntry = (await probe.cache.info()).bytes / 100
await probe.close()
const maxSize = Math.round(perEntry * KEYS * 0.1)
const zipfPerf = { lru: await perfWith('lru', maxSize), tinylfu: await perfWith('tinylfu', maxSize) }
const readThrough = cache => async () => { for (const k of trace) if ((await cache.get(k)) === null) await cache.set(k, item(k)) }
const skewed = await measure({ 'tinylfu zipf': readThrough(zipfPerf.tinylfu.cache), 'lru zipf': readThrough(zipfPerf.lru.cache) })
const zipfRatio = ratio('Zipf read-through, 10 % capacity', skewed, 'tinylfu zipf', 'lru zipf', OPS)
const hitRate = p => (p.cache.stats().hitRate * 100).toFixed(1)
const hits = `hit rate over all rounds: tinylfu ${hitRate(zipfPerf.tinylfu)} %, lru ${hitRate(zipfPerf.lru)} % (an oracle keeping the top 10 % gets ${(cdf[KEYS / 10 - 1] * 100).toFixed(1)} %)`
console.log(hits)
await zipfPerf.lru.close()
await zipfPerf.tinylfu.close()

const out = `# Memory tier eviction policy: W-TinyLFU vs LRU

Command: \`node scripts/build.mjs --no-dts && node bench/cache-policy.mjs\` (${ROUNDS} rounds; ${ROUNDS * 2} for get/set), Node ${process.version}, ${new Date().toISOString().slice(0, 16)} UTC.
Machine: ${calibrate()}.

Variants interleaved in random order in each round; a ratio is the median of the per-round ratios, ± its MAD.
Under the limit: ${REPS} passes over ${N} keys per batch, a small object value, \`perf.cache.get/set\` with \`cache.policy\` 'tinylfu' vs 'lru' (and an awaited lru-cache for scale).
The tier alone: \`MemoryTier.getSync/setSync\` (entries already sized), no namespace, no promise.
Zipf: ${OPS} reads per round on Zipf (s = 1) over ${KEYS} keys, a miss writes the key, \`maxSize\` = 10 % of the keys' bytes.

| what | tinylfu per op | anchor per op | ratio |
|---|---|---|---|
${rows.join('\n')}

${hits}.

Summary: tinylfu/lru time, set ${setRatio.toFixed(2)}×, get ${getRatio.toFixed(2)}× under the limit; ${zipfRatio.toFixed(2)}× on the Zipf read-through.
`
writeFileSync(join(root, 'bench/results/cache-policy.md'), out)
console.log('wrote bench/results/cache-policy.md')
