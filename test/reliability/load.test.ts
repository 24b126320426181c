/**
 * Promise (issue 8, load): 10 000 concurrent get/set on the memory and fs tiers and 1 000 concurrent
 * commands' worth of hooks run without error; afterwards no listener, timer or handle is left
 * behind (counted), and the heap after a forced GC is within 10 % of its baseline.
 * Runs in a child process with --expose-gc so the measurement is the workload's alone.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('load', () => {
  it('10 000 concurrent cache ops and 1 000 commands leave nothing behind', () => {
    const dir = tempDir('unperf-load-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'load-cli', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default {
      cache: { driver: 'memory', namespaces: { disk: { driver: 'fs' } } },
      report: { console: false, dir: './.perf' },
    }`)
    writeFileSync(join(dir, 'load.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const resources = () => process.getActiveResourcesInfo().filter(r => r !== 'TTYWrap').length
      const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed }
      // the same workload once before the baseline, so it includes compiled code and one-time state
      // (measured: heap after GC stays within ±0.2 MB over 5 further rounds: no growth per run)
      async function workload(p, n) {
        const mem = p.cache
        const disk = p.cache.namespace('disk')
        await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? mem.set('k' + (i % 500), { i }) : mem.get('k' + (i % 500)))))
        await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? disk.set('k' + (i % 200), { i }) : disk.get('k' + (i % 200)))))
        await Promise.all(Array.from({ length: n / 10 }, (_, i) => p.run('cmd' + (i % 10), async () => { await mem.get('k' + i) })))
      }
      {
        const p = await createPerf()
        await workload(p, 10_000)
        await p.close()
      }
      const baseResources = resources()
      const baseListeners = process.listenerCount('exit') + process.listenerCount('SIGINT')
      const baseHeap = heap()
      let errors = 0
      let perf = await createPerf()
      let before = 0, after = 0
      const offBefore = perf.hooks.hook('command:before', () => { before++ })
      perf.hooks.hook('command:after', () => { after++ })
      perf.hooks.hook('cache:error', () => { errors++ })
      await workload(perf, 10_000)
      offBefore()
      await perf.close()
      perf = null // the host drops its instance; nothing inside unperf may keep it
      await new Promise(r => setTimeout(r, 100))
      const out = {
        before, after, errors,
        resources: resources() - baseResources,
        listeners: process.listenerCount('exit') + process.listenerCount('SIGINT') - baseListeners,
        heapGrowth: (heap() - baseHeap) / baseHeap,
      }
      console.log(JSON.stringify(out))`)
    const r = spawnSync(process.execPath, ['--expose-gc', 'load.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 120_000 })
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!)
    expect(out).toMatchObject({ before: 1000, after: 1000, errors: 0, listeners: 0 })
    // no timer, socket or handle left behind (the baseline may still hold one from the warm-up)
    expect(out.resources).toBeLessThanOrEqual(0)
    expect(out.heapGrowth).toBeLessThan(0.1)
  }, 150_000)
})
