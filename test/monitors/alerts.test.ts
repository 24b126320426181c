import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import type { ConfigError } from '../../src/errors.js'
import { tempDir } from '../helpers/tmp.js'
import type { MonitorAlert } from '../../src/hooks/types.js'
import { createAlertEvaluator } from '../../src/runtime/monitors/alerts.js'
import { startMonitors } from '../../src/runtime/monitors/index.js'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { createPerf } from '../../src/runtime/perf.js'
import { renderSummary } from '../../src/runtime/report/console.js'
import { emptySources, monitorContext } from './_config.js'

const MB = 1_000_000

describe('alerts', () => {
  afterEach(() => { vi.useRealTimers() })

  it("a breach fires only after holding for 'for'; a single spike does not; recovery resolves", () => {
    const evaluator = createAlertEvaluator({ 'memory.rss': { above: 500 * MB, for: 10_000 } })
    const at = (time: number, rss: number) => evaluator.evaluate({ time, memory: { rss, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 } })
    expect(at(0, 600 * MB)).toEqual([]) // spike
    expect(at(1000, 100 * MB)).toEqual([]) // gone: no alert, breach reset
    expect(at(2000, 600 * MB)).toEqual([])
    expect(at(11_000, 600 * MB)).toEqual([]) // 9 s of breach
    expect(at(12_000, 700 * MB)).toEqual([{ metric: 'memory.rss', kind: 'size', state: 'firing', value: 700 * MB, rule: { above: 500 * MB, for: 10_000 }, since: 2000 }])
    expect(at(13_000, 800 * MB)).toEqual([]) // still firing: not repeated
    expect(evaluator.firing()).toHaveLength(1)
    expect(at(14_000, 100 * MB)).toEqual([{ metric: 'memory.rss', kind: 'size', state: 'resolved', value: 100 * MB, rule: { above: 500 * MB, for: 10_000 }, since: 14_000 }])
    expect(evaluator.firing()).toEqual([])
    expect(evaluator.history().map(a => a.state)).toEqual(['firing', 'resolved'])
  })

  it("'below' rules and for: 0 fire on the first breaching sample; non-numeric paths are ignored", () => {
    const unknown: string[] = []
    const evaluator = createAlertEvaluator({ 'eventLoop.utilization': { below: 0.1, for: 0 }, 'nope.value': { above: 1, for: 0 } }, p => unknown.push(p))
    const el = { p50: 0, p99: 0, max: 0, mean: 0, utilization: 0.05 }
    expect(evaluator.evaluate({ time: 1, eventLoop: el })).toMatchObject([{ metric: 'eventLoop.utilization', state: 'firing', value: 0.05 }])
    evaluator.evaluate({ time: 2, eventLoop: el })
    evaluator.evaluate({ time: 3, eventLoop: el })
    expect(unknown).toEqual(['nope.value'])
  })

  it("'for' is judged on the monotonic clock given, not on the samples' wall-clock time (NTP steps it)", () => {
    const evaluator = createAlertEvaluator({ 'memory.rss': { above: 500 * MB, for: 10_000 } })
    const HOUR = 3_600_000
    const at = (time: number, mono: number, rss: number) => evaluator.evaluate({ time, memory: { rss, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 } }, mono)
    expect(at(HOUR, 0, 600 * MB)).toEqual([])
    // stepped back an hour: the breach has still held 10 s
    expect(at(5000, 5000, 600 * MB)).toEqual([])
    expect(at(10_000, 10_000, 600 * MB)).toEqual([{ metric: 'memory.rss', kind: 'size', state: 'firing', value: 600 * MB, rule: { above: 500 * MB, for: 10_000 }, since: HOUR }])
    expect(at(11_000, 11_000, 100 * MB)).toMatchObject([{ state: 'resolved' }])
    // stepped ahead an hour: 2 s of breach do not fire a 10 s rule
    expect(at(12_000, 12_000, 600 * MB)).toEqual([])
    expect(at(12_000 + 2 * HOUR, 14_000, 600 * MB)).toEqual([])
  })

  it("the monitor fires a rule with 'for' when the wall clock is stepped back an hour mid-breach (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date', 'hrtime'], now: Date.now() })
    const ctx = monitorContext({ interval: 1000, gc: false, eventLoop: false, alerts: { 'handles.active': { below: 1_000_000, for: 3000 } } })
    const fired: MonitorAlert[] = []
    ctx.hooks.hook('monitor:alert', alert => { fired.push(alert) })
    const monitor = startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources())
    await vi.advanceTimersByTimeAsync(2000) // breach since 1 s
    vi.setSystemTime(Date.now() - 3_600_000) // NTP: the wall clock an hour back; the monotonic one runs on
    await vi.advanceTimersByTimeAsync(2000) // 4 s: held 3 s
    expect(fired).toMatchObject([{ metric: 'handles.active', state: 'firing' }])
    await monitor.stop()
  })

  it('the monitor emits monitor:alert on breach and recovery (fake timers) and lists them in alerts()', async () => {
    // hrtime: 'for' is judged on the monotonic clock
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date', 'hrtime'] })
    // handles.active is a real sampled value; a rule below 1_000_000 always breaches, one above 1_000_000 never does.
    const ctx = monitorContext({ interval: 1000, gc: false, alerts: { 'handles.active': { below: 1_000_000, for: 3000 } } })
    const fired: MonitorAlert[] = []
    ctx.hooks.hook('monitor:alert', alert => { fired.push(alert) })
    const monitor = startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources())
    await vi.advanceTimersByTimeAsync(3000) // samples at 1 s, 2 s, 3 s: breach since 1 s, held 2 s
    expect(fired).toEqual([])
    await vi.advanceTimersByTimeAsync(1000) // 4 s: held 3 s
    expect(fired).toMatchObject([{ metric: 'handles.active', state: 'firing' }])
    expect(monitor.samples).toBe(4)
    await monitor.stop()
    expect(monitor.alerts()).toEqual(fired)
  })

  it('a rule with below above its above (every value breaches it: it would never resolve) is a config error naming it', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { monitors: { alerts: {
      'eventLoop.p99': { above: '100ms', below: '200ms' },
      'memory.rss': { above: '800MB', below: '10MB', for: '1m' },
    } } }`)
    const error = await loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => { throw new Error('expected a ConfigError') }, (e: ConfigError) => e)
    expect(error.issues.map(i => i.message)).toEqual([
      "perf.config.mjs:2:42: monitors.alerts['eventLoop.p99'].below: expected a threshold at most above (100): a value above 'above' or below 'below' fires, so with below > above every value does; to stay inside a band use { above: high, below: low }, got 200",
    ])
    // the band the second rule draws (outside 10 MB .. 800 MB fires) is fine
    const band = tempDir()
    writeFileSync(join(band, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
    writeFileSync(join(band, 'perf.config.mjs'), `export default { monitors: { alerts: { 'memory.rss': { above: '800MB', below: '10MB', for: '1m' } } } }`)
    expect((await loadPerfConfig({ cwd: band, noSnapshot: true })).monitors.alerts).toEqual({ 'memory.rss': { above: 800_000_000, below: 10_000_000, for: 60_000 } })
  })

  it("the exit report's alerts section shows the value in its metric's unit (it printed raw bytes: 58327040)", async () => {
    const perf = await createPerf({
      cwd: tempDir(), noExitHandlers: true,
      overrides: { cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '20ms', system: false, alerts: { 'memory.rss': { above: '1kB' } } } },
    })
    const fired = new Promise<MonitorAlert>(resolve => { perf.hooks.hook('monitor:alert', resolve) })
    expect(await fired).toMatchObject({ metric: 'memory.rss', kind: 'size', state: 'firing' })
    const report = await perf.close()
    expect(renderSummary(report, 'summary', false)).toMatch(/\n\s*memory\.rss\s+firing\s+[\d.]+ MB\n/)
  })

  it('a rule on a metric whose sampler is off warns once, naming the switch', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] })
    const ctx = monitorContext({ interval: 1000, gc: false, alerts: { 'gc.pause': { above: 50, for: 0 } } })
    const monitor = startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources())
    await vi.advanceTimersByTimeAsync(5000)
    await monitor.stop()
    expect(ctx.warnings).toEqual(["monitors.alerts['gc.pause']: never sampled: monitors.gc is false (turn it on, or remove the rule)"])
  })
})
