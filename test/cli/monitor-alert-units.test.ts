/**
 * `unperf monitor` on a terminal: a firing alert reads in its metric's unit
 * (`memory.rss = 58.3 MB (above 1.00 MB)`); it printed raw bytes (`= 58327040 (above 1000000)`).
 * The unit comes from the one metric table, as the config's: a host size written '1kB', a
 * percentage written '0.01%' (the config refused both: bytes and a plain number only).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

const hasScript = spawnSync('script', ['--version']).status === 0

describe.skipIf(!hasScript)('unperf monitor alerts on a terminal (util-linux script)', () => {
  it('shows the value and the threshold in bytes, humanized', () => {
    const cwd = tempDir('unperf-monitor-alert-units-')
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'alert-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(cwd, 'perf.config.ts'), `export default { monitors: { interval: '100ms', alerts: { 'memory.rss': { above: '1MB', for: 0 }, 'system.memory.total': { above: '1kB' }, 'system.memory.usedPercent': '0.01%' } } }`)
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} monitor --count 3`
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, XDG_CACHE_HOME: join(cwd, '.xdg') } })
    expect(r.status, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/ALERT memory\.rss = [\d.]+ MB \(above 1\.00 MB\)/)
    expect(r.stdout).toMatch(/ALERT system\.memory\.total = [\d.]+ [MGT]B \(above 1\.00 kB\)/)
    expect(r.stdout).toMatch(/ALERT system\.memory\.usedPercent = [\d.]+ % \(above 0\.0 %\)/)
    // the table shows the host disk in the same units an alert on it takes
    expect(r.stdout).toMatch(/host disk\s+[\d.]+ [kMGT]?B \/ [\d.]+ [kMGT]?B \([\d.]+ %\)/)
  }, 40_000)
})
