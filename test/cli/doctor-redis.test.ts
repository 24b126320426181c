/**
 * `unperf doctor` checks every Redis the config uses, not only the root cache tiers: a namespace's
 * own driver and report.historyDriver too, each named by its key path, credentials redacted.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')

describe('unperf doctor and redis', () => {
  it("reports an unreachable redis of a namespace's driver and of report.historyDriver (exit 1)", () => {
    const dir = tempDir('unperf-doctor-redis-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default {
      cache: { driver: 'fs', namespaces: { http: { driver: { driver: 'redis', url: 'redis://127.0.0.1:1' } }, plain: { ttl: '1h' } } },
      report: { historyDriver: { driver: 'redis', url: 'redis://user:s3cret@127.0.0.1:2/0' } },
    }`)
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 60_000 })
    expect(r.status).toBe(1)
    const redis = (JSON.parse(r.stdout).checks as { check: string; ok: boolean; detail: string }[]).filter(c => c.check === 'redis')
    expect(redis).toHaveLength(2)
    expect(redis.every(c => !c.ok)).toBe(true)
    expect(redis[0]!.detail).toContain('(cache.namespaces.http.driver)')
    expect(redis[1]!.detail).toContain('(report.historyDriver)')
    expect(r.stdout).not.toContain('s3cret')
  })
  it('names the tier in a tier list and says why the connection failed (not "max retries per request")', () => {
    const dir = tempDir('unperf-doctor-redis-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: ['memory', { driver: 'redis', url: 'redis://:s3cret@127.0.0.1:1' }] } }`)
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 60_000 })
    expect(r.status).toBe(1)
    const redis = (JSON.parse(r.stdout).checks as { check: string; ok: boolean; detail: string }[]).filter(c => c.check === 'redis')
    expect(redis).toHaveLength(1)
    expect(redis[0]!.ok).toBe(false)
    expect(redis[0]!.detail).toContain('(cache.driver[1])')
    expect(redis[0]!.detail).toContain('ECONNREFUSED')
    expect(redis[0]!.detail).not.toContain('max retries')
    expect(r.stdout).not.toContain('s3cret')
  })
  it('names a tier given by host and port with both when it fails, as when it answers (not the host alone)', () => {
    const dir = tempDir('unperf-doctor-redis-host-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: ['memory', { driver: 'redis', host: '127.0.0.1', port: 1, password: 's3cret' }] } }`)
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 60_000 })
    expect(r.status).toBe(1)
    const redis = (JSON.parse(r.stdout).checks as { check: string; detail: string }[]).filter(c => c.check === 'redis')
    expect(redis.map(c => c.detail)).toEqual([expect.stringMatching(/^127\.0\.0\.1:1 \(cache\.driver\[1\]\): connect ECONNREFUSED 127\.0\.0\.1:1$/)])
    expect(r.stdout).not.toContain('s3cret')
  })
  it('names a tier, a namespace tier and a historyDriver written in an env block where they are written ($env.ci.cache.driver[2])', () => {
    const dir = tempDir('unperf-doctor-redis-env-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default {
      cache: { driver: 'fs', namespaces: { http: { driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:1/1' }] } } },
      $env: { ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: 'redis://127.0.0.1:1' }] } } },
      $development: { report: { historyDriver: { driver: 'redis', url: 'redis://127.0.0.1:1/2' } } },
    }`)
    const details = (env: string) => {
      const r = spawnSync(process.execPath, [bin, 'doctor', '--json', '--env', env], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 60_000 })
      expect(r.status).toBe(1)
      return (JSON.parse(r.stdout).checks as { check: string; detail: string }[]).filter(c => c.check === 'redis').map(c => c.detail)
    }
    const ci = details('ci')
    expect(ci).toHaveLength(2)
    expect(ci[0]).toContain('($env.ci.cache.driver[2])')
    expect(ci[1]).toContain('(cache.namespaces.http.driver[1])')
    const dev = details('development')
    expect(dev).toHaveLength(2)
    expect(dev[1]).toContain('($development.report.historyDriver)')
  })
})

describeRedis('unperf doctor on a loaded machine', () => {
  it('a healthy redis passes when importing ioredis takes longer than the 2 s check (the bound is the answer\'s)', () => {
    const dir = tempDir('unperf-doctor-slow-import-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-slow', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: ['memory', { driver: 'redis', url: ${JSON.stringify(redisUrl)} }] } }`)
    const slowIoredis = join(import.meta.dirname, '../report/fixtures/slow-ioredis.mjs')
    const r = spawnSync(process.execPath, ['--import', slowIoredis, bin, 'doctor', '--json'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), SLOW_IOREDIS_MS: '2500' }, timeout: 60_000,
    })
    const redis = (JSON.parse(r.stdout).checks as { check: string; ok: boolean; detail: string }[]).filter(c => c.check === 'redis')
    expect(redis).toHaveLength(1)
    expect(redis[0]!.detail).not.toContain('no answer within 2 s')
    expect(redis[0]!.ok, redis[0]!.detail).toBe(true)
  }, 60_000)
})

describeRedis('unperf doctor and a rediss:// url on a plain port', () => {
  it('says the TLS handshake did not finish, as the tier\'s warning does (not only "no answer within 2 s")', () => {
    const dir = tempDir('unperf-doctor-tls-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-tls', version: '1.0.0', type: 'module' }))
    const url = redisUrl!.replace(/^redis:\/\//, 'rediss://:s3cret@')
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: ['memory', { driver: 'redis', url: ${JSON.stringify(url)} }] } }`)
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 60_000 })
    expect(r.status).toBe(1)
    const redis = (JSON.parse(r.stdout).checks as { check: string; ok: boolean; detail: string }[]).filter(c => c.check === 'redis')
    expect(redis).toHaveLength(1)
    expect(redis[0]!.detail).toMatch(/no answer within 2 s: the TLS handshake with 127\.0\.0\.1:\d+ did not finish \(does that port speak TLS\?\)/)
    expect(r.stdout).not.toContain('s3cret')
  }, 60_000)
})
