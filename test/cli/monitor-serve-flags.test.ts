/**
 * `unperf monitor --port 9100` without `--serve` served nothing and said nothing: the user waited for
 * a /metrics that never came. --port and --host only say where --serve serves: without it they are
 * bad usage (exit 2), as `profile --imports` without `--heap` is.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

describe('unperf monitor --port / --host without --serve', () => {
  it.each([[['--port', '9100']], [['--host', '0.0.0.0']], [['--port', '0', '--json']]])('%j: bad usage naming --serve, nothing sampled', (flags) => {
    const dir = tempDir('unperf-monitor-flags-')
    const r = spawnSync(process.execPath, [bin, 'monitor', '--count', '1', ...flags], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stdout + r.stderr).toBe(2)
    const said = flags.includes('--json') ? (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error : { code: 'E_USAGE', message: r.stderr }
    expect(said.code).toBe('E_USAGE')
    expect(said.message).toMatch(new RegExp(`${flags[0]} .*--serve`))
    expect(r.stdout).not.toMatch(/"type":"sample"/)
  })
})
