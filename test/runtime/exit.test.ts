/**
 * On process.exit(), an uncaught error, an unhandled rejection or a signal, the report and history
 * are written (synchronously) and `exit` fires exactly once; the exit code is preserved.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
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
    ['perf.close() then a normal end', `await perf.run('ok', () => 1); await perf.close()`, 0],
    ['process.exit(3) inside a command', `await perf.run('quit', () => process.exit(3))`, 3],
    ['an uncaught exception', `await perf.run('boom', () => { setTimeout(() => { throw new Error('uncaught') }, 1); return new Promise(r => setTimeout(r, 1000)) })`, 1],
    ['an unhandled rejection', `await perf.run('reject', () => { Promise.reject(new Error('nobody catches')); return new Promise(r => setTimeout(r, 1000)) })`, 1],
    ['close() called twice, then process.exit(0)', `await perf.run('twice', () => 1); await perf.close(); await perf.close(); process.exit(0)`, 0],
    ['process.exit(5) in a budget:exceeded listener during close()', `perf.hooks.hook('budget:exceeded', () => process.exit(5)); await perf.run('x', () => 1); await perf.close()`, 5],
    ['process.exit(4) in a report listener during close()', `perf.hooks.hook('report', () => process.exit(4)); await perf.run('x', () => 1); await perf.close()`, 4],
  ])('%s: report written once, exit fired once, exit code kept', (_name, body, code) => {
    const dir = setup(body)
    const result = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20_000 })
    expect(result.status, result.stderr).toBe(code)
    expect(existsSync(join(dir, '.perf/report.json'))).toBe(true)
    expect(history(dir)).toHaveLength(1)
    expect(exits(dir)).toBe(1)
    // the command is in the report, also when the process exited inside it
    const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { commands: unknown[] }
    expect(report.commands).toHaveLength(1)
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
