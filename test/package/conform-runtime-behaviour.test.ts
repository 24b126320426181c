/**
 * API.md "Runtime" by its behaviour, on the packed package, as a user writes it (conform-runtime.test.ts
 * checks that each call exists and fires its hooks): a pool's bound, timeout, retries (the last attempt's error itself) and map (its AggregateError in failure order), its tasks' fetch(url, { signal }) leaving no listener on the signal, close() with tasks in flight;
 * worker threads' errors (a module's own error class: an Error of its name) and a CommonJS module's exports; a graph's parallelism, failures and cycles; spans nested in report.json;
 * metric names refused; a growing heap's trend; perf.cache.fetch against a real local server
 * (ETag and Last-Modified revalidation, max-age, stale-if-error once the server is down, a POST and
 * an Authorization never cached, a Request's headers replaced by init's as fetch replaces them, a
 * stored copy checked against the call's integrity);
 * warm() off the command's path.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, resultOf, type Run } from './_packed.js'

const WORK = `
export function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }
export function boom() { const e = new RangeError('worker boom'); e.code = 'E_BOOM'; throw e }
export const ROUNDS = 3
export class ParseError extends Error { constructor(message, options) { super(message, options); this.name = 'ParseError'; this.code = 'E_PARSE'; this.line = 3; this.detail = { col: 7 } } }
export function parse() { throw new ParseError('bad input', { cause: new RangeError('root') }) }
`

const BEHAVIOUR = `
import { createPerf } from 'unperf'
import http from 'node:http'
const out = {}
const sleep = ms => new Promise(r => setTimeout(r, ms))
const perf = await createPerf({ overrides: {
  cache: { driver: 'memory', namespaces: { http: { staleIfError: '1h' } } },
  concurrency: { pools: { net: { concurrency: 3, timeout: '150ms', retries: 2, backoff: '5ms' }, three: { concurrency: 3 } }, workers: { max: 2 } },
} })
await perf.run('build', async () => {
  // pools
  const net = perf.pool('net')
  let inflight = 0, most = 0
  await Promise.all(Array.from({ length: 12 }, () => net.run(async () => { inflight++; most = Math.max(most, inflight); await sleep(10); inflight-- })))
  out.most = most
  let fnSignal
  out.timeout = await net.run(s => { fnSignal = s; return sleep(1000) }, { retries: 0 }).then(() => 'resolved', e => [e.name, e.code])
  out.timeoutAborted = fnSignal.aborted
  let attempts = 0
  out.retried = [await net.run(() => { if (++attempts < 3) throw new Error('flaky'); return 'ok' }), attempts]
  // after the last attempt: that attempt's error itself, no cause added; the earlier ones in task:retry
  const attemptErrors = [], retried = []
  const unhook = perf.hooks.hook('task:retry', p => { retried.push(p.error) })
  const last = await net.run(() => { const e = new Error('attempt ' + attemptErrors.length); attemptErrors.push(e); throw e }).catch(e => e)
  unhook()
  out.lastError = [attemptErrors.length, last === attemptErrors[2], 'cause' in last, retried.length === 2 && retried.every((e, i) => e === attemptErrors[i])]
  out.order = await net.map([40, 5, 20], async (ms, i) => { await sleep(ms); return i })
  const started = []
  out.stop = await perf.pool('stop').map([1, 2, 3, 4, 5, 6], async x => { started.push(x); await sleep(10); if (x === 1) throw new Error('first'); return x }, { stopOnError: true }).then(() => 'resolved', e => e.message)
  await sleep(50)
  out.stopStarted = started.length
  out.collect = await perf.pool('collect').map([1, 2, 3, 4], async x => { if (x % 2 === 0) throw new Error('bad ' + x); return x }).then(() => 'resolved', e => [e.constructor.name, e.errors.map(x => x.message)])
  // the AggregateError's errors in the order the items failed: item 3 fails first
  out.failedOrder = await perf.pool('three').map([1, 2, 3], async x => { await sleep(60 - x * 20); throw new Error('item ' + x) }).catch(e => [e.message, e.errors.map(x => x.message)])
  out.unknownPool = perf.pool('never-configured').concurrency === perf.pool().concurrency
  // workers
  const work = new URL('./work.mjs', import.meta.url)
  out.fib = await perf.workers.run(work, 'fib', [20])
  out.boom = await perf.workers.run(work, 'boom', []).catch(e => [e instanceof RangeError, e.message, e.code, e.stack.includes('work.mjs')])
  // the module's own class: an Error with its name, not an instance of it (nor of the caller's copy)
  const { ParseError } = await import('./work.mjs')
  out.ownClass = await perf.workers.run(work, 'parse', []).catch(e => ({ ctor: e.constructor.name, instance: e instanceof ParseError, name: e.name, message: e.message, code: e.code, line: e.line, detail: e.detail ?? null, cause: [e.cause?.constructor.name, e.cause?.message] }))
  out.missing = await perf.workers.run(work, 'nope', []).catch(e => [e.name, e.code, e.message])
  out.notFn = await perf.workers.run(work, 'ROUNDS', []).catch(e => e.message)
  out.cjs = await perf.workers.run(new URL('./work.cjs', import.meta.url), 'add', [2, 3]).catch(e => e.message)
  // graph
  let running = 0, parallel = 0
  const task = name => async () => { running++; parallel = Math.max(parallel, running); await sleep(20); running--; return name }
  const g = await perf.graph({ d: { deps: ['b', 'c'], run: ({ results }) => [results.b, results.c] }, a: { run: task('a') }, b: { deps: ['a'], run: task('b') }, c: { deps: ['a'], run: task('c') } })
  out.graph = { results: g.results, ran: g.ran, parallel }
  const f = await perf.graph({ a: { run() { throw new Error('a failed') } }, b: { deps: ['a'], run: () => 1 }, c: { deps: ['b'], run: () => 2 }, x: { run: () => 'x' } })
  out.graphFailed = { results: f.results, failed: f.failed.map(t => [t.name, t.error.message]), skipped: f.skipped }
  out.cycle = await perf.graph({ a: { deps: ['b'], run() {} }, b: { deps: ['a'], run() {} } }).catch(e => [e.code, e.cycle, e.message])
  out.missingDep = await perf.graph({ a: { deps: ['zz'], run() {} } }).catch(e => [e.code, e.message])
  // spans
  const thrown = new Error('inner')
  await perf.span('outer', () => perf.span('inner', () => sleep(5)))
  out.spanRethrows = await perf.span('failing', () => { throw thrown }).catch(e => e === thrown)
  // metrics
  out.badMetric = (() => { try { perf.metrics.counter('bad name', 'x'); return 'accepted' } catch (e) { return [e.code, e.message] } })()
  // memory
  const keep = []
  for (let i = 0; i < 6; i++) { for (let j = 0; j < 100000; j++) keep.push({ j }); perf.memory.snapshot('step ' + i); await sleep(30) }
  out.trend = perf.memory.trend()
})
// perf.cache.fetch against a local server
const seen = []
let down = false
const server = http.createServer((req, res) => {
  seen.push([req.method, req.url, req.headers['if-none-match'] ?? null, req.headers['if-modified-since'] ?? null, req.headers.authorization ?? null])
  if (req.url === '/etag') {
    if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end()
    return res.writeHead(200, { etag: '"v1"', 'cache-control': 'no-cache' }).end('etag body')
  }
  if (req.url === '/lm') {
    const lm = 'Wed, 21 Oct 2015 07:28:00 GMT'
    if (req.headers['if-modified-since'] === lm) return res.writeHead(304, { 'last-modified': lm, 'cache-control': 'max-age=0' }).end()
    return res.writeHead(200, { 'last-modified': lm, 'cache-control': 'max-age=0' }).end('lm body')
  }
  res.writeHead(200, { 'cache-control': 'max-age=600' }).end(req.method + ' ' + req.url + ' auth=' + (req.headers.authorization ?? '') + ' ' + seen.length)
})
await new Promise(r => server.listen(0, '127.0.0.1', r))
const base = 'http://127.0.0.1:' + server.address().port
const http1 = perf.cache.namespace('http')
const call = async (url, init) => { const r = await http1.fetch(url, init); return [r.headers.get('x-unperf-cache'), await r.text()] }
out.fetch = {
  etag: [await call(base + '/etag'), await call(base + '/etag')],
  lm: [await call(base + '/lm'), await call(base + '/lm')],
  maxAge: [await call(base + '/fresh'), await call(base + '/fresh')],
  post: [await call(base + '/post', { method: 'POST', body: 'x' }), await call(base + '/post', { method: 'POST', body: 'x' })],
  auth: [await call(base + '/auth', { headers: { authorization: 'Bearer A' } }), await call(base + '/auth', { headers: { authorization: 'Bearer B' } })],
  replaced: await call(new Request(base + '/replaced', { headers: { authorization: 'Bearer R' } }), { headers: { accept: 'text/plain' } }),
  // a stored copy that fails the call's integrity is not served: fetch checks the network's answer
  integrity: await call(base + '/fresh', { integrity: 'sha256-' + Buffer.alloc(32).toString('base64') }).catch(e => [e.message, e.cause?.message]),
}
// the default namespace stores a copy too (its staleIfError is the default: off)
await (await perf.cache.fetch(base + '/etag')).text()
await new Promise(r => { server.close(r); server.closeAllConnections() })
out.fetch.down = [await call(base + '/etag'), await call(base + '/lm'), await perf.cache.fetch(base + '/etag').then(() => 'resolved', e => e.message)]
out.fetch.keys = (await http1.keys()).map(k => k.replace(base, ''))
out.fetch.seen = seen
// warm
let warmStarted = false
const warmed = perf.cache.warm({ slow: async () => { warmStarted = true; await sleep(50); return 42 } })
out.warm = { startedAtCall: warmStarted }
await warmed
out.warm.value = await perf.cache.get('slow')
const report = await perf.close()
out.spans = report.spans.map(s => [s.name, s.depth, s.parent ?? null, s.status])
console.log(JSON.stringify(out))
`

// docs/execution.md's first example, as a user scales it: a pool's tasks fetch with the signal they get
const POOL_FETCH = `
import { createPerf } from 'unperf'
import { getEventListeners } from 'node:events'
import http from 'node:http'
const perf = await createPerf({ overrides: { report: { dir: './.perf-fetch' } } })
const server = http.createServer((req, res) => res.end('ok'))
await new Promise(r => server.listen(0, '127.0.0.1', r))
const url = 'http://127.0.0.1:' + server.address().port + '/'
const signals = new Set()
const get = async signal => { signals.add(signal); return (await fetch(url, { signal })).text() }
// past fetch's own listener limit (1 500, which it sets on a signal it is given)
const bodies = await perf.pool('net').map(Array.from({ length: 1600 }), (_, i, signal) => get(signal))
await Promise.all(Array.from({ length: 20 }, () => perf.pool('net').run(get)))
await new Promise(r => { server.close(r); server.closeAllConnections() })
await perf.close()
console.log(JSON.stringify({ ok: bodies.filter(b => b === 'ok').length, signals: signals.size, listeners: [...signals].map(s => getEventListeners(s, 'abort').length) }))
`

// perf.close() with a pool's tasks running and queued: it neither waits for them nor aborts them
const POOL_CLOSE = `
import { createPerf } from 'unperf'
// a timeout: each task gets a signal of its own, which could abort
const perf = await createPerf({ overrides: { report: { dir: './.perf-close' }, concurrency: { pools: { p: { concurrency: 2, timeout: '10s' } } } } })
const pool = perf.pool('p')
let aborted = 0
const tasks = Array.from({ length: 6 }, (_, i) => pool.run(signal => new Promise(resolve => {
  signal.addEventListener('abort', () => { aborted++ })
  setTimeout(() => resolve(i), 50)
})))
const report = await perf.close()
const { active, queued, completed } = report.pools.find(p => p.name === 'p')
const results = await Promise.all(tasks)
console.log(JSON.stringify({ atClose: { active, queued, completed }, results, aborted, completedAfter: pool.stats().completed }))
`

let out: any
let project: string
let poolFetch: Run
let poolClose: Run
beforeAll(() => {
  project = consumerProject({
    'work.mjs': WORK,
    'work.cjs': 'module.exports = { add: (a, b) => a + b }',
    'behaviour.mjs': BEHAVIOUR,
    'pool-fetch.mjs': POOL_FETCH,
    'pool-close.mjs': POOL_CLOSE,
    'perf.config.mjs': `export default { report: { console: false, dir: './.perf' } }`,
  })
  out = resultOf(nodeIn(project, 'behaviour.mjs'))
  poolFetch = nodeIn(project, 'pool-fetch.mjs')
  poolClose = nodeIn(project, 'pool-close.mjs')
}, 600_000)

describe('pools', () => {
  it('never run more than concurrency at once; a timeout rejects with TimeoutError and aborts fn\'s signal; retries until one succeeds', () => {
    expect(out.most).toBe(3)
    expect(out.timeout).toEqual(['TimeoutError', 'E_TIMEOUT'])
    expect(out.timeoutAborted).toBe(true)
    expect(out.retried).toEqual(['ok', 3])
    expect(out.lastError).toEqual([3, true, false, true])
    expect(out.unknownPool).toBe(true)
  })

  it('map keeps input order; stopOnError rejects with the first error and starts no more; without it every item runs and failures come as an AggregateError', () => {
    expect(out.order).toEqual([0, 1, 2])
    expect(out.stop).toBe('first')
    // 'auto' is os.availableParallelism(): the items started before the first failure are at most that many
    expect(out.stopStarted).toBeLessThan(6)
    expect(out.collect).toEqual(['AggregateError', ['bad 2', 'bad 4']])
    expect(out.failedOrder).toEqual(["[unperf] 3 of 3 tasks failed in pool 'three'", ['item 3', 'item 2', 'item 1']])
  })

  it("fetch(url, { signal }) in 1 620 tasks without a timeout leaves no listener on the signal they share, and node does not warn", () => {
    expect(resultOf(poolFetch)).toEqual({ ok: 1600, signals: 1, listeners: [0] })
    expect(poolFetch.stderr).not.toContain('MaxListenersExceededWarning')
  })

  it('perf.close() with tasks running and queued neither waits for them nor aborts them: the report counts them at the close, they settle after', () => {
    expect(resultOf(poolClose)).toEqual({ atClose: { active: 2, queued: 4, completed: 0 }, results: [0, 1, 2, 3, 4, 5], aborted: 0, completedAfter: 6 })
  })
})

describe('workers', () => {
  it('run an export in a thread; its error keeps class, message, code and stack; a missing or non-function export is E_WORKER_EXPORT', () => {
    expect(out.fib).toBe(6765)
    expect(out.boom).toEqual([true, 'worker boom', 'E_BOOM', true])
    expect(out.ownClass).toEqual({ ctor: 'Error', instance: false, name: 'ParseError', message: 'bad input', code: 'E_PARSE', line: 3, detail: null, cause: ['RangeError', 'root'] })
    expect(out.missing).toEqual(['TypeError', 'E_WORKER_EXPORT', expect.stringContaining("has no exported function 'nope'")])
    expect(out.notFn).toContain("export 'ROUNDS' is a number, not a function")
    // a CommonJS module's module.exports, whose names node's import does not list
    expect(out.cjs).toBe(5)
  })
})

describe('graph', () => {
  it('runs in topological order, independent tasks in parallel; results by task', () => {
    expect(out.graph).toEqual({ results: { a: 'a', b: 'b', c: 'c', d: ['b', 'c'] }, ran: ['a', 'b', 'c', 'd'], parallel: 2 })
  })

  it('a failed task skips its dependents, others run on; a cycle and a missing dep are errors naming them', () => {
    expect(out.graphFailed).toEqual({ results: { x: 'x' }, failed: [['a', 'a failed']], skipped: ['b', 'c'] })
    expect(out.cycle).toEqual(['E_CYCLE', ['a', 'b', 'a'], expect.stringContaining('a → b → a')])
    expect(out.missingDep).toEqual(['E_GRAPH_DEP', expect.stringMatching(/'a'.*'zz'/)])
  })
})

describe('spans, metrics, memory', () => {
  it('spans nest in report.json and trace.json; an error is rethrown unchanged', () => {
    expect(out.spanRethrows).toBe(true)
    expect(out.spans).toEqual(expect.arrayContaining([['outer', 0, null, 'ok'], ['inner', 1, 'outer', 'ok'], ['failing', 0, null, 'error']]))
    const trace = JSON.parse(readFileSync(join(project, '.perf/trace.json'), 'utf8')).traceEvents as { name: string; cat?: string }[]
    expect(trace.filter(e => e.cat?.startsWith('span')).map(e => e.name)).toEqual(expect.arrayContaining(['outer', 'inner', 'failing']))
  })

  it('an invalid metric name is a MetricError; a heap grown on purpose trends growing at a positive slope', () => {
    expect(out.badMetric).toEqual(['E_METRIC', expect.stringContaining("invalid metric name 'bad name'")])
    expect(out.trend).toMatchObject({ direction: 'growing', samples: 6 })
    expect(out.trend.slope).toBeGreaterThan(100 * 1024)
  })
})

describe('perf.cache.fetch and warm', () => {
  it('revalidates with ETag and Last-Modified (a 304 served from the cache), serves a fresh max-age copy without the network', () => {
    expect(out.fetch.etag).toEqual([['MISS', 'etag body'], ['REVALIDATED', 'etag body']])
    expect(out.fetch.lm).toEqual([['MISS', 'lm body'], ['REVALIDATED', 'lm body']])
    expect(out.fetch.maxAge.map((r: string[]) => r[0])).toEqual(['MISS', 'HIT'])
    expect(out.fetch.maxAge[1][1]).toBe(out.fetch.maxAge[0][1])
    expect(out.fetch.seen.filter((s: unknown[]) => s[1] === '/etag')[1][2]).toBe('"v1"')
    expect(out.fetch.seen.filter((s: unknown[]) => s[1] === '/lm')[1][3]).toBe('Wed, 21 Oct 2015 07:28:00 GMT')
  })

  it('a POST and a request with Authorization go to the network and are never stored; init.headers replace a Request\'s', () => {
    expect(out.fetch.post.map((r: string[]) => r[0])).toEqual(['BYPASS', 'BYPASS'])
    expect(out.fetch.auth.map((r: string[]) => r[0])).toEqual(['BYPASS', 'BYPASS'])
    expect(out.fetch.auth[1][1]).toContain('auth=Bearer B')
    expect(out.fetch.integrity).toEqual(['fetch failed', 'integrity mismatch'])
    expect(out.fetch.replaced).toEqual(['MISS', expect.stringContaining('GET /replaced auth= ')])
    expect(out.fetch.keys.sort()).toEqual(['http:GET:/etag', 'http:GET:/fresh', 'http:GET:/lm', 'http:GET:/replaced'])
  })

  it('with the server down, a namespace with staleIfError serves its copies STALE; the default namespace (staleIfError off) fails as fetch does', () => {
    expect(out.fetch.down).toEqual([['STALE', 'etag body'], ['STALE', 'lm body'], 'fetch failed'])
  })

  it('warm() starts nothing on the caller\'s path and fills the key', () => {
    expect(out.warm).toEqual({ startedAtCall: false, value: 42 })
  })
})
