import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MonitorSample } from '../../src/hooks/types.js'
import { createMetricsRegistry } from '../../src/runtime/metrics/registry.js'
import { startMonitors } from '../../src/runtime/monitors/index.js'
import { tempDir } from '../helpers/tmp.js'
import { family, parsePrometheus } from '../metrics/_prom.js'
import { emptySources, monitorContext } from './_config.js'

describe('startMonitors', () => {
  it('samples event loop (ms), memory (bytes), cpu (percent), gc and handles', async () => {
    const ctx = monitorContext()
    const monitor = startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources())
    await new Promise(r => setTimeout(r, 50))
    const s = monitor.sample()
    expect(s.time).toBeGreaterThan(Date.now() - 5000)
    expect(s.eventLoop).toEqual({ p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number), mean: expect.any(Number), utilization: expect.any(Number) })
    expect(s.eventLoop!.p99).toBeGreaterThanOrEqual(s.eventLoop!.p50)
    expect(s.eventLoop!.utilization).toBeGreaterThanOrEqual(0)
    expect(s.eventLoop!.utilization).toBeLessThanOrEqual(1)
    expect(s.memory!.rss).toBeGreaterThan(1_000_000)
    expect(s.cpu!.percent).toBeGreaterThanOrEqual(0)
    expect(s.gc).toEqual({ count: expect.any(Number), pause: expect.any(Number) })
    expect(s.handles!.active).toBeGreaterThanOrEqual(0)
    expect(monitor.samples).toBe(1)
    expect(monitor.last).toBe(s)
    await monitor.stop()
    await monitor.stop() // idempotent
  })

  it('event loop delay is the lateness of the loop: a 300 ms block shows in max and p99', async () => {
    const monitor = startMonitors(monitorContext({ gc: false }), createMetricsRegistry('a', emptySources()), emptySources())
    monitor.sample()
    await new Promise(r => setTimeout(r, 60))
    const end = Date.now() + 300
    while (Date.now() < end) { /* block the loop */ }
    await new Promise(r => setTimeout(r, 60))
    const s = monitor.sample()
    expect(s.eventLoop!.max).toBeGreaterThanOrEqual(250)
    expect(s.eventLoop!.max).toBeLessThan(2000)
    expect(s.eventLoop!.p99).toBeGreaterThanOrEqual(250)
    expect(s.eventLoop!.utilization).toBeGreaterThan(0.5)
    await monitor.stop()
  })

  it('disabled samplers are absent from the sample', async () => {
    const monitor = startMonitors(monitorContext({ eventLoop: false, cpu: false, gc: false, memory: false }), createMetricsRegistry('a', emptySources()), emptySources())
    const s = monitor.sample()
    expect(Object.keys(s).sort()).toEqual(['handles', 'time'])
    await monitor.stop()
  })

  it("emits monitor:sample every interval to listeners and records GC pauses into nodejs_gc_duration_seconds", async () => {
    const ctx = monitorContext({ interval: 20 })
    const seen: MonitorSample[] = []
    ctx.hooks.hook('monitor:sample', s => { seen.push(s) })
    const metrics = createMetricsRegistry('acme', emptySources())
    const monitor = startMonitors(ctx, metrics, emptySources())
    const deadline = Date.now() + 5000
    let junk: unknown[] = []
    // allocate until a few samples are in and at least one GC happened (a minor GC needs a few MB)
    while ((seen.length < 3 || seen.every(s => s.gc!.count === 0)) && Date.now() < deadline) {
      for (let i = 0; i < 20_000; i++) junk.push({ i, s: `x${i}`.repeat(10) })
      junk = []
      await new Promise(r => setTimeout(r, 10))
    }
    await monitor.stop()
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(seen.reduce((n, s) => n + s.gc!.count, 0)).toBeGreaterThan(0)
    expect(family(parsePrometheus(metrics.expose()), 'nodejs_gc_duration_seconds').type).toBe('HISTOGRAM')
  })

  it('{ file } writes the exposition atomically every interval and at stop', async () => {
    const dir = tempDir()
    const file = join(dir, 'sub', 'acme.prom')
    const metrics = createMetricsRegistry('acme', emptySources())
    metrics.gauge('ready', 'Ready.').set(1)
    const monitor = startMonitors(monitorContext({ interval: 20, prometheus: { file } }), metrics, emptySources())
    const deadline = Date.now() + 5000
    while (!existsSync(file) && Date.now() < deadline) await new Promise(r => setTimeout(r, 10))
    expect(family(parsePrometheus(readFileSync(file, 'utf8')), 'acme_ready').metrics[0]!.value).toBe('1')
    metrics.gauge('ready', 'Ready.').set(2)
    await monitor.stop()
    expect(family(parsePrometheus(readFileSync(file, 'utf8')), 'acme_ready').metrics[0]!.value).toBe('2')
    expect(readdirSync(join(dir, 'sub')).filter(f => f.endsWith('.tmp'))).toEqual([]) // no temp file left
  })

  it('{ file }: stop() resolves once an interval write still in flight has removed its temp file', async () => {
    // it dropped its text (stop() wrote the last one) but unlinked its temp file later, after stop()
    // had resolved: a CLI exiting then left a .tmp in the textfile dir (115 of 150 stops here)
    let left = 0
    for (let i = 0; i < 30; i++) {
      const dir = tempDir()
      const metrics = createMetricsRegistry('acme', emptySources())
      const monitor = startMonitors(monitorContext({ interval: 1, prometheus: { file: join(dir, 'acme.prom') } }), metrics, emptySources())
      await new Promise(r => setTimeout(r, i % 5))
      await monitor.stop()
      left += readdirSync(dir).filter(f => f.endsWith('.tmp')).length
    }
    expect(left).toBe(0)
  })

  it('a relative { file } is against the project cwd', async () => {
    const dir = tempDir()
    const ctx = monitorContext({ prometheus: { file: 'out/acme.prom' } })
    ;(ctx.config as { cwd: string }).cwd = dir
    await startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources()).stop()
    expect(existsSync(join(dir, 'out', 'acme.prom'))).toBe(true)
  })

  it('{ pushgateway } PUTs the metrics to /metrics/job/<job> at stop; a failing gateway only warns', async () => {
    const received: { method?: string; url?: string; type?: string; body: string }[] = []
    const gateway = createServer((req, res) => {
      let body = ''
      req.on('data', d => { body += d })
      req.on('end', () => { received.push({ method: req.method, url: req.url, type: req.headers['content-type'], body }); res.writeHead(200).end() })
    })
    await new Promise<void>(r => gateway.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
    try {
      const metrics = createMetricsRegistry('acme', emptySources())
      metrics.counter('runs', 'Runs.').inc()
      const monitor = startMonitors(monitorContext({ prometheus: { pushgateway: `${url}/`, job: 'nightly build', grouping: {} } }), metrics, emptySources())
      await monitor.stop()
      expect(received).toHaveLength(1)
      expect(received[0]).toMatchObject({ method: 'PUT', url: '/metrics/job/nightly%20build', type: 'text/plain; version=0.0.4; charset=utf-8' })
      expect(family(parsePrometheus(received[0]!.body), 'acme_runs_total').metrics[0]!.value).toBe('1')

      const ctx = monitorContext({ prometheus: { pushgateway: 'http://127.0.0.1:1', job: 'x', grouping: {} } })
      await startMonitors(ctx, metrics, emptySources()).stop()
      expect(ctx.warnings.join('\n')).toMatch(/push to http:\/\/127\.0\.0\.1:1 failed/)
    } finally {
      gateway.close()
    }
  })

  it('{ pushgateway } with credentials in the url pushes with Basic auth (fetch refuses such a url) and warns without them', async () => {
    const received: { url?: string; auth?: string }[] = []
    const gateway = createServer((req, res) => {
      req.resume()
      req.on('end', () => { received.push({ url: req.url, auth: req.headers.authorization }); res.writeHead(req.headers.authorization ? 200 : 401).end() })
    })
    await new Promise<void>(r => gateway.listen(0, '127.0.0.1', r))
    const port = (gateway.address() as AddressInfo).port
    try {
      const metrics = createMetricsRegistry('acme', emptySources())
      const ctx = monitorContext({ prometheus: { pushgateway: `http://bot:p%40ss-secret9@127.0.0.1:${port}/base/`, job: 'ci', grouping: {} } })
      await startMonitors(ctx, metrics, emptySources()).stop()
      expect(ctx.warnings).toEqual([])
      expect(received).toEqual([{ url: '/base/metrics/job/ci', auth: `Basic ${Buffer.from('bot:p@ss-secret9').toString('base64')}` }])
    } finally {
      gateway.close()
    }
  })

  it('a port in use warns instead of crashing the host CLI', async () => {
    const blocker = createServer()
    await new Promise<void>(r => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as AddressInfo).port
    try {
      const ctx = monitorContext({ prometheus: { port, host: '127.0.0.1', path: '/metrics' } })
      const monitor = startMonitors(ctx, createMetricsRegistry('a', emptySources()), emptySources())
      expect(await monitor.server!.listening).toBeUndefined()
      expect(ctx.warnings.join('\n')).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/)
      await monitor.stop()
    } finally {
      blocker.close()
    }
  })

  it('system: true adds host metrics from systeminformation, refreshed off the sampling path', async () => {
    const ctx = monitorContext({ system: true, alerts: { 'system.memory.total': { below: 1, for: 0 } } })
    const monitor = startMonitors(ctx, createMetricsRegistry('a', emptySources()), emptySources())
    expect(monitor.sample().system).toBeUndefined() // first refresh still running: the sample does not wait
    await monitor.ready()
    const s = monitor.sample()
    expect(s.system).toMatchObject({ load: { percent: expect.any(Number) }, memory: { total: expect.any(Number) }, disk: { usedPercent: expect.any(Number) }, network: { rxSec: expect.any(Number) } })
    expect((s.system as { memory: { total: number } }).memory.total).toBeGreaterThan(0)
    await monitor.stop()
    expect(ctx.warnings).toEqual([])
  }, 20_000)
})

describe('system: true and a short CLI', () => {
  it('leaves no ref\'d timer after close(): the process exits when its work is done, not 500 ms later', async () => {
    const { spawnSync } = await import('node:child_process')
    const dist = new URL('../../dist/index.mjs', import.meta.url).href
    const dir = tempDir('unperf-monitor-system-')
    const script = `import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'sys', monitors: { interval: 100, system: true }, report: { console: false } } })
      await perf.run('x', () => new Promise(r => setTimeout(r, 150)))
      await perf.close()
      const t0 = performance.now()
      process.on('exit', () => console.log(JSON.stringify({ left: process.getActiveResourcesInfo().filter(r => r !== 'TTYWrap'), lingered: performance.now() - t0 })))
      console.log(JSON.stringify({ handles: process.getActiveResourcesInfo().filter(r => r === 'Timeout') }))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 20_000 })
    expect(r.status, r.stderr).toBe(0)
    const [handles] = r.stdout.trim().split('\n').map(line => JSON.parse(line) as { handles?: string[] })
    expect(handles!.handles).toEqual([]) // systeminformation's first currentLoad() held a ref'd 500 ms timer here
  }, 30_000)
})

describe('{ file } under umask 000', () => {
  it('creates its dirs 0755 and the file 0644, never world-writable', async () => {
    const { spawnSync } = await import('node:child_process')
    const { statSync } = await import('node:fs')
    const dist = new URL('../../dist/index.mjs', import.meta.url).href
    const dir = tempDir('unperf-monitor-file-')
    const script = `import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'tf', monitors: { interval: 50, prometheus: { file: 'm/sub/metrics.prom' } }, report: { console: false } } })
      await perf.run('x', () => new Promise(r => setTimeout(r, 200)))
      await perf.close()`
    const r = spawnSync('sh', ['-c', `umask 000 && exec "${process.execPath}" --input-type=module -e "$SCRIPT"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, SCRIPT: script, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 20_000 })
    expect(r.status, r.stderr).toBe(0)
    const mode = (p: string) => (statSync(join(dir, p)).mode & 0o777).toString(8)
    expect([mode('m'), mode('m/sub'), mode('m/sub/metrics.prom')]).toEqual(['755', '755', '644'])
    expect(readdirSync(join(dir, 'm/sub'))).toEqual(['metrics.prom'])
  }, 30_000)
})

describe('{ file } under umask 077', () => {
  // a hardened host or a systemd unit's UMask=0077: node_exporter (another user) must still read the file
  it('still makes its dirs 0755 and the file 0644, in the interval writes and the one at exit', async () => {
    const { spawnSync } = await import('node:child_process')
    const { statSync } = await import('node:fs')
    const dist = new URL('../../dist/index.mjs', import.meta.url).href
    const dir = tempDir('unperf-monitor-file-077-')
    const script = `import { createPerf } from ${JSON.stringify(dist)}
      import { existsSync, statSync } from 'node:fs'
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'tf', monitors: { interval: 50, prometheus: { file: 'm/sub/metrics.prom' } }, report: { console: false } } })
      // until an interval write has made it (a loaded machine can delay the first past any fixed wait)
      await perf.run('x', async () => { for (let i = 0; i < 500 && !existsSync('m/sub/metrics.prom'); i++) await new Promise(r => setTimeout(r, 20)) })
      console.log((statSync('m/sub/metrics.prom').mode & 0o777).toString(8))
      await perf.close()`
    const r = spawnSync('sh', ['-c', `umask 077 && exec "${process.execPath}" --input-type=module -e "$SCRIPT"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, SCRIPT: script, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 20_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe('644') // written by the interval timer
    const mode = (p: string) => (statSync(join(dir, p)).mode & 0o777).toString(8)
    expect([mode('m'), mode('m/sub'), mode('m/sub/metrics.prom')]).toEqual(['755', '755', '644'])
    expect(readdirSync(join(dir, 'm/sub'))).toEqual(['metrics.prom'])
  }, 30_000)

  it('leaves a dir that was there as it is', async () => {
    const { spawnSync } = await import('node:child_process')
    const { mkdirSync, statSync } = await import('node:fs')
    const dist = new URL('../../dist/index.mjs', import.meta.url).href
    const dir = tempDir('unperf-monitor-file-own-')
    mkdirSync(join(dir, 'private'), { mode: 0o700 })
    const script = `import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'tf', monitors: { interval: 50, prometheus: { file: 'private/metrics.prom' } }, report: { console: false } } })
      await perf.run('x', () => new Promise(r => setTimeout(r, 100)))
      await perf.close()`
    const r = spawnSync('sh', ['-c', `umask 077 && exec "${process.execPath}" --input-type=module -e "$SCRIPT"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, SCRIPT: script, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 20_000 })
    expect(r.status, r.stderr).toBe(0)
    const mode = (p: string) => (statSync(join(dir, p)).mode & 0o777).toString(8)
    expect([mode('private'), mode('private/metrics.prom')]).toEqual(['700', '644'])
  }, 30_000)
})

describe('{ file } at close', () => {
  it('a write still in flight when the monitor stops never lands over the final text', async () => {
    // a short interval and a large text keep an interval write in flight at close(): its rename
    // came after the final synchronous write, and the file a textfile collector keeps serving after
    // the process is gone held the numbers of before the last increment
    const { spawnSync } = await import('node:child_process')
    const dist = new URL('../../dist/index.mjs', import.meta.url).href
    const dir = tempDir('unperf-monitor-file-close-')
    const script = `import { createPerf } from ${JSON.stringify(dist)}
      import { readFileSync } from 'node:fs'
      const out = []
      for (let run = 0; run < 5; run++) {
        const file = 'm/' + run + '.prom'
        const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'tf', monitors: { interval: 5, prometheus: { file } }, report: { console: false } } })
        const big = perf.metrics.gauge('big', 'Many series.', { labelNames: ['i'] })
        for (let i = 0; i < 20000; i++) big.set(i, { i: String(i) })
        const last = perf.metrics.counter('last', 'Counted just before close.')
        await new Promise(r => setTimeout(r, 60 + run * 7))
        last.inc()
        await perf.close()
        await new Promise(r => setTimeout(r, 300))
        out.push(/^tf_last_total 1$/m.test(readFileSync(file, 'utf8')))
      }
      console.log(JSON.stringify(out))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual([true, true, true, true, true])
    expect(readdirSync(join(dir, 'm')).sort()).toEqual(['0.prom', '1.prom', '2.prom', '3.prom', '4.prom'])
  }, 60_000)
})

describe('startup cost', () => {
  it('monitors without a prometheus server never load node:http', async () => {
    const { bundleFixture, runNode } = await import('./_child.js')
    const file = await bundleFixture(new URL('./fixtures/no-http.ts', import.meta.url).pathname)
    const child = runNode(file)
    expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null })
    expect(JSON.parse(child.stdout())).toMatchObject({ http: false })
  }, 30_000)
})

describe("startMonitors: an interval past setInterval's limit ('30d')", () => {
  it('samples as rarely as a timer can (24.8 days), not every 1 ms with a TimeoutOverflowWarning', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => { warnings.push(w.name) }
    process.on('warning', onWarning)
    const ctx = monitorContext({ interval: 30 * 24 * 3600 * 1000, gc: false })
    let samples = 0
    ctx.hooks.hook('monitor:sample', () => { samples++ })
    const monitor = startMonitors(ctx, createMetricsRegistry('acme', emptySources()), emptySources())
    try {
      await new Promise(r => setTimeout(r, 100))
      await new Promise(r => setImmediate(r))
      expect(samples).toBe(0) // every 1 ms: ~100 by now
      expect(warnings).not.toContain('TimeoutOverflowWarning')
    } finally {
      process.off('warning', onWarning)
      await monitor.stop()
    }
  })
})
