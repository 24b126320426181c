/**
 * `unperf config` (text): each resolved key on its own line, marked with the layer that set it,
 * `(default)` when none did. API.md's own sample writes two alerts as their threshold alone (`'eventLoop.p99': '100ms'`,
 * `'cpu.percent': 90`): their `above` was marked `(default)` (the layer has a string or number there,
 * not `{ above }`), `eventLoop.p99.above = 100` had no unit and `memory.rss.above` read as a size only
 * by its key's name; and a key with a dot or a colon in it (`'memory.rss'`, `'command:after'`) was
 * joined into the path as it is, so `monitors.alerts.memory.rss.above` named a `memory` alert.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf config (text)', { timeout: 60_000 }, () => {
  it("marks an alert written as its threshold as set, shows thresholds in the metric's unit, brackets keys that are not identifiers", () => {
    const dir = tempDir('unperf-config-keys-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'config-keys', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default {
      monitors: { alerts: { 'memory.rss': { above: '500MB', for: '10s' }, 'eventLoop.p99': '100ms', 'cpu.percent': 90 } },
      cache: { namespaces: { 'plugin:x': { ttl: '1h' } } },
      hooks: { 'command:after': () => {} },
    }`)
    const r = unperf(dir, 'config')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines).toContain(`monitors.alerts['memory.rss'].above = 500000000 (500 MB)  (perf.config.mjs)`)
    expect(lines).toContain(`monitors.alerts['memory.rss'].for = 10000 (10.0 s)  (perf.config.mjs)`)
    expect(lines).toContain(`monitors.alerts['eventLoop.p99'].above = 100 (100 ms)  (perf.config.mjs)`)
    expect(lines).toContain(`monitors.alerts['eventLoop.p99'].for = 0 (0 ms)  (default)`)
    expect(lines).toContain(`monitors.alerts['cpu.percent'].above = 90 (90.0 %)  (perf.config.mjs)`)
    expect(lines).toContain(`cache.namespaces['plugin:x'].ttl = 3600000 (1 h)  (perf.config.mjs)`)
    expect(lines).toContain(`hooks['command:after'] = [function]  (perf.config.mjs)`)
    expect(r.stdout).not.toMatch(/alerts\.memory\.rss|alerts\.eventLoop\.p99|hooks\.command:after/)
  })
})
