/**
 * `monitors.system` reads the host through systeminformation, whose fsSize() runs `cat /proc/mounts`
 * (`mount` on macOS) with execSync on every refresh, networkStats()'s first call finds the default
 * interface with execSync too, and whose import evaluates its ~25 modules. On the host's thread each
 * blocked the host's event loop (50–300 ms every max(interval, 5 s) on a loaded 2-core machine), and the
 * host's own eventLoop samples and alerts reported that stall as the host's ('eventLoop.p99': '50ms'
 * fired ≈ 500 ms after every start). They run in a worker thread now: the host's thread spawns nothing
 * synchronously and never loads systeminformation, and the values still arrive.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = new URL('../../dist/index.mjs', import.meta.url).href

describe('monitors.system off the host thread', () => {
  it("no synchronous child process and no systeminformation on the host's thread; the host values arrive", () => {
    const dir = tempDir('unperf-system-thread-')
    const script = `
      import { createRequire } from 'node:module'
      const require = createRequire(import.meta.url)
      // what systeminformation calls blocks this thread: record every call made on it
      const cp = require('node:child_process')
      const calls = []
      for (const name of ['execSync', 'execFileSync', 'spawnSync']) {
        const real = cp[name]
        cp[name] = (...args) => { calls.push(name + ' ' + String(args[0]).slice(0, 60)); return real(...args) }
      }
      const { createPerf } = await import(${JSON.stringify(dist)})
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'sys', monitors: { interval: 100, system: true }, report: { console: false } } })
      const keep = setInterval(() => {}, 1000) // the monitor's timers are unref'd: this script waits for them
      const sample = await new Promise(done => { const off = perf.hooks.hook('monitor:sample', s => { if (s.system) { off(); done(s) } }) })
      clearInterval(keep)
      await perf.close()
      const loaded = Object.keys(require.cache).filter(file => file.includes('systeminformation'))
      console.log(JSON.stringify({ calls, loaded, system: sample.system }))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 30_000 })
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { calls: string[]; loaded: string[]; system: { memory: { total: number }; disk: { size: number }; load: { percent: number } } }
    expect(out.calls).toEqual([])
    expect(out.loaded).toEqual([])
    expect(out.system.memory.total).toBeGreaterThan(0)
    expect(out.system.disk.size).toBeGreaterThan(0)
    expect(out.system.load.percent).toBeGreaterThanOrEqual(0)
    expect(r.stderr).toBe('')
  }, 40_000)

  it('a host that ends without close() once the worker runs exits by itself (the worker never holds it)', () => {
    const dir = tempDir('unperf-system-thread-end-')
    const script = `
      const { createPerf } = await import(${JSON.stringify(dist)})
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'sys', monitors: { interval: 100, system: true }, report: { console: false } } })
      const keep = setInterval(() => {}, 1000)
      await new Promise(done => { const off = perf.hooks.hook('monitor:sample', s => { if (s.system) { off(); done() } }) })
      clearInterval(keep)
      console.log('done')`
    // its 'message' listener ref'd the worker's port again after unref(): the process never ended
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 15_000 })
    expect({ status: r.status, signal: r.signal, stdout: r.stdout.trim() }, r.stderr).toEqual({ status: 0, signal: null, stdout: 'done' })
  }, 30_000)
})
