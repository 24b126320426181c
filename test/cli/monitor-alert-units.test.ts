/**
 * `unperf monitor` on a terminal: a firing alert reads in its metric's unit
 * (`memory.rss = 58.3 MB (above 1.00 MB)`); it printed raw bytes (`= 58327040 (above 1000000)`).
 * The unit comes from the one metric table, as the config's: a host size written '1kB', a
 * percentage written '0.01%' (the config refused both: bytes and a plain number only).
 * A screen (and a JSON sample line) is followed by the alerts of its own sample, not of the one before.
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

  it("a screen lists the alerts its own figures set off (it showed them one sample late: a breach read 'no alerts firing' for an interval)", () => {
    const cwd = tempDir('unperf-monitor-alert-screen-')
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'alert-fixture', version: '1.0.0', type: 'module' }))
    // a host metric: it is in no sample before the host's first refresh, and printing starts with
    // the first sample after it, so the sample that fires this rule is always the first one shown
    writeFileSync(join(cwd, 'perf.config.ts'), `export default { monitors: { alerts: { 'system.memory.total': { above: '1kB' } } } }`)
    const env = { ...process.env, XDG_CACHE_HOME: join(cwd, '.xdg') }
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} monitor --count 1 --interval 100ms`
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 30_000, env })
    expect(r.status, r.stdout).toBe(0)
    const screens = r.stdout.split('\x1b[H\x1b[2J').filter(screen => screen.includes('unperf monitor:'))
    expect(screens).toHaveLength(1)
    expect(screens[0]).toMatch(/host memory\s+[\d.]+ [kMGT]?B \/ [\d.]+ [kMGT]?B/)
    expect(screens[0]).toMatch(/ALERT system\.memory\.total = [\d.]+ [MGT]B \(above 1\.00 kB\)/)
    expect(screens[0]).not.toMatch(/no alerts firing/)
    // JSON lines: the alert line right after the sample that set it off, not after the next one
    const json = spawnSync(process.execPath, [bin, 'monitor', '--json', '--count', '2', '--interval', '100ms'], { cwd, encoding: 'utf8', timeout: 30_000, env })
    expect(json.status, json.stderr).toBe(0)
    const lines = json.stdout.trim().split('\n').map(line => JSON.parse(line) as { type: string; metric?: string })
    expect(lines.map(l => l.type)).toEqual(['sample', 'alert', 'sample'])
    expect(lines[1]).toMatchObject({ metric: 'system.memory.total', state: 'firing' })
  }, 40_000)
})
