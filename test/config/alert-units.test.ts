/**
 * `monitors.alerts` thresholds take their metric's unit, the one the monitor table (metric-kinds.ts)
 * gives it and `unperf monitor` shows: `system.disk.used` reads `51.2 GB`, so `'50GB'` is accepted
 * (it was refused: bytes only); `cpu.user` reads in ms, so `'200ms'`; percentages take `'90%'`.
 * Plain numbers keep their raw meaning. A wrong unit names the file, the key path and the unit.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { resolvePerfConfig } from '../../src/config/resolve.js'
import { validateConfig } from '../../src/config/validate.js'
import type { PerfConfigBase } from '../../src/config/types.js'
import type { ConfigError } from '../../src/errors.js'
import { METRIC_KINDS, THRESHOLD_EXPECTED, type MetricKind } from '../../src/runtime/monitors/metric-kinds.js'
import { PKG, project } from './_fixtures.js'

async function alertsOf(alerts: string): Promise<Record<string, unknown>> {
  const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { monitors: { alerts: ${alerts} } }` })
  return (await loadPerfConfig({ cwd: dir, noSnapshot: true })).monitors.alerts
}
async function errorOf(alerts: string): Promise<ConfigError> {
  const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default {\n  monitors: { alerts: ${alerts} },\n}` })
  return loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => { throw new Error('expected a ConfigError') }, (e: ConfigError) => e)
}

describe('alert thresholds in their metric unit', () => {
  it("takes the unit each metric is shown in: sizes, durations (cpu.user too), rates, '90%'", async () => {
    expect(await alertsOf(`{
      'system.disk.used': { above: '50GB' }, 'system.memory.available': { below: '1GiB', for: '30s' },
      'cpu.user': '200ms', 'gc.pause': { above: '50ms' },
      'system.network.rxSec': '10MB/s', 'system.network.txSec': { above: '5MB' },
      'cpu.percent': '90%', 'system.disk.usedPercent': 95, 'eventLoop.utilization': '90%', 'handles.active': 500,
    }`)).toEqual({
      'system.disk.used': { above: 50e9, for: 0 }, 'system.memory.available': { below: 1024 ** 3, for: 30_000 },
      'cpu.user': { above: 200, for: 0 }, 'gc.pause': { above: 50, for: 0 },
      'system.network.rxSec': { above: 10e6, for: 0 }, 'system.network.txSec': { above: 5e6, for: 0 },
      'cpu.percent': { above: 90, for: 0 }, 'system.disk.usedPercent': { above: 95, for: 0 }, 'eventLoop.utilization': { above: 0.9, for: 0 }, 'handles.active': { above: 500, for: 0 },
    })
  })

  it('a plain number keeps its raw meaning (bytes, ms, bytes/s, percent, fraction): existing configs do not change', async () => {
    expect(await alertsOf(`{ 'memory.rss': 524288000, 'eventLoop.p99': 100, 'system.network.rxSec': 1000, 'cpu.percent': 90, 'eventLoop.utilization': { below: 0.1 } }`)).toEqual({
      'memory.rss': { above: 524288000, for: 0 }, 'eventLoop.p99': { above: 100, for: 0 }, 'system.network.rxSec': { above: 1000, for: 0 },
      'cpu.percent': { above: 90, for: 0 }, 'eventLoop.utilization': { below: 0.1, for: 0 },
    })
  })

  it('a threshold in the wrong unit is an error naming the file, the key path and the unit expected', async () => {
    const error = await errorOf(`{ 'system.disk.used': { above: '50 parsecs' }, 'cpu.percent': '90MB', 'eventLoop.utilization': { above: 90 }, 'handles.active': '5MB', 'cpu.user': '2GB' }`)
    expect(error.issues.map(i => i.message)).toEqual([
      "perf.config.ts:2:47: monitors.alerts['system.disk.used'].above: expected a size like '500MB' or a number of bytes (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), got '50 parsecs'",
      "perf.config.ts:2:70: monitors.alerts['cpu.percent']: expected a percentage like '90%' or a number of percent (90), or { above, below, for }, got '90MB'",
      "perf.config.ts:2:120: monitors.alerts['eventLoop.utilization'].above: expected a fraction from 0 to 1 (0.9) or a percentage like '90%', got 90",
      "perf.config.ts:2:133: monitors.alerts['handles.active']: expected a number, or { above, below, for }, got '5MB'",
      "perf.config.ts:2:158: monitors.alerts['cpu.user']: expected a duration like '100ms' or a number of ms, or { above, below, for } (units: ms, s, m, h, d, w; no month or year: write '365d'), got '2GB'",
    ])
    expect(error.issues[0]).toMatchObject({ file: 'perf.config.ts', path: "monitors.alerts['system.disk.used'].above", expected: "a size like '500MB' or a number of bytes (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)", found: '50 parsecs' })
  })

  it('a metric no monitor samples is an error with a did-you-mean', async () => {
    const error = await errorOf(`{ 'memory.rs': '500MB' }`)
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]!.message).toMatch(/^perf\.config\.ts:2:25: monitors\.alerts\['memory\.rs'\]: expected a known key; did you mean 'memory\.rss'\? \(one of eventLoop\.p50, .*system\.network\.txSec\), got 'memory\.rs'$/)
  })

  it("the resolver (a warm start skips the schema) refuses what the schema refuses, in the same words", () => {
    const ctx = { rootDir: '/p', cwd: '/p', env: 'production', configFile: undefined, hostName: 'p', hostVersion: '1.0.0', fileFor: () => 'perf.config.ts' }
    const bad: Record<MetricKind, unknown[]> = {
      size: ['10 parsecs', '5s', -1, '10MB/s'], duration: ['10MB', '1 hour', -5], rate: ['10 MB/min', '5s', -1], percent: ['90', '90MB', -1],
      ratio: [1.5, '150%', '0.9', -0.1], number: ['5', '5%', -1, Number.NaN],
    }
    const good: Record<MetricKind, [unknown, number][]> = {
      size: [['1.5 GiB', 1.5 * 1024 ** 3], [1000, 1000]], duration: [['2s', 2000], [0.5, 0.5]], rate: [['1kB/s', 1000], ['1 kB / s', 1000], ['2kB', 2000], [3, 3]],
      percent: [['12.5 %', 12.5], [150, 150]], ratio: [['100%', 1], ['5%', 0.05], [0, 0]], number: [[2.5, 2.5]],
    }
    for (const [metric, kind] of Object.entries(METRIC_KINDS)) {
      for (const value of bad[kind]) {
        const config = { monitors: { alerts: { [metric]: { above: value } } } } as PerfConfigBase
        const path = `monitors.alerts['${metric}'].above`
        const resolved = resolvePerfConfig(config, ctx).issues.map(i => [i.path, i.expected])
        // (a number with a unit unperf does not know, '10 parsecs', also gets the units it knows)
        expect(resolved.map(([p, e]) => [p, e!.replace(/ \(units: [^)]*\)$/, '')]), `${metric} ${String(value)}`).toEqual([[path, THRESHOLD_EXPECTED[kind]]])
        expect(validateConfig(config, () => 'perf.config.ts').map(i => [i.path, i.expected]), `${metric} ${String(value)}`).toEqual(resolved)
      }
      for (const [value, raw] of good[kind]) {
        const config = { monitors: { alerts: { [metric]: { above: value } } } } as PerfConfigBase
        expect(validateConfig(config, () => 'perf.config.ts'), `${metric} ${String(value)}`).toEqual([])
        expect(resolvePerfConfig(config, ctx).config.monitors.alerts[metric], `${metric} ${String(value)}`).toEqual({ above: raw, for: 0 })
      }
    }
  })
})
