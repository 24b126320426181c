import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MonitorAlert } from '../../src/hooks/types.js'
import { createAlertEvaluator } from '../../src/runtime/monitors/alerts.js'
import { startMonitors } from '../../src/runtime/monitors/index.js'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
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
    expect(at(12_000, 700 * MB)).toEqual([{ metric: 'memory.rss', state: 'firing', value: 700 * MB, rule: { above: 500 * MB, for: 10_000 }, since: 2000 }])
    expect(at(13_000, 800 * MB)).toEqual([]) // still firing: not repeated
    expect(evaluator.firing()).toHaveLength(1)
    expect(at(14_000, 100 * MB)).toEqual([{ metric: 'memory.rss', state: 'resolved', value: 100 * MB, rule: { above: 500 * MB, for: 10_000 }, since: 14_000 }])
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

  it('the monitor emits monitor:alert on breach and recovery (fake timers) and lists them in alerts()', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] })
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
})
