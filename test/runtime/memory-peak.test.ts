/**
 * A command's memoryPeak is the process's high-water mark when the command raised it: a spike far
 * shorter than any sampling interval (allocated, touched and freed within a few ms) is still its peak.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('memoryPeak', () => {
  it("holds a spike shorter than the sampler's 50 ms, freed before the command ends", () => {
    const dir = tempDir('unperf-peak-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'peak', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { report: { console: false, dir: './.perf' } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      let endRss = 0
      await perf.run('spike', async () => {
        let big = new Uint8Array(256 * 1024 * 1024).fill(1) // 256 MiB touched, then dropped
        big = undefined
        globalThis.gc()
        await new Promise(resolve => setImmediate(resolve))
        endRss = process.memoryUsage.rss()
      })
      await perf.close()
      process.stdout.write(JSON.stringify({ endRss }))`)
    const r = spawnSync(process.execPath, ['--expose-gc', 'app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    const { endRss } = JSON.parse(r.stdout) as { endRss: number }
    const report = JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as { commands: { memoryPeak: number }[]; memory: { peakRss: number } }
    expect(endRss).toBeLessThan(200 * 1024 * 1024) // the spike is gone when the command ends
    expect(report.commands[0]!.memoryPeak).toBeGreaterThan(256 * 1024 * 1024)
    expect(report.memory.peakRss).toBeGreaterThanOrEqual(report.commands[0]!.memoryPeak)
  })
})
