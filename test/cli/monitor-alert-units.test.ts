/**
 * `unperf monitor` on a terminal: a firing alert reads in its metric's unit
 * (`memory.rss = 58.3 MB (above 1.00 MB)`); it printed raw bytes (`= 58327040 (above 1000000)`).
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
    writeFileSync(join(cwd, 'perf.config.ts'), `export default { monitors: { interval: '100ms', alerts: { 'memory.rss': { above: '1MB', for: 0 } } } }`)
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} monitor --count 3`
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, XDG_CACHE_HOME: join(cwd, '.xdg') } })
    expect(r.status, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/ALERT memory\.rss = [\d.]+ MB \(above 1\.00 MB\)/)
  }, 40_000)
})
