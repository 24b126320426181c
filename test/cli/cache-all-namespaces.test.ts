/**
 * `unperf cache info|list|verify|prune|clear --all` over every namespace on disk (plugins' and those
 * opened by name, not only the configured ones), and `cache list` reading entries as stored: an
 * expired entry is listed (`--expired` lists only those) and left for `cache prune`; all of them
 * also while the runtime cache is switched off.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin, unperf } from '../helpers/unperf-cli.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

interface Row { namespace: string; key: string; expired: boolean }

/**
 * A project whose last run left entries in five namespaces (two configured, a plugin's, one opened by
 * name). `timeout`: cache.timeout (a remote tier's bound per call).
 */
function fixture(driver: string, timeout = '250ms'): string {
  const dir = tempDir('unperf-cli-cache-all-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cache-all-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: ${driver}, timeout: '${timeout}', ttl: '1h', namespaces: { templates: { ttl: '7d' } } }, plugins: ['./plugin.mjs'], report: { console: false } }`)
  writeFileSync(join(dir, 'plugin.mjs'), `export default { name: 'git-info', async setup({ cache }) { await cache.set('head', 'abc') } }`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', async () => {
      await perf.cache.set('live', 1)
      await perf.cache.namespace('adhoc').set('bin', Buffer.from([0, 1, 2, 255]))
      await perf.cache.set('short', 2, { ttl: 1 })
      await perf.cache.namespace('templates').set('t', 'x')
      await perf.cache.namespace('adhoc').set('k', 'v')
    })
    await perf.close()`)
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)
  return dir
}

/** Each test runs the CLI as child processes, up to six: 30 s and more on a loaded machine. */
const CHILD_RUNS = { timeout: 120_000 }

describe('unperf cache over every namespace', CHILD_RUNS, () => {
  let dir: string
  beforeEach(() => {
    dir = fixture(`'fs'`)
  })

  it('list shows every namespace and expired entries without removing them; --expired only those', () => {
    const rows = unperf(dir, 'cache', 'list', '--json').json() as Row[]
    expect(rows.map(r => `${r.namespace}/${r.key}`).sort()).toEqual(['adhoc/bin', 'adhoc/k', 'default/live', 'default/short', 'plugin:git-info/head', 'templates/t'])
    expect(rows.find(r => r.key === 'short')!.expired).toBe(true)
    for (let i = 0; i < 2; i++) {
      // listed twice: listing removed nothing
      expect((unperf(dir, 'cache', 'list', '--expired', '--json').json() as Row[]).map(r => r.key)).toEqual(['short'])
    }
    expect(unperf(dir, 'cache', 'prune', '--json').json().removed).toBeGreaterThanOrEqual(1)
    expect(unperf(dir, 'cache', 'list', '--expired', '--json').json()).toEqual([])
    expect(unperf(dir, 'cache', 'get', 'live').stdout.trim()).toBe('1')
  })

  it("info gives every namespace on disk its own row (plugins', opened by name): no '(other namespaces)' left", () => {
    const info = unperf(dir, 'cache', 'info', '--json').json() as { namespaces: { namespace: string; entries: number }[]; total: { entries: number } }
    const rows = Object.fromEntries(info.namespaces.map(r => [r.namespace, r.entries]))
    expect(rows).toMatchObject({ 'default': 2, 'adhoc': 2, 'templates': 1, 'plugin:git-info': 1 })
    expect(info.total.entries).toBe(6)
    expect(info.namespaces.reduce((a, r) => a + r.entries, 0)).toBe(6)
    expect(unperf(dir, 'cache', 'info').stdout).not.toContain('(other namespaces)')
  })

  it('get writes a binary value as its bytes', () => {
    const r = spawnSync(process.execPath, [bin, 'cache', 'get', 'bin', '--namespace', 'adhoc'], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status).toBe(0)
    expect([...r.stdout]).toEqual([0, 1, 2, 255])
  })

  it.skipIf(!existsSync('/usr/bin/script'))('clear asks on a terminal with --json too (the question on stderr): no answer, nothing cleared', () => {
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} cache clear --all --json`
    // util-linux script(1) runs the command on a pseudo-terminal fed from our stdin
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, input: 'n\n', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.stdout).toContain('Clear every namespace? [y/N]')
    expect(r.stdout).toContain('"cancelled": true')
    expect(unperf(dir, 'cache', 'list', '--json').json()).toHaveLength(6)
  })

  it('clear --all empties every namespace on disk, the plugins\' and the ad-hoc ones included', () => {
    const r = unperf(dir, 'cache', 'clear', '--all', '--yes', '--json')
    expect(r.code).toBe(0)
    expect(r.json()).toEqual({ removed: 6 })
    expect(unperf(dir, 'cache', 'list', '--json').json()).toEqual([])
    expect(unperf(dir, 'cache', 'info', '--json').json().total).toMatchObject({ entries: 0, bytes: 0 })
  })

  it('works on what is stored while the runtime cache is off (UNPERF_CACHE=0, cache.enabled: false)', () => {
    const off = (...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), UNPERF_CACHE: '0' } })
      return { code: r.status, json: () => JSON.parse(r.stdout) }
    }
    const info = off('cache', 'info', '--json').json()
    expect(info.enabled).toBe(false)
    expect(info.total.entries).toBe(6)
    expect(off('cache', 'verify', '--json').json().checked).toBe(6)
    expect(off('cache', 'clear', '--all', '--yes', '--json').json()).toEqual({ removed: 6 })
    expect(unperf(dir, 'cache', 'list', '--json').json()).toEqual([])
  })

  it("verify checks a plugin's namespace too: a corrupt entry there exits 1", () => {
    const files = spawnSync('sh', ['-c', `find ${join(dir, '.xdg')} -name 'head.e'`], { encoding: 'utf8' }).stdout.trim().split('\n')
    expect(files).toHaveLength(1)
    writeFileSync(files[0]!, 'garbage')
    const r = unperf(dir, 'cache', 'verify', '--json')
    expect(r.code).toBe(1)
    expect(r.json()).toMatchObject({ checked: 6, corrupt: 1, removed: 1 })
  })
})

describeRedis('unperf cache over every namespace stored only in redis', CHILD_RUNS, () => {
  it("list, info and clear --all reach the plugin's and the ad-hoc namespaces that only redis holds", () => {
    // not a test of the timeout: a loaded machine (load 15 and more) took longer than 250 ms for a call,
    // and than the 1 s a listing's first PING gets (max(timeout, 1 s): connecting, ioredis imported
    // in it), and the namespaces only redis holds went unlisted (with a warning)
    const dir = fixture(JSON.stringify({ driver: 'redis', url: redisUrl }), '5s')
    // redis expired 'short' itself (PX = its ttl)
    const rows = unperf(dir, 'cache', 'list', '--json').json() as Row[]
    expect(rows.map(r => `${r.namespace}/${r.key}`).sort()).toEqual(['adhoc/bin', 'adhoc/k', 'default/live', 'plugin:git-info/head', 'templates/t'])
    const info = unperf(dir, 'cache', 'info', '--json').json() as { namespaces: { namespace: string; entries: number }[] }
    expect(Object.fromEntries(info.namespaces.map(r => [r.namespace, r.entries]))).toMatchObject({ 'default': 1, 'adhoc': 2, 'templates': 1, 'plugin:git-info': 1 })
    expect(unperf(dir, 'cache', 'clear', '--all', '--yes', '--json').json()).toEqual({ removed: 5 })
    expect(unperf(dir, 'cache', 'list', '--json').json()).toEqual([])
  })
})

