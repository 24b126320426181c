/**
 * monitors.prometheus values the schema lets through but that could not work as meant: each is a
 * config error naming its key, at load, not a server that listens everywhere, answers 404 to every
 * scrape, or a push that fails at the end of the run.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import type { ConfigError } from '../../src/errors.js'
import { tempDir } from '../helpers/tmp.js'

async function issuesOf(prometheus: unknown): Promise<string[]> {
  const dir = tempDir()
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { monitors: { prometheus: ${JSON.stringify(prometheus)} } }`)
  // the key's line:col (error-positions.test.ts) left out
  return loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => [], (e: ConfigError) => e.issues.map(i => i.message.replace(/^perf\.config\.mjs:\d+:\d+:/, 'perf.config.mjs:')))
}

describe('monitors.prometheus checks at load', () => {
  it("an empty host (node would listen on every interface), a path without '/' or on /healthz", async () => {
    expect(await issuesOf({ port: 9464, host: '' })).toEqual([
      "perf.config.mjs: monitors.prometheus.host: expected a host to listen on ('127.0.0.1'; '0.0.0.0' for every interface, said explicitly), got ''",
    ])
    expect(await issuesOf({ port: 9464, path: 'metrics' })).toEqual([
      "perf.config.mjs: monitors.prometheus.path: expected a path starting with '/' ('/metrics'), got 'metrics'",
    ])
    expect(await issuesOf({ port: 9464, path: '/healthz' })).toEqual([
      "perf.config.mjs: monitors.prometheus.path: expected a path other than '/healthz' (the health endpoint's), got '/healthz'",
    ])
    expect(await issuesOf({ port: 9464, host: '0.0.0.0', path: '/custom/metrics' })).toEqual([])
  })

  it('a pushgateway that is not an http(s) url, its credentials never shown', async () => {
    expect(await issuesOf({ pushgateway: 'pushgateway:9091' })).toEqual([
      "perf.config.mjs: monitors.prometheus.pushgateway: expected an http:// or https:// url ('http://pushgateway:9091'), got a url with the scheme 'pushgateway:' (rest not shown)",
    ])
    const [issue] = await issuesOf({ pushgateway: 'ftp://user:s3cret@push.example' })
    expect(issue).not.toContain('s3cret')
    expect(issue).toBe("perf.config.mjs: monitors.prometheus.pushgateway: expected an http:// or https:// url ('http://pushgateway:9091'), got a url with the scheme 'ftp:' (rest not shown)")
    expect(await issuesOf({ pushgateway: 'not a url' })).toEqual([
      "perf.config.mjs: monitors.prometheus.pushgateway: expected an http:// or https:// url ('http://pushgateway:9091'), got an unparsable url (not shown)",
    ])
    expect(await issuesOf({ pushgateway: 'https://user:s3cret@push.example/base' })).toEqual([])
  })
})

describe('monitors.prometheus.pushgateway job', () => {
  it("is the config's name by default, also when it comes from no package.json (it was 'unperf' there, not the name)", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { monitors: { prometheus: { pushgateway: 'http://127.0.0.1:9091' } } }`)
    const config = await loadPerfConfig({ cwd: dir, noSnapshot: true })
    expect(config.monitors.prometheus).toMatchObject({ job: config.name })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
    expect((await loadPerfConfig({ cwd: dir, noSnapshot: true })).monitors.prometheus).toMatchObject({ job: 'acme' })
  })
})
