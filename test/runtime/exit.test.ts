/**
 * On process.exit(), an uncaught error, an unhandled rejection or a signal, the report and history
 * are written (synchronously) and `exit` fires exactly once; the exit code is preserved.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function setup(body: string): string {
  const dir = tempDir('unperf-exit-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'exit-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `
    import { appendFileSync } from 'node:fs'
    export default {
      cache: { driver: 'memory' },
      report: { console: false, dir: './.perf' },
      budgets: { memory: '1kB' }, // fails (warn mode): budget:exceeded fires during close
      hooks: { exit: () => appendFileSync(${JSON.stringify(join(dir, 'exit.log'))}, 'exit\\n') },
    }`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    ${body}`)
  return dir
}

function history(dir: string): string[] {
  const file = join(dir, '.perf/history.jsonl')
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}
function exits(dir: string): number {
  const file = join(dir, 'exit.log')
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0
}

describe('exit paths', () => {
  it.each([
    // recorded: the code report.json and the history line hold (none when perf.close() ran with no
    // process.exitCode set; the exit path's, and an exit during close(), the process's own)
    ['perf.close() then a normal end', `await perf.run('ok', () => 1); await perf.close()`, 0, undefined],
    ['process.exit(3) inside a command', `await perf.run('quit', () => process.exit(3))`, 3, 3],
    ['an uncaught exception', `await perf.run('boom', () => { setTimeout(() => { throw new Error('uncaught') }, 1); return new Promise(r => setTimeout(r, 1000)) })`, 1, 1],
    ['an unhandled rejection', `await perf.run('reject', () => { Promise.reject(new Error('nobody catches')); return new Promise(r => setTimeout(r, 1000)) })`, 1, 1],
    ['close() called twice, then process.exit(0)', `await perf.run('twice', () => 1); await perf.close(); await perf.close(); process.exit(0)`, 0, undefined],
    ['process.exit(5) in a budget:exceeded listener during close()', `perf.hooks.hook('budget:exceeded', () => process.exit(5)); await perf.run('x', () => 1); await perf.close()`, 5, 5],
    ['process.exit(4) in a report listener during close()', `perf.hooks.hook('report', () => process.exit(4)); await perf.run('x', () => 1); await perf.close()`, 4, 4],
  ])('%s: report written once, exit fired once, exit code kept', (_name, body, code, recorded) => {
    const dir = setup(body)
    const result = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20_000 })
    expect(result.status, result.stderr).toBe(code)
    expect(existsSync(join(dir, '.perf/report.json'))).toBe(true)
    expect(history(dir)).toHaveLength(1)
    expect(exits(dir)).toBe(1)
    // the command is in the report, also when the process exited inside it
    const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { commands: unknown[]; exitCode?: number }
    expect(report.commands).toHaveLength(1)
    // an exit while close() was writing: the code the process exits with, not the one close() saw
    expect(report.exitCode).toBe(recorded)
    expect((JSON.parse(history(dir)[0]!) as { exitCode?: number }).exitCode).toBe(recorded)
  })

  it.each(['SIGINT', 'SIGTERM'] as const)('%s: report written once and the process dies of the signal', async signal => {
    const dir = setup(`await perf.run('wait', () => { console.log('ready'); return new Promise(r => setTimeout(r, 20000)) })`)
    const child = spawn(process.execPath, ['main.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    await new Promise<void>(resolve => child.stdout.on('data', d => { if (String(d).includes('ready')) resolve() }))
    child.kill(signal)
    const [exitCode, exitSignal] = await new Promise<[number | null, string | null]>(resolve => child.on('exit', (c, s) => resolve([c, s])))
    expect(exitSignal ?? exitCode).toBe(signal)
    expect(history(dir)).toHaveLength(1)
    expect(exits(dir)).toBe(1)
  })
})

describe('a stale history lock at exit', () => {
  it('a crashed run\'s lock is taken over at once (lock-takeover.ts, a deferred module of the start script): the line appended under it, nothing left beside it', () => {
    const dir = setup(`await perf.run('ok', () => 1); await perf.close()`)
    mkdirSync(join(dir, '.perf'))
    const lock = join(dir, '.perf/history.jsonl.lock')
    writeFileSync(lock, '')
    const old = new Date(Date.now() - 60_000)
    utimesSync(lock, old, old)
    const t0 = Date.now()
    const result = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20_000 })
    expect(result.status, result.stderr).toBe(0)
    expect(history(dir)).toHaveLength(1)
    // not the 5 s wait after which the line is appended without the lock (the stale one then stays)
    expect(Date.now() - t0).toBeLessThan(4_000)
    expect(readdirSync(join(dir, '.perf')).sort()).toEqual(['history-summary.bin', 'history.jsonl', 'report.json', 'trace.json'])
  })
})

describe('a command cut short by an uncaught error is recorded with that error', () => {
  type Recorded = { commands: Array<{ name: string; status: string; error?: { name: string; message: string } }> }
  const run = (body: string) => {
    const dir = setup(`perf.hooks.hook('command:error', (ctx, e) => console.log('command:error ' + ctx.name + ' ' + (e && e.name)))\n${body}`)
    const result = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20_000 })
    const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as Recorded
    return { result, report }
  }
  const wait = 'return new Promise(r => setTimeout(r, 1000))'

  it.each([
    ['an uncaught exception', `await perf.run('boom', () => { setTimeout(() => { throw new TypeError('uncaught in a timer') }, 1); ${wait} })`, { name: 'TypeError', message: 'uncaught in a timer' }],
    ['an unhandled rejection', `await perf.run('reject', () => { Promise.reject(new RangeError('nobody catches')); ${wait} })`, { name: 'RangeError', message: 'nobody catches' }],
    // node crashes with its own error then, which names the reason
    ['a rejection with a non-error', `await perf.run('reject', () => { Promise.reject('a plain string'); ${wait} })`, { name: 'UnhandledPromiseRejection', message: expect.stringContaining('"a plain string"') as unknown as string }],
    ["a host 'uncaughtException' listener that exits at once", `process.on('uncaughtException', () => process.exit(9)); await perf.run('boom', () => { setTimeout(() => { throw new SyntaxError('the host exits') }, 1); ${wait} })`, { name: 'SyntaxError', message: 'the host exits' }],
  ])('%s: its name and message, not an ExitError', (_name, body, error) => {
    const { result, report } = run(body)
    expect(result.status, result.stderr).not.toBe(0)
    expect(report.commands).toEqual([expect.objectContaining({ status: 'error', error })])
    expect(result.stdout).toContain(`command:error ${report.commands[0]!.name} ${error.name}`)
  })

  it('credentials in its message are redacted', () => {
    const { report } = run(`await perf.run('boom', () => { setTimeout(() => { throw new Error('cannot reach redis://:hunter2@cache:6379 with TOKEN=abc123') }, 1); ${wait} })`)
    expect(report.commands[0]!.error).toEqual({ name: 'Error', message: 'cannot reach redis://:***@cache:6379 with TOKEN=***' })
    expect(JSON.stringify(report)).not.toMatch(/hunter2|abc123/)
  })

  it("an error a host listener survives is not blamed for a later exit: an ExitError that names it (a logger that flushes, then exits)", () => {
    const { result, report } = run(`process.on('uncaughtException', () => {}); await perf.run('later', () => { setTimeout(() => { throw new Error('survived with TOKEN=abc123') }, 1); setTimeout(() => process.exit(4), 50); ${wait} })`)
    expect(result.status, result.stderr).toBe(4)
    expect(report.commands[0]!.error).toEqual({ name: 'ExitError', message: "the process exited with code 4 while the command was running (after an uncaught Error: survived with TOKEN=*** that a host 'uncaughtException' listener handled)" })
    // none: the plain ExitError
    const plain = run(`await perf.run('later', () => { setTimeout(() => process.exit(4), 20); ${wait} })`)
    expect(plain.report.commands[0]!.error).toEqual({ name: 'ExitError', message: 'the process exited with code 4 while the command was running' })
  })
})
