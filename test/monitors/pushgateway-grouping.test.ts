/**
 * monitors.prometheus.grouping: the labels of the pushgateway's group key beside `job`. A push
 * replaces its group, so a fleet of CI machines pushing one job without them overwrote each other's
 * runs (the last machine's push was all the pushgateway kept).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { resolvePerfConfig } from '../../src/config/resolve.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

async function gateway() {
  const received: { method?: string; url?: string; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', d => { body += d })
    req.on('end', () => { received.push({ method: req.method, url: req.url, body }); res.writeHead(200).end() })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise(r => server.close(r)) }
}

describe('pushgateway grouping', () => {
  it('machines of a fleet push to groups of their own (job + grouping labels in the path, slashes base64url)', async () => {
    const gw = await gateway()
    try {
      // async: the gateway answers from this process
      const machine = async (instance: string) => {
        const dir = tempDir('unperf-push-group-')
        mkdirSync(join(dir, 'node_modules'))
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fleet-push', version: '1.0.0', type: 'module' }))
        writeFileSync(join(dir, 'perf.config.mjs'), `export default {
          cache: { driver: 'memory' }, report: { console: false },
          monitors: { prometheus: { pushgateway: ${JSON.stringify(gw.url)}, grouping: { instance: process.env.RUNNER, branch: 'feat/x' } } } }`)
        writeFileSync(join(dir, 'app.mjs'), `
          import { createPerf } from ${JSON.stringify(dist)}
          const perf = await createPerf()
          await perf.run('build', () => {})
          await perf.close()`)
        const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), RUNNER: instance }
        const r = await new Promise<{ code: number | null; stderr: string }>(resolve => {
          execFile(process.execPath, ['app.mjs'], { cwd: dir, env, timeout: 30_000 }, (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) ?? 1 : 0, stderr }))
        })
        expect(r.code, r.stderr).toBe(0)
        expect(r.stderr).not.toMatch(/push/)
      }
      await machine('runner-1')
      await machine('runner-2')
      const branch = `branch@base64/${Buffer.from('feat/x').toString('base64url')}`
      expect(gw.received.map(r => [r.method, r.url])).toEqual([
        ['PUT', `/metrics/job/fleet-push/instance/runner-1/${branch}`],
        ['PUT', `/metrics/job/fleet-push/instance/runner-2/${branch}`],
      ])
      for (const r of gw.received) expect(r.body).toMatch(/^fleet_push_commands_total\{command="build",status="ok"\} 1$/m)
    } finally {
      await gw.close()
    }
  }, 60_000)

  it("a grouping label that is not a label name, or is 'job', is a config error naming its key path", () => {
    const { issues } = resolvePerfConfig(
      { monitors: { prometheus: { pushgateway: 'http://127.0.0.1:9091', grouping: { job: 'x', 'bad-name': 'y', __meta: 'z', ok: 'fine' } } } } as never,
      { rootDir: '/tmp', cwd: '/tmp', env: 'test', configFile: undefined, hostName: 'acme', hostVersion: '1.0.0', fileFor: () => 'perf.config.ts' } as never,
    )
    expect(issues.map(i => i.message)).toEqual([
      "perf.config.ts: monitors.prometheus.grouping.job: expected a label other than 'job' (set monitors.prometheus.job), got 'job'",
      "perf.config.ts: monitors.prometheus.grouping['bad-name']: expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got 'bad-name'",
      'perf.config.ts: monitors.prometheus.grouping.__meta: expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got \'__meta\'',
    ])
  })

  it('a grouping value from an unset variable is a config error, not a label left out (machines would share a group again)', async () => {
    const dir = tempDir('unperf-push-group-unset-')
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { monitors: { prometheus: { pushgateway: 'http://127.0.0.1:9091', grouping: { instance: process.env.UNPERF_TEST_UNSET_RUNNER } } } }`)
    await expect(loadPerfConfig({ cwd: dir })).rejects.toThrow('perf.config.mjs:1:94: monitors.prometheus.grouping.instance: expected a string, got undefined')
  })
})
