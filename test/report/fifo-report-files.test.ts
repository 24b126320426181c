/**
 * A FIFO where history.jsonl, report.json or tests.jsonl should be (left by a script, a `mkfifo` in
 * the wrong dir): the exit path's read of history.jsonl (a sync open of the FIFO, which waits for a
 * writer) hung the host CLI for good, SIGTERM included (its handler writes the history too);
 * `unperf report`, `cache stats`, `budget`, `tests slow` and `shard` never returned. Each is read as
 * a file that cannot be read now, named with why, never waited on. Real FIFOs (mkfifo), the built
 * runtime and CLI as child processes; each bounded by a 30 s kill, which only a hang reaches.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const HANG_KILL_MS = 30_000

function project(): string {
  const dir = tempDir('unperf-fifo-report-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fifo-report', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false, dir: '.perf' }, budgets: { startup: '1h' } }))
  mkdirSync(join(dir, '.perf'), { mode: 0o700 })
  return dir
}

const fifo = (path: string) => expect(spawnSync('mkfifo', ['-m', '600', path]).status).toBe(0)

function run(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: HANG_KILL_MS, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
  return { code: r.status, signal: r.signal, stderr: r.stderr, stdout: r.stdout }
}

describe.skipIf(process.platform === 'win32')('a FIFO under the name of a file unperf reads back', () => {
  it('history.jsonl: a host CLI exits 0, its warning naming history.jsonl', () => {
    const dir = project()
    fifo(join(dir, '.perf/history.jsonl'))
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => 42)
      await perf.close()
      console.log('done')`)
    const r = run(dir, ['app.mjs'])
    expect(r.signal, 'killed after 30 s: hung').toBeNull()
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('done')
    expect(r.stderr).toContain(`the report could not be written to ${join(dir, '.perf')}: ENXIO`)
    expect(r.stderr).toContain(join(dir, '.perf/history.jsonl'))
    expect(r.stderr).not.toMatch(/    at /)
  })

  it('history.jsonl: unperf report, cache stats and budget name it and return', () => {
    const dir = project()
    fifo(join(dir, '.perf/history.jsonl'))
    const said = `the run history ${join(dir, '.perf/history.jsonl')} cannot be read (not a regular file (a FIFO, a socket or a device), expected a history.jsonl file)`
    for (const args of [['report'], ['cache', 'stats']]) {
      const r = run(dir, [bin, ...args])
      expect(r.signal, `${args.join(' ')}: killed after 30 s: hung`).toBeNull()
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain(said)
    }
    const budget = run(dir, [bin, 'budget'])
    expect(budget.signal, 'budget: killed after 30 s: hung').toBeNull()
    expect(budget.code).toBe(1) // no run recorded
  })

  it('report.json: unperf budget says it cannot be read (exit 1) and returns', () => {
    const dir = project()
    fifo(join(dir, '.perf/report.json'))
    const r = run(dir, [bin, 'budget'])
    expect(r.signal, 'killed after 30 s: hung').toBeNull()
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`the last report (${join(dir, '.perf/report.json')}) cannot be read`)
    expect(r.stderr).toContain('not a regular file')
    expect(r.stderr).not.toMatch(/    at /)
  })

  it('tests.jsonl: unperf tests slow and shard name it and return', () => {
    const dir = project()
    for (const f of ['a', 'b']) writeFileSync(join(dir, `${f}.test.ts`), '')
    fifo(join(dir, '.perf/tests.jsonl'))
    const said = `the test history ${join(dir, '.perf/tests.jsonl')} cannot be read (not a regular file (a FIFO, a socket or a device), expected a tests.jsonl file)`
    for (const args of [['tests', 'slow', '--dir', '.perf'], ['shard', '--total', '2', '--index', '1', '--dir', '.perf']]) {
      const r = run(dir, [bin, ...args])
      expect(r.signal, `${args.join(' ')}: killed after 30 s: hung`).toBeNull()
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain(said)
    }
  })
})
