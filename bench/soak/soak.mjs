// Soak: one long-running process using every API of the packed package, sampling what a leak grows.
// Run from a scratch project that installed the tarball (bench/soak/README.md):
//   node --expose-gc soak.mjs --phases run-small,cache-fs --seconds 30 --redis redis://127.0.0.1:PORT
// Each phase runs one API for --seconds; every --seconds/--samples s (the first after a 10 % warm-up)
// it takes heap used after two forced GCs, rss, active handles, process listeners, open fds, Redis
// clients and timers. A phase's verdict compares the last third of its samples with the middle third.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
import { parseArgs } from 'node:util'
import { getEventListeners } from 'node:events'
import { createPerf, definePerfPlugin } from 'unperf'
import { startServer } from './server.mjs'

const { values: opt } = parseArgs({
  options: {
    phases: { type: 'string', default: 'all' },
    seconds: { type: 'string', default: '30' },
    samples: { type: 'string', default: '10' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? '' },
    dir: { type: 'string', default: join(tmpdir(), `unperf-soak-${process.pid}`) },
    heapsnapshots: { type: 'boolean', default: false },
    json: { type: 'string', default: '' },
    close: { type: 'boolean', default: true },
  },
})
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const redisUrl = opt.redis
const redisPort = redisUrl ? new URL(redisUrl).port : ''
const dir = opt.dir
mkdirSync(join(dir, 'root'), { recursive: true })
writeFileSync(join(dir, 'root', 'package.json'), '{ "name": "soak-root", "version": "1.0.0" }\n')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const PROM_PORT = 20000 + (process.pid % 20000)

let pluginCache, pluginShared
const plugin = definePerfPlugin({
  name: 'soak-plugin',
  hooks: { 'command:after': () => {} },
  setup({ cache, shared }) { pluginCache = cache; pluginShared = shared },
})

const remote = redisUrl ? [{ driver: 'redis', url: redisUrl }] : []
const perf = await createPerf({
  rootDir: join(dir, 'root'),
  cwd: join(dir, 'root'),
  name: 'soak',
  env: 'production',
  overrides: {
    name: 'soak',
    version: '1.0.0',
    cache: {
      dir: join(dir, 'cache'),
      driver: ['memory', 'fs', ...remote],
      ttl: '2s',
      maxSize: '20MB',
      namespaces: {
        mem: { driver: 'memory', ttl: '200ms', maxSize: '2MB' },
        disk: { driver: 'fs', ttl: '200ms', maxSize: '5MB' },
        ...(redisUrl ? { remote: { driver: { driver: 'redis', url: redisUrl }, ttl: '1s' } } : {}),
        sessions: { driver: 'memory', ttl: '300ms', sliding: true },
        http: { ttl: '2s', staleIfError: '10s' },
        'plugin:soak-plugin': { driver: 'memory', ttl: '500ms' },
      },
    },
    concurrency: {
      pools: { net: { concurrency: 4, timeout: '200ms', retries: 1, backoff: '1ms' } },
      workers: { max: 1, idleTimeout: '5s' },
    },
    monitors: { interval: '100ms', eventLoop: true, memory: true, cpu: true, prometheus: { port: PROM_PORT, host: '127.0.0.1' } },
    report: { console: false, dir: join(dir, 'report'), history: 100 },
    budgets: { mode: 'warn' },
    plugins: [plugin],
  },
})

const server = await startServer()
const workUrl = new URL('./work.mjs', import.meta.url)
const SMALL = ['build', 'lint', 'test', 'serve', 'watch']
const counter = perf.metrics.counter('soak_ops', 'ops', { labelNames: ['kind'] })
const gauge = perf.metrics.gauge('soak_level', 'level', { labelNames: ['kind'] })
const hist = perf.metrics.histogram('soak_latency', 'latency', { labelNames: ['kind'], buckets: [1, 5, 10] })
const userCounter = perf.metrics.counter('soak_user_ops', 'per user', { labelNames: ['user'] })
const noop = () => {}
const longLived = new AbortController()
const cachedFn = perf.cache.namespace('mem').cached(async (n) => ({ n }), { name: 'soak-cached', ttl: 150 })
const swallow = () => {}

async function cacheOps(ns, i, { unique = true } = {}) {
  const k = `k${i % 500}`
  await ns.set(k, { i, pad: 'p'.repeat(100) }, { ttl: 100 + (i % 3) * 50 })
  await ns.get(k)
  await ns.get(`k${(i * 7) % 500}`)
  await ns.wrap(`w${i % 200}`, async () => ({ w: i }), { ttl: 150 })
  await ns.delete(`k${(i + 250) % 500}`)
  if (unique) {
    await ns.set(`u${i}`, i, { ttl: 100 })
    await ns.get(`u${i - 1}`)
  }
  if (i % 10 === 0) await ns.has(k)
  if (i % 25 === 0) await ns.getMany([k, `k${i % 7}`, `w${i % 200}`])
}

const phases = {
  'run-small': (i) => perf.run(SMALL[i % SMALL.length], async () => {
    await perf.span('inner', async () => {})
    return i
  }),
  'run-unique': (i) => perf.run(`job-${i}`, async () => i),
  span: (i) => perf.span('outer', () => perf.span('mid', () => perf.span('leaf', async () => i))),
  'cache-memory': (i) => cacheOps(perf.cache.namespace('mem'), i),
  'cache-fs': (i) => cacheOps(perf.cache.namespace('disk'), i),
  'cache-redis': (i) => cacheOps(perf.cache.namespace('remote'), i),
  'cache-tiers': (i) => cacheOps(perf.cache, i),
  'cache-sliding': (i) => cacheOps(perf.cache.namespace('sessions'), i),
  fetch: async (i) => {
    const http = perf.cache.namespace('http')
    const res = await http.fetch(`${server.url}/etag/${i % 50}`)
    await res.text()
    if (i % 5 === 0) await (await http.fetch(`${server.url}/short/u${i}`)).text()
    if (i % 10 === 0) await (await http.fetch(`${server.url}/nostore/${i % 3}`)).text()
    if (i % 20 === 0) await (await http.fetch(`${server.url}/error/${i % 4}`)).text()
    if (i % 50 === 0) await http.fetch(`${server.url}/reset/${i % 2}`).then((r) => r.text()).catch(swallow)
    if (i % 100 === 0) server.bump()
  },
  pool: async (i) => {
    const net = perf.pool('net')
    await net.run(async (signal) => { await sleep(i % 2); return signal.aborted })
    if (i % 10 === 0) {
      let n = 0
      await net.run(async () => { if (n++ === 0) throw new Error('flaky') ; return n }, { retries: 2, backoff: 1 })
    }
    if (i % 25 === 0) await net.run(() => sleep(40), { timeout: 5, retries: 0 }).catch(swallow)
    await net.map([1, 2, 3, 4, 5, 6], async (x, signal) => { await sleep(0); return x * 2 }, { timeout: 100 })
    if (i % 20 === 0) await net.map([1, 2, 3], async (x) => { if (x === 2) throw new Error('x') ; return x }, { stopOnError: false }).catch(swallow)
  },
  'pool-default': async (i) => {
    const p = perf.pool('default')
    await p.run(async (signal) => { await sleep(0); return signal.aborted })
    await p.map([1, 2, 3], async (x) => x)
  },
  workers: async (i) => {
    await perf.workers.run(workUrl, 'sum', [1000 + (i % 10)])
    if (i % 20 === 0) await perf.workers.run(workUrl, 'fail', ['nope']).catch(swallow)
    if (i % 200 === 0) await perf.workers.run(workUrl, 'sum', [5e8], { timeout: 5, retries: 0 }).catch(swallow)
  },
  graph: async (i) => {
    await perf.graph({
      a: { run: async () => i, deps: [] },
      b: { run: async () => 2, deps: ['a'] },
      c: { run: async () => 3, deps: ['a'] },
      d: { run: async () => 4, deps: ['b', 'c'] },
    })
  },
  'metrics-bounded': async (i) => {
    const kind = SMALL[i % SMALL.length]
    counter.inc(1, { kind })
    gauge.set(i, { kind })
    hist.observe(i % 12, { kind })
    if (i % 10 === 0) hist.startTimer({ kind })()
  },
  'metrics-unbounded': async (i) => { userCounter.inc(1, { user: `u${i}` }) },
  memory: async (i) => {
    perf.memory.snapshot(`s${i % 10}`)
    if (i % 10 === 0) perf.memory.trend()
  },
  hooks: async (i) => {
    const ns = perf.cache.namespace('mem')
    const off = perf.hooks.hook('cache:hit', noop)
    const offRun = perf.hooks.hook('command:after', noop)
    perf.hooks.hookOnce('cache:miss', noop)
    await ns.set(`h${i % 20}`, i)
    await ns.get(`h${i % 20}`)
    await ns.get(`missing-${i % 20}`)
    off()
    offRun()
    const fn = () => {}
    perf.hooks.hook('task:end', fn)
    perf.hooks.removeHook('task:end', fn)
  },
  'span-unique': (i) => perf.span(`parse ${i}`, () => perf.span('child', async () => i)),
  'cache-extras': async (i) => {
    const ns = perf.cache.namespace('mem')
    await cachedFn(i % 100)
    await ns.wrap(`files:${i % 20}`, async () => i, { ttl: 100, files: ['package.json'] })
    if (i % 10 === 0) ns.warm({ [`warm:${i % 30}`]: async () => i })
    if (i % 50 === 0) { await ns.invalidate('warm:*'); await ns.prune(); ns.stats(); await ns.info(); await ns.keys() }
  },
  'run-mixed': async (i) => {
    await perf.run('fails', async () => { throw new Error('expected') }).catch(swallow)
    await perf.run('outer', () => perf.run('inner', async () => i))
    await Promise.all(SMALL.map((name) => perf.run(name, async () => { await sleep(0); return name })))
  },
  // one outside signal that lives as long as the process (a Ctrl-C controller), given to every call
  signals: async (i) => {
    const signal = longLived.signal
    const net = perf.pool('net')
    await net.run(async (s) => s.aborted, { signal })
    await perf.pool('default').run(async (s) => s.aborted, { signal })
    await net.map([1, 2, 3], async (x) => x, { signal })
    await perf.graph({ a: { run: async () => 1, deps: [] }, b: { run: async () => 2, deps: ['a'] } }, { signal })
    if (i % 10 === 0) await perf.workers.run(workUrl, 'sum', [100], { signal })
    if (i % 10 === 0) await (await perf.cache.namespace('http').fetch(`${server.url}/etag/${i % 50}`, { signal })).text()
  },
  plugin: async (i) => {
    await cacheOps(pluginCache, i)
    await pluginShared.set(`soak:${i % 50}`, i, { ttl: 200 })
    await pluginShared.get(`soak:${(i + 1) % 50}`)
  },
}
const EVERY = ['run-small', 'span', 'cache-memory', 'cache-fs', ...(redisUrl ? ['cache-redis'] : []), 'cache-tiers', 'cache-sliding',
  'fetch', 'pool', 'workers', 'graph', 'metrics-bounded', 'memory', 'hooks', 'plugin', 'run-mixed', 'signals', 'span-unique', 'cache-extras']
phases.everything = async (i) => { for (const name of EVERY) await phases[name](i) }

function redisClients() {
  if (!redisPort) return 0
  const out = execFileSync('redis-cli', ['-p', redisPort, 'client', 'list'], { encoding: 'utf8' })
  return out.split('\n').filter((l) => l.includes('cmd=') && !l.includes('cmd=client')).length
}
function processListeners() {
  let n = 0
  for (const name of process.eventNames()) n += process.listenerCount(name)
  return n
}
function measure() {
  globalThis.gc(); globalThis.gc()
  const mem = process.memoryUsage()
  const resources = process.getActiveResourcesInfo()
  const kinds = {}
  for (const r of resources) kinds[r] = (kinds[r] ?? 0) + 1
  return {
    heap: mem.heapUsed, rss: mem.rss, external: mem.external, arrayBuffers: mem.arrayBuffers,
    handles: resources.length, timers: kinds.Timeout ?? 0, kinds,
    listeners: processListeners(), signal: getEventListeners(longLived.signal, 'abort').length, fds: readdirSync('/proc/self/fd').length, redis: redisClients(),
  }
}

let scrapes = 0, scrapeErrors = 0, scrapeBytes = 0
const scraper = setInterval(() => {
  fetch(`http://127.0.0.1:${PROM_PORT}/metrics`).then(async (r) => { scrapeBytes = (await r.text()).length; scrapes++ })
    .catch(() => { scrapeErrors++ })
}, 1000)

const MB = (n) => (n / 1048576).toFixed(1)
const mean = (a) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length)
function verdict(samples, key, slack) {
  const third = Math.floor(samples.length / 3)
  const mid = samples.slice(third, 2 * third).map((s) => s[key])
  const last = samples.slice(2 * third).map((s) => s[key])
  const first = samples[0][key]
  const growth = mean(last) - mean(mid)
  // growth per 1 000 iterations, least squares over all samples
  const xs = samples.map((s) => s.iter), ys = samples.map((s) => s[key])
  const mx = mean(xs), my = mean(ys)
  const slope = xs.reduce((s, x, j) => s + (x - mx) * (ys[j] - my), 0) / Math.max(1e-9, xs.reduce((s, x) => s + (x - mx) ** 2, 0))
  const ok = growth <= slack(mean(mid))
  return { first, end: samples.at(-1)[key], max: Math.max(...ys), growth, per1k: slope * 1000, ok }
}
const SLACK = {
  heap: (m) => Math.max(1.5 * 1048576, m * 0.05), rss: (m) => Math.max(8 * 1048576, m * 0.1),
  handles: () => 2, timers: () => 2, listeners: () => 0, signal: () => 0, fds: () => 2, redis: () => 0,
}

const names = opt.phases === 'all' ? Object.keys(phases).filter((n) => n !== 'everything' && (redisUrl || n !== 'cache-redis')) : opt.phases.split(',')
const seconds = Number(opt.seconds), nSamples = Number(opt.samples)
const results = []
for (const name of names) {
  const fn = phases[name]
  if (!fn) throw new Error(`no phase ${name} (${Object.keys(phases).join(', ')})`)
  const samples = []
  const start = performance.now(), warm = start + seconds * 100
  let next = warm, iter = 0, errors = 0
  while (performance.now() - start < seconds * 1000) {
    try { await fn(iter) } catch (e) { if (errors++ < 3) console.error(`${name} #${iter}:`, e?.message ?? e) }
    iter++
    if (performance.now() >= next) {
      const m = measure()
      samples.push({ iter, t: (performance.now() - start) / 1000, ...m })
      if (opt.heapsnapshots && (samples.length === 2 || samples.length === nSamples)) {
        console.error('heap snapshot', writeHeapSnapshot(join(dir, `${name}-${samples.length}.heapsnapshot`)))
      }
      next = performance.now() + (seconds * 900) / nSamples
    }
  }
  const r = { name, iterations: iter, errors, samples }
  for (const key of Object.keys(SLACK)) r[key] = verdict(samples, key, SLACK[key])
  results.push(r)
  const bad = Object.keys(SLACK).filter((k) => !r[k].ok)
  console.log(`${name.padEnd(18)} ${String(iter).padStart(8)} it  heap ${MB(r.heap.first)}→${MB(r.heap.end)} MB (${(r.heap.per1k / 1024).toFixed(1)} kB/1k it)` +
    `  rss ${MB(r.rss.first)}→${MB(r.rss.end)}  handles ${r.handles.first}→${r.handles.end}  timers ${r.timers.first}→${r.timers.end}` +
    `  listeners ${r.listeners.first}→${r.listeners.end}  signal ${r.signal.first}→${r.signal.end}  fds ${r.fds.first}→${r.fds.end}  redis ${r.redis.first}→${r.redis.end}` +
    `  ${bad.length ? 'GROWING: ' + bad.join(',') : 'plateau'}${errors ? `  errors ${errors}` : ''}`)
}
console.log(`scrapes ${scrapes} ok, ${scrapeErrors} failed, last ${scrapeBytes} bytes`)
console.log('active resources', JSON.stringify(measure().kinds))

clearInterval(scraper)
await server.close()
if (opt.close) {
  const report = await perf.close()
  const reportDir = join(dir, 'report')
  const found = (f) => { const p = readdirSync(reportDir, { recursive: true }).find((x) => String(x).endsWith(f)); return p ? join(reportDir, String(p)) : null }
  const rj = found('report.json'), tj = found('trace.json'), hj = found('history.jsonl')
  const parsed = rj ? JSON.parse(readFileSync(rj, 'utf8')) : report
  const trace = tj ? JSON.parse(readFileSync(tj, 'utf8')) : null
  console.log(`report: commands ${parsed.commands?.length} (dropped ${parsed.commandsDropped ?? 0}), spans ${parsed.spans?.length} (dropped ${parsed.spansDropped ?? 0}),` +
    ` commandStats ${parsed.commandStats ? Object.keys(parsed.commandStats).length : 0}, memory snapshots ${parsed.memory?.snapshots?.length ?? '?'},` +
    ` trace events ${trace?.traceEvents?.length ?? '?'}, history lines ${hj && existsSync(hj) ? readFileSync(hj, 'utf8').trim().split('\n').length : '?'}, report.json ${rj ? MB(readFileSync(rj).length) : '?'} MB`)
}
if (opt.json) {
  writeFileSync(opt.json, JSON.stringify(results.map(({ samples, ...r }) => ({ ...r, samples: samples.map(({ kinds, ...s }) => s) })), null, 1))
}
setTimeout(() => { console.log('still alive 5 s after close:', JSON.stringify(process.getActiveResourcesInfo())); process.exit(0) }, 5000).unref()
