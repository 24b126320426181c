/**
 * A loop blocked for the whole of a sampling window (a CPU-bound stretch longer than the interval,
 * with gaps too short for the delay histogram's 20 ms timer) left that histogram empty, and the
 * sample read 0 ms: eventLoop.max/p99 alternated between the stall and 0, so an alert with `for`
 * (`'eventLoop.p99': { above: '100ms', for: '2s' }`) never fired while the loop was at its worst.
 * An empty window now reads the lateness of the histogram's timer (due within one period, not run),
 * and the sampling timer's own lateness counts as one more observation.
 */
import { describe, expect, it } from 'vitest'
import type { MonitorAlert, MonitorSample } from '../../src/hooks/types.js'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { startMonitors } from '../../src/runtime/monitors/index.js'
import { emptySources, monitorContext } from './_config.js'

const block = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* the loop is blocked */ } }

describe('event loop delay of a loop blocked for a whole window', () => {
  it('a sample taken at the end of a block no histogram timer fired in reads the block, not 0 ms', async () => {
    const monitor = startMonitors(monitorContext({ interval: 60_000, gc: false }), createMetricsRegistry('a', emptySources()), emptySources())
    try {
      await new Promise(r => setTimeout(r, 50))
      monitor.sample()
      block(300) // no await: the histogram's timer cannot fire before the sample
      const s = monitor.sample()
      expect(s.eventLoop!.max).toBeGreaterThanOrEqual(250)
      expect(s.eventLoop!.p99).toBeGreaterThanOrEqual(250)
      // an idle window still reads about nothing
      await new Promise(r => setTimeout(r, 200))
      expect(monitor.sample().eventLoop!.max).toBeLessThan(100)
    } finally {
      await monitor.stop()
    }
  })

  it("a loop kept busy past the interval: every sample shows the stall, and an alert with 'for' fires once, then resolves", async () => {
    const ctx = monitorContext({ interval: 100, gc: false, alerts: { 'eventLoop.p99': { above: 100, for: 500 } } })
    const samples: { at: number; max: number; p99: number }[] = []
    const alerts: MonitorAlert[] = []
    const t0 = performance.now()
    ctx.hooks.hook('monitor:sample', (s: MonitorSample) => { samples.push({ at: performance.now() - t0, max: s.eventLoop!.max, p99: s.eventLoop!.p99 }) })
    ctx.hooks.hook('monitor:alert', a => { alerts.push(a) })
    const monitor = startMonitors(ctx, createMetricsRegistry('a', emptySources()), emptySources())
    try {
      // 400 ms blocks with ~5 ms between them, for 2.4 s: the loop is never free for the histogram's period
      const busy = setInterval(() => block(400), 405)
      await new Promise(r => setTimeout(r, 2400))
      clearInterval(busy)
      await new Promise(r => setTimeout(r, 800))
      const stalled = samples.filter(s => s.at > 500 && s.at < 2300)
      expect(stalled.length, JSON.stringify(samples)).toBeGreaterThanOrEqual(3)
      for (const s of stalled) expect(s.p99, JSON.stringify(samples)).toBeGreaterThanOrEqual(100)
      expect(alerts.map(a => a.state), JSON.stringify(samples)).toEqual(['firing', 'resolved'])
      expect(alerts[0]!.metric).toBe('eventLoop.p99')
    } finally {
      await monitor.stop()
    }
  })
})
