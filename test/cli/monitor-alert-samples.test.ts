/**
 * `unperf monitor --json`: each alert line says which sample set it off (`sampleTime`, that sample's
 * `time`) and follows that sample's line when it was printed. Samples taken before printing starts
 * (the first host-metrics refresh) are not printed: their alerts followed the first printed sample
 * as if it had set them off.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf monitor --json: alerts and their samples', () => {
  it('every alert line carries its sample\'s time, and one of a printed sample comes right after it', () => {
    const cwd = tempDir('unperf-monitor-alert-samples-')
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'alert-samples', version: '1.0.0', type: 'module' }))
    // rss over 1 MB from the very first sample, taken every 5 ms: several before the host metrics are in
    writeFileSync(join(cwd, 'perf.config.ts'), `export default { monitors: { alerts: { 'memory.rss': { above: '1MB', for: 0 } } } }`)
    const r = unperf(cwd, 'monitor', '--json', '--interval', '5', '--count', '3')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n').map(l => JSON.parse(l) as { type: string; time?: number; sampleTime?: number })
    const samples = lines.filter(l => l.type === 'sample')
    expect(samples).toHaveLength(3)
    const alerts = lines.filter(l => l.type === 'alert')
    expect(alerts.length).toBeGreaterThan(0)
    for (const alert of alerts) {
      expect(typeof alert.sampleTime).toBe('number')
      const i = lines.indexOf(alert)
      const own = samples.find(s => s.time === alert.sampleTime)
      if (own !== undefined) {
        // after its sample, with no other sample between them
        const at = lines.indexOf(own)
        expect(at).toBeLessThan(i)
        expect(lines.slice(at + 1, i).every(l => l.type === 'alert')).toBe(true)
      } else {
        // a sample that was not printed: one taken before the first printed
        expect(alert.sampleTime!).toBeLessThanOrEqual(samples[0]!.time!)
      }
    }
  })
})
