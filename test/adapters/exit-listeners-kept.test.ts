/**
 * An adapter's run keeps one set of exit listeners: the ones perf installed at its start are, after
 * its close, the ones that follow the process's exit code (report/exit-code.ts), not removed and
 * another set installed (≈ 3 kB of young generation at every CLI's close: a signal's handle closed
 * and opened again). They still come after the host's listeners added meanwhile, as a set installed
 * at close did: a host 'exit' listener's process.exitCode is the code recorded.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const repo = join(import.meta.dirname, '../..')

describe('the exit listeners of an adapter\'s run', () => {
  it('are the same before and after the close, and still record the code a host exit listener sets after them', () => {
    const dir = tempDir('unperf-exit-kept-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kept-host', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { console: false, dir: join(dir, 'reports') } }))
    // the host's entry in its project (the config found beside it)
    copyFileSync(join(import.meta.dirname, 'fixtures/exit-listeners-kept.mjs'), join(dir, 'cli.mjs'))
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: join(dir, 'xdg'), UNPERF_REPO: repo }
    let out = ''
    let status: number | null = 0
    try {
      out = execFileSync(process.execPath, [join(dir, 'cli.mjs'), 'hello'], { cwd: dir, env, encoding: 'utf8' })
    } catch (error) {
      out = (error as { stdout: string }).stdout
      status = (error as { status: number | null }).status
    }
    expect(status).toBe(7)
    // unperf's SIGINT listener was there during the command, and the very same ones after the close
    expect(JSON.parse(out)).toEqual({ kept: [true, true, true, true, true], perfAfterHost: true, perfListeners: 1 })
    const history = readFileSync(join(dir, 'reports', 'history.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    expect(history).toHaveLength(1)
    expect(history[0].exitCode).toBe(7)
    expect(JSON.parse(readFileSync(join(dir, 'reports', 'report.json'), 'utf8')).exitCode).toBe(7)
  })
})
