/**
 * A CLI whose redis tier is unreachable exits promptly after close(): ioredis' disconnect timer
 * (2 s by default) is bounded by the tier's timeout.
 */
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function closedPort(): Promise<number> {
  return new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

describe('an unreachable redis tier', () => {
  it('does not keep the process alive after close()', async () => {
    const dir = tempDir('unperf-redis-exit-')
    const port = await closedPort()
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'redis-exit', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({
      cache: { driver: ['memory', { driver: 'redis', url: `redis://127.0.0.1:${port}/0` }], timeout: 200 },
      report: { console: false },
    }))
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => {
        await perf.cache.set('a', 1)
        if (await perf.cache.get('a') !== 1) throw new Error('the memory tier lost the value')
      })
      await perf.close()
      const closed = performance.now()
      process.on('exit', () => process.stdout.write(String(Math.round(performance.now() - closed))))`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), UNPERF_SILENT: '1' }, timeout: 30_000 })
    expect(r.status, r.stderr).toBe(0)
    // was ~2000 ms (ioredis' default disconnectTimeout); now at most the tier's timeout, plus slack for a loaded machine
    expect(Number(r.stdout)).toBeLessThan(1000)
  })
})
