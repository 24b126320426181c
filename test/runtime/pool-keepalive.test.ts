/**
 * An awaited pool task keeps the process alive through its retries' backoff and until its timeout:
 * a script whose only pending work is `await pool.run(...)` must get the result (or the
 * TimeoutError), not exit in the middle with the task unsettled (exit code 13 for a top-level
 * await, or a silent 0 inside a CLI's action). Real child processes against dist/.
 */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

async function runScript(body: string): Promise<{ code: number; stdout: string }> {
  const dir = tempDir('unperf-keepalive-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'keepalive-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default {
    cache: { driver: 'memory' },
    report: { console: false, dir: './.perf' },
    concurrency: {
      pools: { flaky: { retries: 3, backoff: 50 }, slow: { timeout: 100 } },
      workers: { retries: 2 },
    },
  }`)
  writeFileSync(join(dir, 'task.mjs'), `
    import { existsSync, writeFileSync } from 'node:fs'
    export function failOnce(marker) {
      if (!existsSync(marker)) { writeFileSync(marker, ''); throw new Error('first attempt fails') }
      return 'worker ok'
    }`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf({ noExitHandlers: true })
    ${body}
    await perf.close()`)
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['main.mjs'], { cwd: dir, timeout: 30_000 })
    return { code: 0, stdout }
  } catch (error) {
    const e = error as { code?: number; stdout?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '' }
  }
}

describe('awaited pool tasks keep the process alive', () => {
  it('through the backoff between retries', async () => {
    const { code, stdout } = await runScript(`
      let attempts = 0
      console.log(await perf.pool('flaky').run(async () => { if (++attempts < 3) throw new Error('flaky'); return 'ok after ' + attempts }))`)
    expect(stdout).toBe('ok after 3\n')
    expect(code).toBe(0)
  }, 40_000)

  it('until the timeout of a task that hangs without a handle of its own', async () => {
    const { code, stdout } = await runScript(`
      console.log(await perf.pool('slow').run(() => new Promise(() => {})).catch(e => e.name + ' ' + e.code))`)
    expect(stdout).toBe('TimeoutError E_TIMEOUT\n')
    expect(code).toBe(0)
  }, 40_000)

  it('through the backoff between worker retries', async () => {
    const { code, stdout } = await runScript(`
      const marker = new URL('./attempted', import.meta.url).pathname
      console.log(await perf.workers.run(new URL('./task.mjs', import.meta.url), 'failOnce', [marker]))`)
    expect(stdout).toBe('worker ok\n')
    expect(code).toBe(0)
  }, 40_000)
})

describe('a pool deadlock is named when the event loop empties', () => {
  function script(body: string): string {
    const dir = tempDir('unperf-stalled-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'stalled-cli', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }, concurrency: { default: 2 } }`)
    writeFileSync(join(dir, 'main.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      ${body}
      await perf.close()`)
    return dir
  }
  const run = (dir: string) => promisify(execFile)(process.execPath, ['main.mjs'], { cwd: dir, timeout: 30_000 })
    .then(({ stderr }) => ({ code: 0, stderr }), (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }))

  it('graph tasks that map on the pool the graph runs in: node exits 13 with no word of it; unperf names the pool', async () => {
    // three roots hold both slots of the default pool; their map items wait behind them forever
    const dir = script(`
      const files = [1, 2, 3, 4]
      await perf.run('build', () => perf.graph({
        a: { run: () => perf.pool().map(files, async f => f) },
        b: { run: () => perf.pool().map(files, async f => f) },
        c: { run: () => perf.pool().map(files, async f => f) },
      }))`)
    const { code, stderr } = await run(dir)
    expect(code).toBe(13)
    expect(stderr).toMatch(/pool 'default': \d+ task\(s\) still queued behind 2 running when the event loop emptied: a deadlock/)
  })

  it('no warning when the work finishes, or when a script exits with tasks queued', async () => {
    const done = await run(script(`await perf.run('ok', () => perf.pool().map([1, 2, 3], async x => x))`))
    expect(done).toMatchObject({ code: 0 })
    expect(done.stderr).not.toMatch(/deadlock/)
    const exited = await run(script(`perf.pool().map([1, 2, 3, 4], () => new Promise(() => {})); process.exit(0)`))
    expect(exited.stderr).not.toMatch(/deadlock/)
  })
})
