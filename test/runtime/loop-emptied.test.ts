/**
 * A command whose promise never settles (a forgotten resolve, a pool deadlock) was recorded `ok`:
 * node ends the process at the natural end of the event loop (13 under a top-level await) and the
 * 'exit' event says 0. The commands still running when the loop empties ('beforeExit') are now
 * recorded as errors, and the code is the one the process exits with (13 was recorded 0: node's
 * own 'exit' listener sets process.exitCode to 13). Real child processes against dist/.
 */
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

interface Report { exitCode?: number; commands: { name: string; status: string; error?: { name: string; message: string } }[] }

async function runScript(body: string, config = ''): Promise<{ code: number | undefined; stdout: string; stderr: string; report: Report }> {
  const dir = tempDir('unperf-loop-emptied-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hang-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }${config} }`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    perf.hooks.hook('command:error', (ctx, e) => console.log('command:error', ctx.name, e.name))
    ${body}`)
  const result = await promisify(execFile)(process.execPath, ['main.mjs'], { cwd: dir, timeout: 30_000 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }))
  return { ...result, report: JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as Report }
}

const EMPTIED = { name: 'LoopEmptiedError', message: 'the event loop emptied while the command was still running: a promise that never settles (a deadlock?)' }

describe('a command still running when the event loop empties', () => {
  it('under a top-level await (exit code 13) is recorded as an error, command:error fires', async () => {
    const { code, stdout, report } = await runScript(`await perf.run('hang', () => new Promise(() => {}))`)
    expect(code).toBe(13)
    expect(report.commands).toEqual([expect.objectContaining({ name: 'hang', status: 'error', error: EMPTIED })])
    expect(report.exitCode).toBe(13)
    expect(stdout).toContain('command:error hang LoopEmptiedError')
  }, 40_000)

  it('without a top-level await (exit code 0), and after earlier commands that finished', async () => {
    const { code, report } = await runScript(`
      await perf.run('first', () => 1)
      await perf.run('second', () => 2)
      void perf.run('hang', () => new Promise(() => {}))`)
    expect(code).toBe(0)
    expect(report.exitCode).toBe(0)
    expect(report.commands.map(c => [c.name, c.status, c.error?.name])).toEqual([['first', 'ok', undefined], ['second', 'ok', undefined], ['hang', 'error', 'LoopEmptiedError']])
  }, 40_000)

  it('a pool deadlock inside a command: the pool is named and the command recorded as an error', async () => {
    const { code, stderr, report } = await runScript(`
      const files = [1, 2, 3, 4]
      await perf.run('build', () => perf.graph({
        a: { run: () => perf.pool().map(files, async f => f) },
        b: { run: () => perf.pool().map(files, async f => f) },
        c: { run: () => perf.pool().map(files, async f => f) },
      }))`, `, concurrency: { default: 2 }`)
    expect(code).toBe(13)
    expect(stderr).toMatch(/pool 'default': .*a deadlock/)
    expect(report.exitCode).toBe(13)
    expect(report.commands).toEqual([expect.objectContaining({ name: 'build', status: 'error', error: EMPTIED })])
  }, 40_000)

  it('a command cut short by process.exit(0) is still ok; one finished command leaves no beforeExit listener', async () => {
    const { code, stdout, report } = await runScript(`
      await perf.run('done', () => 1)
      console.log('listeners', process.listenerCount('beforeExit'))
      await perf.run('exits', () => { setTimeout(() => process.exit(0), 10); return new Promise(() => {}) })`)
    expect(code).toBe(0)
    expect(stdout).toContain('listeners 0')
    expect(report.commands.map(c => [c.name, c.status])).toEqual([['done', 'ok'], ['exits', 'ok']])
  }, 40_000)
})
