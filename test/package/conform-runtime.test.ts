/**
 * API.md "Runtime", "Plugins" and "Hooks" on the packed package: createPerf's options, getPerf,
 * perf.run with `{ argv }`, hooks (every name fired, in lifecycle order, with its payload), pools,
 * workers, graph, spans in the trace, user metrics exported, memory trend, close() and the report
 * on process.exit(); plugins' errors named, their namespaces kept apart.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, resultOf } from './_packed.js'

let project: string

const LIFECYCLE = `
import { createPerf, getPerf, PERF_HOOK_NAMES } from 'unperf'
const seen = []
const payload = a => a.map(x => x === undefined ? 'undefined' : x instanceof Error ? 'Error' : typeof x === 'object' && x ? Object.keys(x).filter(k => !k.startsWith('_')).sort() : typeof x)
const recorder = { name: 'recorder', hooks: Object.fromEntries(PERF_HOOK_NAMES.map(n => [n, (...a) => { seen.push([n, payload(a)]) }])) }
const perf = await createPerf({
  rootDir: new URL('./host', import.meta.url).pathname, cwd: process.cwd(), env: 'staging', configFile: 'perf.other',
  overrides: { plugins: [recorder], cache: { driver: 'memory', maxSize: 1200, namespaces: { remote: { driver: { driver: 'redis', url: 'redis://127.0.0.1:1' } } } } },
})
const out = { config: { name: perf.config.name, version: perf.config.version, rootDir: perf.config.rootDir, cwd: perf.config.cwd, env: perf.config.env }, current: getPerf() === perf }
const unregister = perf.hooks.hook('command:before', () => { out.before = (out.before ?? 0) + 1 })
perf.hooks.hookOnce('command:after', () => { out.once = (out.once ?? 0) + 1 })
out.result = await perf.run('build', async (ctx) => {
  out.ctx = { name: ctx.name, argv: ctx.argv, current: getPerf() === perf }
  await perf.cache.get('x'); await perf.cache.set('x', 'y'); await perf.cache.get('x')
  for (let i = 0; i < 4; i++) await perf.cache.set('big' + i, 'v'.repeat(400))
  // a tier that cannot be reached: cache:error, the call a miss
  out.unreachable = await perf.cache.namespace('remote').get('k')
  await perf.pool('net').run(async () => 1)
  let n = 0
  await perf.pool('net').run(async () => { if (n++ === 0) throw Object.assign(new Error('flaky'), { code: 'ECONNRESET' }); return 2 })
  await perf.pool('net').run(async () => { throw new Error('nope') }).catch(() => {})
  // run(fn) // timeout, retries, backoff: given for one call, over the pool's config (retries: 1)
  out.perCall = await perf.pool('net').run(signal => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { timeout: '30ms', retries: 0, backoff: '1ms' }).catch(e => e.code)
  out.perCallBad = await perf.pool('net').run(async () => 1, { retries: -1 }).catch(e => e.code)
  out.worker = await perf.workers.run(new URL('./square.mjs', import.meta.url), 'square', [7])
  const order = []
  await perf.graph({ b: { run: async () => { order.push('b') }, deps: ['a'] }, a: { run: async () => { order.push('a') }, deps: [] } })
  out.graphOrder = order
  out.cycle = await perf.graph({ x: { run: async () => 1, deps: ['y'] }, y: { run: async () => 1, deps: ['x'] } }).then(() => 'ran', e => e.code)
  out.span = await perf.span('outer', () => perf.span('inner', async () => 'spanned'))
  perf.metrics.counter('things_total', 'things').inc()
  perf.metrics.gauge('level', 'level').set(3)
  perf.metrics.histogram('latency', 'latency').observe(12)
  // prom-client's calls, from the deferred registry chunk of the built package
  const routes = perf.metrics.counter('routes', 'routes', { labelNames: ['route'] })
  routes.labels('/a').inc(2)
  out.stepSeconds = perf.metrics.histogram('step_seconds', 'step', { labelNames: ['step'] }).startTimer({ step: 'x' })()
  out.routesGet = await routes.get()
  perf.memory.snapshot('one'); perf.memory.snapshot('two')
  out.trend = perf.memory.trend()
  await new Promise(r => setTimeout(r, 150))
  return 42
}, { argv: ['build', '--fast'] })
unregister()
out.rethrown = await perf.run('fail', async () => { throw new Error('failed here') }).catch(e => e.message)
const report = await perf.close()
out.report = { commands: report.commands.map(c => [c.name, c.status]), budgets: report.budgets.filter(b => b.status === 'fail').map(b => b.kind) }
out.exitCode = process.exitCode
out.closeAgain = (await perf.close()) === report
out.order = seen.map(s => s[0]).filter((n, i, all) => n !== all[i - 1])
out.payloads = Object.fromEntries(seen.map(s => [s[0], s[1]]))
out.afterClose = (() => { try { getPerf(); return 'returned' } catch (e) { return 'throws' } })()
process.exitCode = 0
console.log(JSON.stringify(out))
`

const EXIT = `
import { createPerf, definePerfPlugin } from 'unperf'
let exits = 0
const bad = definePerfPlugin({ name: 'bad', hooks: { 'command:before': () => { throw new Error('plugin broke') } } })
const a = definePerfPlugin({ name: 'a', async setup({ cache, shared }) { await cache.set('secret', 'a'); await shared.set('pub', 'a') } })
const b = definePerfPlugin({ name: 'b', async setup({ cache, shared }) {
  globalThis.bView = { own: await cache.get('secret'), shared: await shared.get('pub'), keys: await cache.keys(), invalidated: await cache.invalidate('*') }
  try { cache.namespace('plugin:a'); globalThis.bView.namespace = 'opened' } catch (e) { globalThis.bView.namespace = e.code }
} })
const perf = await createPerf({ overrides: { plugins: [bad, a, b], cache: { driver: 'memory' }, hooks: { exit: () => { exits++; process.stderr.write('exit hook ' + exits + '\\n') } } } })
console.log(JSON.stringify(globalThis.bView))
await perf.run('deploy', async () => {
  if (process.argv[2] === 'fatal') { setTimeout(() => { throw new Error('fatal boom') }, 10); await new Promise(r => setTimeout(r, 5000)) }
  process.exit(Number(process.argv[2]))
})
`

beforeAll(() => {
  const host = `{ report: { console: false, dir: './.perf' }, concurrency: { pools: { net: { concurrency: 2, retries: 1 } } },`
    + ` monitors: { enabled: true, interval: '20ms', alerts: { 'memory.rss': '1B' }, prometheus: { file: './metrics.prom' } },`
    + ` budgets: { mode: 'error', memory: '1B' }, $env: { staging: { version: '9.9.9' } } }`
  project = consumerProject({
    'host/package.json': JSON.stringify({ name: 'host-cli', version: '2.0.0', type: 'module' }),
    'host/perf.other.mjs': `export default ${host}`,
    'square.mjs': `export function square(n) { return n * n }`,
    'lifecycle.mjs': LIFECYCLE,
    'exit.mjs': EXIT,
    'perf.config.mjs': `export default { report: { console: false, dir: './.perf-exit' } }`,
    'cache-off.mjs': `
      import { createPerf } from 'unperf'
      const perf = await createPerf({ overrides: { cache: { driver: 'memory' } } })
      await perf.cache.set('k', 1)
      console.log(JSON.stringify({ enabled: perf.config.cache.enabled, value: await perf.cache.get('k') }))
      await perf.close()`,
  })
}, 600_000)

describe('createPerf, getPerf, perf.run', () => {
  let out: any
  beforeAll(() => { out = resultOf(nodeIn(project, 'lifecycle.mjs')) }, 60_000)

  it('takes rootDir, cwd, env, configFile and overrides; getPerf() is the instance', () => {
    expect(out.config).toEqual({ name: 'host-cli', version: '9.9.9', rootDir: join(project, 'host'), cwd: project, env: 'staging' })
    expect(out.current).toBe(true)
  }, 180_000)

  it("perf.run returns fn's result, its ctx carries the name and { argv }; an error is rethrown unchanged", () => {
    expect(out.result).toBe(42)
    expect(out.ctx).toEqual({ name: 'build', argv: ['build', '--fast'], current: true })
    expect(out.rethrown).toBe('failed here')
  }, 180_000)

  it('hooks: hook() returns the unregister function, hookOnce() fires once', () => {
    expect(out.before).toBe(1)
    expect(out.once).toBe(1)
  }, 180_000)

  it('pools, workers, graph (topological, a cycle is an error), spans, metrics, memory trend', () => {
    expect(out.perCall).toBe('E_TIMEOUT')
    expect(out.perCallBad).toBe('E_INVALID_ARGUMENT')
    expect(out.worker).toBe(49)
    expect(out.graphOrder).toEqual(['a', 'b'])
    expect(out.cycle).toBe('E_CYCLE')
    expect(out.span).toBe('spanned')
    expect(out.trend).toMatchObject({ direction: expect.stringMatching(/^(stable|growing|shrinking)$/), slope: expect.any(Number) })
    const trace = JSON.parse(readFileSync(join(project, '.perf/trace.json'), 'utf8'))
    const names = (Array.isArray(trace) ? trace : trace.traceEvents).map((e: { name: string }) => e.name)
    expect(names).toEqual(expect.arrayContaining(['build', 'outer', 'inner']))
    const metrics = readFileSync(join(project, 'metrics.prom'), 'utf8')
    for (const name of ['host_cli_things_total 1', 'host_cli_level 3', 'host_cli_latency_count 1', 'host_cli_routes_total{route="/a"} 2', 'host_cli_step_seconds_count{step="x"} 1']) expect(metrics).toContain(name)
    expect(out.stepSeconds).toBeGreaterThanOrEqual(0)
    expect(metrics).toContain(`host_cli_step_seconds_sum{step="x"} ${out.stepSeconds}`)
    expect(out.routesGet).toEqual({ name: 'host_cli_routes_total', help: 'routes', type: 'counter', values: [{ value: 2, labels: { route: '/a' } }], aggregator: 'sum' })
    // percents are exposed as ratios 0-1 (Prometheus' base unit), never _percent
    expect(metrics).toMatch(/^host_cli_process_cpu_ratio \d/m)
    expect(metrics).not.toMatch(/_percent/)
  }, 180_000)

  it("close() runs budgets, writes the report, sets process.exitCode in 'error' mode; a second close() returns the same report", () => {
    expect(out.report.commands).toEqual([['build', 'ok'], ['fail', 'error']])
    expect(out.report.budgets).toContain('memory')
    expect(out.exitCode).toBe(1)
    expect(out.closeAgain).toBe(true)
    expect(out.afterClose).toBe('throws')
    for (const file of ['report.json', 'trace.json', 'history.jsonl']) expect(readFileSync(join(project, '.perf', file), 'utf8').length).toBeGreaterThan(0)
  }, 180_000)

  it('every hook name fires, in lifecycle order, with its payload', () => {
    expect(Object.keys(out.payloads).sort()).toEqual(['budget:exceeded', 'cache:error', 'cache:evict', 'cache:hit', 'cache:miss', 'cache:set', 'command:after', 'command:before', 'command:error',
      'config:resolved', 'exit', 'monitor:alert', 'monitor:sample', 'perf:ready', 'report', 'task:end', 'task:error', 'task:retry', 'task:start'])
    const first = (name: string) => out.order.indexOf(name)
    expect(first('config:resolved')).toBe(0)
    expect(first('perf:ready')).toBe(1)
    expect(first('command:before')).toBe(2)
    expect(out.order.slice(-3)).toEqual(['budget:exceeded', 'report', 'exit'])
    expect(first('task:start')).toBeLessThan(first('task:retry'))
    expect(out.payloads['command:after']).toEqual([expect.arrayContaining(['name', 'argv']), expect.arrayContaining(['name', 'status', 'duration', 'memoryDelta', 'memoryPeak'])])
    expect(out.payloads['command:error']).toEqual([expect.arrayContaining(['name']), 'Error'])
    expect(out.payloads['cache:hit'][0]).toEqual(expect.arrayContaining(['namespace', 'key', 'tier', 'tierName']))
    expect(out.unreachable).toBeNull()
    expect(out.payloads['cache:error'][0]).toEqual(expect.arrayContaining(['namespace', 'code', 'tier', 'tierName', 'error']))
    expect(out.payloads['cache:evict'][0]).toEqual(expect.arrayContaining(['namespace', 'key']))
    expect(out.payloads['task:retry'][0]).toEqual(expect.arrayContaining(['pool', 'attempt', 'error']))
    expect(out.payloads['monitor:alert'][0]).toEqual(expect.arrayContaining(['metric', 'value']))
    expect(out.payloads['budget:exceeded'][0]).toEqual(expect.arrayContaining(['budget', 'actual', 'limit']))
    expect(out.payloads.report[0]).toEqual(expect.arrayContaining(['commands', 'budgets']))
  }, 180_000)
})

describe('plugins and process.exit()', () => {
  it("a plugin's error names it and does not stop the command; plugin namespaces are the plugin's own; on process.exit() the report is written and exit fires once", () => {
    for (const code of [0, 3]) {
      const run = nodeIn(project, 'exit.mjs', [String(code)])
      expect(run.code).toBe(code)
      expect(JSON.parse(run.stdout.trim().split('\n')[0]!)).toEqual({ own: null, shared: 'a', keys: [], invalidated: 0, namespace: 'E_NAMESPACE_RESERVED' })
      expect(run.stderr).toContain(`plugin 'bad' (plugins[0] in createPerf({ overrides })) failed in hook 'command:before': plugin broke`)
      expect(run.stderr.match(/exit hook \d/g)).toEqual(['exit hook 1'])
      const report = JSON.parse(readFileSync(join(project, '.perf-exit/report.json'), 'utf8'))
      expect(report.commands.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['deploy', code === 0 ? 'ok' : 'error']])
      expect(report.exitCode).toBe(code)
    }
    expect(readFileSync(join(project, '.perf-exit/history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2)
  }, 180_000)

  it('on a fatal error (an uncaught exception) the report and history are still written and exit fires once', () => {
    const run = nodeIn(project, 'exit.mjs', ['fatal'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('fatal boom')
    expect(run.stderr.match(/exit hook \d/g)).toEqual(['exit hook 1'])
    const report = JSON.parse(readFileSync(join(project, '.perf-exit/report.json'), 'utf8'))
    expect(report.commands).toEqual([expect.objectContaining({ name: 'deploy', status: 'error', error: expect.objectContaining({ message: 'fatal boom' }) })])
    expect(readFileSync(join(project, '.perf-exit/history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3)
  }, 180_000)
})

describe('cache.enabled', () => {
  it('is off with env UNPERF_CACHE=0: nothing kept, every get a miss', () => {
    expect(resultOf(nodeIn(project, 'cache-off.mjs'))).toEqual({ enabled: true, value: 1 })
    expect(resultOf(nodeIn(project, 'cache-off.mjs', [], { UNPERF_CACHE: '0' }))).toEqual({ enabled: false, value: null })
  }, 180_000)
})
