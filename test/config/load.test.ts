import { existsSync, mkdirSync, readFileSync, writeFileSync, utimesSync, statSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig, loadPerfConfigLayers } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { keyPath } from '../../src/config/key-path.js'
import { pathKeys } from '../../src/config/path-keys.js'
import { PKG, project, withoutNodeModules } from './_fixtures.js'

const TS_CONFIG = `
import { definePerfConfig } from 'unperf/config'
import { helperTtl } from './helper'
export default definePerfConfig({
  cache: { ttl: helperTtl, maxSize: '50MB', namespaces: { git: { ttl: '5m', driver: 'memory' } } },
  budgets: { startup: '250ms', memory: '100MB', files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }] },
  concurrency: { pools: { network: { concurrency: 8, timeout: '10s', retries: 2 } } },
  $development: { cache: { driver: 'memory' } },
  $test: { cache: { enabled: false } },
  $env: { ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: 'redis://127.0.0.1:6379' }] }, budgets: { mode: 'error' } } },
})
`

describe('loadPerfConfig', () => {
  it('finds perf.config.ts, resolves units to numbers, defaults from package.json', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TS_CONFIG, 'helper.ts': `export const helperTtl: string = '2h'\n` })
    const config = await loadPerfConfig({ cwd: dir, env: 'production' })
    expect(config.name).toBe('acme-cli')
    expect(config.version).toBe('1.4.0')
    expect(config.cache.ttl).toBe(2 * 3600_000)
    expect(config.cache.maxSize).toBe(50_000_000)
    expect(config.cache.compress).toBe(4000)
    expect(config.cache.timeout).toBe(250)
    expect(config.cache.tiers).toEqual([{ driver: 'fs', base: config.cache.dir }])
    expect(config.cache.namespaces.git).toMatchObject({ ttl: 300_000, tiers: [{ driver: 'memory' }], maxSize: 50_000_000 })
    expect(config.budgets).toMatchObject({ mode: 'warn', startup: 250, memory: 100_000_000 })
    expect(config.budgets.files).toEqual([{ path: 'dist/*.mjs', limit: 50_000, compression: 'gzip' }])
    expect(config.concurrency.pools.network).toMatchObject({ concurrency: 8, timeout: 10_000, retries: 2 })
    expect(config.configFile).toBe(join(dir, 'perf.config.ts'))
    expect(config.cwd).toBe(dir)
    expect(config.rootDir).toBe(dir)
  })

  it("keeps cache.driver in the resolved config, as the contract's example writes it: each tier's driver name ('fs' by default)", async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TS_CONFIG, 'helper.ts': `export const helperTtl = '2h'\n` })
    const production = await loadPerfConfig({ cwd: dir, env: 'production' })
    expect(production.cache.driver).toBe('fs')
    expect(production.cache.namespaces.git!.driver).toBe('memory')
    const ci = await loadPerfConfig({ cwd: dir, env: 'ci' })
    expect(ci.cache.driver).toEqual(['memory', 'fs', 'redis'])
    expect(ci.cache.namespaces.git!.driver).toBe('memory')
    const bare = await loadPerfConfig({ cwd: project({ 'package.json': PKG }) })
    expect(bare.cache.driver).toBe('fs')
    const withNs = await loadPerfConfig({ cwd: project({ 'package.json': PKG }), overrides: { cache: { driver: ['memory', 'fs'], namespaces: { t: { ttl: '1h' } } } } })
    expect(withNs.cache.namespaces.t!.driver).toEqual(['memory', 'fs'])
  })

  it('applies $development, $test and $env.<name> for PERF_ENV / NODE_ENV / explicit env', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TS_CONFIG, 'helper.ts': `export const helperTtl = '1h'\n` })
    expect((await loadPerfConfig({ cwd: dir, env: 'development' })).cache.tiers).toEqual([{ driver: 'memory' }])
    expect((await loadPerfConfig({ cwd: dir, env: 'test' })).cache.enabled).toBe(false)
    const ci = await loadPerfConfig({ cwd: dir, env: 'ci' })
    expect(ci.budgets.mode).toBe('error')
    // arrays replace (defu would concatenate): exactly the three tiers
    expect(ci.cache.tiers.map(t => t.driver)).toEqual(['memory', 'fs', 'redis'])
    const prev = process.env.PERF_ENV
    process.env.PERF_ENV = 'development'
    try {
      expect((await loadPerfConfig({ cwd: dir })).env).toBe('development')
    } finally {
      if (prev === undefined) delete process.env.PERF_ENV
      else process.env.PERF_ENV = prev
    }
  })

  it('defaults the environment to production', async () => {
    const dir = project({ 'package.json': PKG })
    const saved = { PERF_ENV: process.env.PERF_ENV, NODE_ENV: process.env.NODE_ENV }
    delete process.env.PERF_ENV
    delete process.env.NODE_ENV
    try {
      expect((await loadPerfConfig({ cwd: dir })).env).toBe('production')
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)))
    }
  })

  it.each([
    ['perf.config.mjs', `export default { cache: { ttl: '3m' } }`],
    ['perf.config.js', `export default { cache: { ttl: '3m' } }`],
    ['perf.config.mts', `export default { cache: { ttl: '3m' as const } }`],
    ['perf.config.json', `{ "cache": { "ttl": "3m" } }`],
    ['.perfrc', `cache.ttl=3m\n`],
  ])('loads %s', async (file, content) => {
    const dir = project({ 'package.json': PKG, [file]: content })
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(180_000)
  })

  it('loads package.json#perf', async () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', perf: { cache: { ttl: '3m' } } }) })
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(180_000)
  })

  it('package.json#perf that is not an object is an error naming package.json and perf, not dropped', async () => {
    for (const perf of [42, 'fast', ['x'], null]) {
      const dir = project({ 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', perf }) })
      const error = await loadPerfConfig({ cwd: dir }).then(() => undefined, (e: unknown) => e)
      expect(error, JSON.stringify(perf)).toBeInstanceOf(ConfigError)
      // at the key's line and column (config-files.test.ts)
      expect((error as ConfigError).message).toMatch(/package\.json:1:\d+: perf: expected an object/)
    }
  })

  it('a key missing in a layer (a redis tier without a url) is named in the layer that wrote its parent, not in an absent perf.config', async () => {
    const redisless = { cache: { driver: ['memory', { driver: 'redis' }] } }
    const errorOf = (dir: string) => loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => new Error('loaded'), (e: Error) => e)
    const fromPkg = project({ 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', perf: redisless }) })
    expect((await errorOf(fromPkg)).message).toContain('package.json#perf: cache.driver[1].url: expected a redis url')
    // beside a perf.config that sets other cache keys: still the layer whose tier it is
    const beside = project({ 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', perf: redisless }), 'perf.config.mjs': `export default { cache: { ttl: '1h' } }` })
    expect((await errorOf(beside)).message).toContain('package.json#perf: cache.driver[1].url: expected a redis url')
    const fromRc = project({ 'package.json': PKG, '.perfrc': JSON.stringify({ report: { historyDriver: { driver: 'redis' } } }) })
    expect((await errorOf(fromRc)).message).toContain('.perfrc:1:12: report.historyDriver.url: expected a redis url')
  })

  it('$<env> and $env[env] both set: merged deep ($env[env] first), as layers merge, on the snapshot fast path as through c12', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default {
      cache: { ttl: '1h', namespaces: { git: { ttl: '1m' } } },
      $development: { cache: { ttl: '9h', namespaces: { git: { sliding: true } } }, budgets: { mode: 'error' } },
      $env: { development: { cache: { maxSize: '1MB', namespaces: { git: { ttl: '2m' } } } } },
    }` })
    for (const loader of ['c12', 'snapshot']) {
      const config = await loadPerfConfig({ cwd: dir, env: 'development' })
      // $development's cache.ttl was dropped: c12 spreads the blocks, and $env.development has a cache key too
      expect({ loader, ttl: config.cache.ttl, maxSize: config.cache.maxSize, mode: config.budgets.mode, git: [config.cache.namespaces.git!.ttl, config.cache.namespaces.git!.sliding] })
        .toEqual({ loader, ttl: 9 * 3_600_000, maxSize: 1_000_000, mode: 'error', git: [120_000, true] })
    }
    expect((await loadPerfConfigLayers({ cwd: dir, env: 'development' })).loader).toBe('snapshot')
    // a problem in either block is still named where it is written
    const bad = project({ 'package.json': PKG, 'perf.config.ts': `export default { $development: { cache: { ttl: 0 } }, $env: { development: { cache: { maxSize: '1MB' } } } }` })
    await expect(loadPerfConfig({ cwd: bad, env: 'development', noSnapshot: true })).rejects.toThrow(/\$development\.cache\.ttl: expected a duration greater than 0/)
  })

  it('applies environment blocks in .perfrc and package.json#perf too', async () => {
    const pkg = JSON.stringify({ name: 'x', version: '1.0.0', perf: { cache: { ttl: '3h' }, $development: { cache: { ttl: '5h' } }, $env: { ci: { cache: { maxSize: '1MB' } } } } })
    const fromPkg = project({ 'package.json': pkg })
    expect((await loadPerfConfig({ cwd: fromPkg, env: 'development' })).cache.ttl).toBe(5 * 3_600_000)
    expect((await loadPerfConfig({ cwd: fromPkg, env: 'ci' })).cache.maxSize).toBe(1_000_000)
    expect((await loadPerfConfig({ cwd: fromPkg, env: 'production' })).cache.ttl).toBe(3 * 3_600_000)
    const fromRc = project({ 'package.json': PKG, '.perfrc': `cache.ttl=3m\n$test.cache.ttl=7m\n` })
    expect((await loadPerfConfig({ cwd: fromRc, env: 'test' })).cache.ttl).toBe(7 * 60_000)
    expect((await loadPerfConfig({ cwd: fromRc, env: 'production' })).cache.ttl).toBe(3 * 60_000)
  })

  it('never creates a node_modules in a project that has none: the snapshot and jiti\'s copy go to the platform cache dir', async () => {
    await withoutNodeModules({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '3m' } }` }, async (dir, xdg) => {
      expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('c12')
      const warm = await loadPerfConfigLayers({ cwd: dir })
      expect(warm.loader).toBe('snapshot')
      expect(warm.config.cache.ttl).toBe(180_000)
      expect(existsSync(join(dir, 'node_modules'))).toBe(false)
      const snapshots = join(xdg, 'unperf', 'config-snapshots')
      expect(readdirSync(snapshots).length).toBeGreaterThan(0)
      // one per project without node_modules: those not refreshed for 30 days go at the next snapshot built there
      mkdirSync(join(snapshots, 'gone-project'))
      mkdirSync(join(snapshots, 'recent-project'))
      const old = new Date(Date.now() - 31 * 86_400_000)
      utimesSync(join(snapshots, 'gone-project'), old, old)
      writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { ttl: '4m' } }`)
      expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(240_000)
      expect(readdirSync(snapshots)).not.toContain('gone-project')
      expect(readdirSync(snapshots)).toContain('recent-project')
    })
  })

  it('supports extends, the project overriding the preset', async () => {
    const dir = project({
      'package.json': PKG,
      'presets/base.ts': `export default { cache: { ttl: '7d', maxSize: '1GB' }, budgets: { startup: '1s' } }`,
      'perf.config.ts': `export default { extends: './presets/base.ts', cache: { ttl: '1h' } }`,
    })
    const { config, layers } = await loadPerfConfigLayers({ cwd: dir })
    expect(config.cache.ttl).toBe(3_600_000)
    expect(config.cache.maxSize).toBe(1_000_000_000)
    expect(config.budgets.startup).toBe(1000)
    expect(layers.map(l => l.source)).toEqual(['main', 'extends'])
    // the snapshot covers extends too
    const warm = await loadPerfConfigLayers({ cwd: dir })
    expect(warm.config).toEqual(config)
  })

  it('uses rootDir for the config and cwd for the project', async () => {
    const host = project({ 'package.json': PKG, 'perf.config.mjs': `export default { budgets: { files: [{ path: 'out/*.js', limit: 10 }] } }` })
    const work = project({ 'package.json': JSON.stringify({ name: 'user-project' }) })
    const config = await loadPerfConfig({ rootDir: host, cwd: work })
    expect(config.name).toBe('acme-cli')
    expect(config.cwd).toBe(work)
    expect(config.rootDir).toBe(host)
  })

  it('overrides win over the file', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.mjs': `export default { cache: { ttl: '3m' } }` })
    expect((await loadPerfConfig({ cwd: dir, overrides: { cache: { ttl: '9m' } } })).cache.ttl).toBe(540_000)
  })

  it('UNPERF_CACHE=0 switches the cache off', async () => {
    const dir = project({ 'package.json': PKG })
    process.env.UNPERF_CACHE = '0'
    try {
      expect((await loadPerfConfig({ cwd: dir })).cache.enabled).toBe(false)
    } finally {
      delete process.env.UNPERF_CACHE
    }
  })

  it('the resolved config holds numbers only for durations and sizes', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TS_CONFIG, 'helper.ts': `export const helperTtl = 1000\n` })
    const config = await loadPerfConfig({ cwd: dir })
    const walk = (value: unknown, path: string): void => {
      if (typeof value === 'string' && /^\d+(\.\d+)?\s*(ms|s|m|h|d|[kmg]i?b)$/i.test(value)) throw new Error(`${path} is still a string: ${value}`)
      if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`)
    }
    walk(config, 'config')
  })
})

describe("jiti's transpiled copies of the config", () => {
  it('live in a 0700 dir of unperf, not in node_modules/.cache/jiti with the umask', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `const pw: string = 'hunter2'\nexport default { cache: { driver: ['memory', { driver: 'redis', url: \`redis://u:\${pw}@127.0.0.1:1\` }] } }\n` })
    // project() made node_modules, as an install does
    const old = process.umask(0)
    try {
      await loadPerfConfig({ cwd: dir, noSnapshot: true })
    } finally {
      process.umask(old)
    }
    expect(existsSync(join(dir, 'node_modules', '.cache', 'jiti'))).toBe(false)
    const cache = join(dir, 'node_modules', '.cache', 'unperf', 'jiti')
    expect(statSync(cache).mode & 0o777).toBe(0o700)
    expect(readdirSync(cache).length).toBeGreaterThan(0)
    for (const f of readdirSync(cache)) expect(statSync(join(cache, f)).mode & 0o777).toBe(0o600)
  })
})

describe('config errors', () => {
  async function errorOf(files: Record<string, string>): Promise<ConfigError> {
    const dir = project({ 'package.json': PKG, ...files })
    try {
      await loadPerfConfig({ cwd: dir, noSnapshot: true })
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return error as ConfigError
    }
    throw new Error('expected a ConfigError')
  }

  it('names the file, the key path, what was expected and what was found', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { cache: { ttl: '10 parsecs' } }` })
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]!.message).toBe(`perf.config.ts:1:27: cache.ttl: expected a duration like '10m', a number of ms, or false (units: ms, s, m, h, d, w; no month or year: write '365d'), got '10 parsecs'`)
    expect(error.issues[0]).toMatchObject({ line: 1, column: 27 })
    expect(error).toMatchObject({ code: 'E_CONFIG', file: 'perf.config.ts', path: 'cache.ttl', found: '10 parsecs' })
  })

  it('a key that is not an identifier is bracketed in the path, so the path names one key (and its file)', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'acme-cli', version: '1.4.0', type: 'module', perf: { budgets: { commands: { 'cache clear': { p95: 'slow' } } } } }),
      'perf.config.ts': `export default {
        monitors: { alerts: { 'cpu.percent': { above: 'lots' } } },
        cache: { namespaces: { 'my-ns': { ttl: 'soon' } } },
        concurrency: { pools: { 'net.io': { concurrency: -1 } } },
      }`,
    })
    const error = await loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => { throw new Error('expected a ConfigError') }, (e: ConfigError) => e)
    const paths = error.issues.map(i => i.path).sort()
    expect(paths).toEqual([
      "budgets.commands['cache clear'].p95", "cache.namespaces['my-ns'].ttl", "concurrency.pools['net.io'].concurrency", "monitors.alerts['cpu.percent'].above",
    ])
    // the file each key came from is found by walking the path's keys
    for (const issue of error.issues) {
      const file = issue.path.startsWith('budgets') ? 'package.json#perf' : 'perf.config.ts'
      // (and, in perf.config.ts, where the key is written: `perf.config.ts:3:43:`; package.json#perf has no position)
      expect(issue.message.startsWith(file === 'perf.config.ts' ? file : `${file}: ${issue.path}: `), issue.message).toBe(true)
      expect(issue.message).toContain(`: ${issue.path}: `)
    }
    expect(pathKeys("monitors.alerts['cpu.percent'].above")).toEqual(['monitors', 'alerts', 'cpu.percent', 'above'])
    expect(pathKeys("a[0]['it\\'s'].b")).toEqual(['a', '0', "it's", 'b'])
    expect(keyPath('a', "it's")).toBe("a['it\\'s']")
  })

  it('a config that is not an object (42, true, a function returning 5) is an error, not an empty config', async () => {
    for (const value of ['42', 'true', '() => 5']) {
      const error = await errorOf({ 'perf.config.ts': `export default ${value}` })
      expect(error.issues.map(i => i.message), value).toEqual([`perf.config.ts: (root): expected an object, got ${value === 'true' ? 'true' : value === '42' ? '42' : '5'}`])
    }
  })

  it("a plugin entry's bad options or plugin is named at its item; a plugin object without a name says it needs one", async () => {
    // was `plugins[0]: expected a plugin object, ..., got an array` for [plugin, 'x'], and "got an object" for an object without `name`
    const error = await errorOf({
      'perf.config.ts': `export default { plugins: [['./a.mjs', 'fast'], [{ setup() {} }, {}], { setup() {} }, ['./b.mjs', {}, 'extra']] }`,
    })
    expect(error.issues.map(i => i.message.replace(/^perf\.config\.ts:\d+:\d+: /, ''))).toEqual([
      `plugins[0][1]: expected the plugin's options, an object, got 'fast'`,
      'plugins[1][0]: expected a plugin object (with a non-empty `name`) or a module specifier, got an object',
      'plugins[2]: expected a plugin object (with a non-empty `name`), a module specifier, or [plugin object or specifier, options], got an object',
      'plugins[3]: expected a plugin object (with a non-empty `name`), a module specifier, or [plugin object or specifier, options], got an array',
    ])
  })

  it("a plugin entry's options set to undefined are absent, as TypeScript's [plugin, options?] takes them", async () => {
    // was `plugins[0][1]: expected the plugin's options, an object, got undefined`
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { plugins: [['./a.mjs', undefined], ['./b.mjs', { level: 2 }]] }` })
    const config = await loadPerfConfig({ cwd: dir, env: 'production' })
    expect(config.plugins.map(p => [p.plugin, p.options])).toEqual([['./a.mjs', {}], ['./b.mjs', { level: 2 }]])
    // options of the wrong type are still named where written
    const error = await errorOf({ 'perf.config.ts': `export default { plugins: [['./a.mjs', undefined], ['./b.mjs', 'fast']] }` })
    expect(error.issues.map(i => i.path)).toEqual(['plugins[1][1]'])
  })

  it('lists every problem at once', async () => {
    const error = await errorOf({
      'perf.config.ts': `export default { cache: { ttl: -5, maxSize: 'lots' }, budgets: { mode: 'panic', cacheHitRate: 2 }, concurrency: { default: 0 } }`,
    })
    expect(error.issues.map(i => i.path).sort()).toEqual(['budgets.cacheHitRate', 'budgets.mode', 'cache.maxSize', 'cache.ttl', 'concurrency.default'])
  })

  it('lists the resolver\'s problems (ttl: 0, a redis tier without a url) beside the schema\'s', async () => {
    const error = await errorOf({
      'perf.config.ts': `export default { cache: { ttl: 0, maxSize: 'lots', driver: ['memory', { driver: 'redis' }] }, budgets: { mode: 'panic' } }`,
    })
    expect(error.issues.map(i => i.path).sort()).toEqual(['budgets.mode', 'cache.driver[1].url', 'cache.maxSize', 'cache.ttl'])
    // a path the schema reported is not reported twice
    expect(new Set(error.issues.map(i => i.path)).size).toBe(error.issues.length)
  })

  it('a known key set to undefined is absent: the contract\'s own example (`dir: undefined`) loads', async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default {
        cache: { dir: undefined, ttl: undefined, namespaces: { git: { ttl: '5m', driver: undefined } } },
        report: { console: 'summary', dir: undefined },
        monitors: undefined,
        // a hook's listener left out by a condition (docs/runtime.md: an undefined listener is an absent one)
        hooks: { 'command:after': undefined },
      }`,
    })
    const config = await loadPerfConfig({ cwd: dir, env: 'production' })
    expect(config.hooks).not.toHaveProperty(['command:after'], expect.any(Function))
    expect(config.cache.ttl).toBe(86_400_000)
    expect(config.cache.dir).toContain('acme-cli')
    expect(config.cache.namespaces.git!.tiers).toEqual(config.cache.tiers)
    expect(config.report.dir).toContain('acme-cli')
    expect(config.monitors.enabled).toBe(false)
    // still required where required: a redis tier's url set to an unset env var is an error
    const error = await errorOf({ 'perf.config.ts': `export default { cache: { driver: { driver: 'redis', url: process.env.UNPERF_TEST_NO_SUCH_VAR } } }` })
    expect(error.issues.map(i => i.path)).toEqual(['cache.driver.url'])
  })

  it('unknown top-level keys: an error with did-you-mean', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { cahce: { ttl: '1h' } }` })
    expect(error.issues[0]!.path).toBe('cahce')
    expect(error.message).toContain(`did you mean 'cache'?`)
  })

  it('ttl: 0 is an error (ambiguous)', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { cache: { ttl: 0 } }` })
    expect(error.issues[0]!.path).toBe('cache.ttl')
    expect(error.message).toContain('use false')
  })

  it('a redis tier without a url names the key path', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'redis' }] } }` })
    expect(error.issues[0]!.path).toBe('cache.driver[1].url')
  })

  it('a redis url ioredis would misread or throw on is a config error that never shows its password', async () => {
    for (const url of ['redis//:pwsecret1@h', 'ftp://:pwsecret1@h', 'redis://:p/wsecret1@127.0.0.1:1', ' redis://:pwsecret1 @h']) {
      const error = await errorOf({ 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'redis', url: ${JSON.stringify(url)} }] } }` })
      expect(error.issues.map(i => i.path), url).toEqual(['cache.driver[1].url'])
      expect(error.message).not.toContain('secret1')
    }
    for (const url of ['redis://:pw@127.0.0.1:6379/0', 'rediss://user:pw@redis.example:6380', '127.0.0.1:6379', 'localhost', '/tmp/redis.sock']) {
      await expect(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'redis', url: ${JSON.stringify(url)} }] } }` }) }), url).resolves.toBeDefined()
    }
  })

  it("an unknown option of a built-in driver names its key path, never its value (a misspelt password)", async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'redis', url: 'redis://h:6379', pasword: 'hunter2', timeout: 100 }, { driver: 'fs', bsae: '/x' }] } }` })
    expect(error.issues.map(i => i.path).sort()).toEqual(['cache.driver[1].pasword', 'cache.driver[1].timeout', 'cache.driver[2].bsae'])
    expect(error.message).toContain('an option of the redis driver (url, host, port, db, username, password, tls, base)')
    expect(error.message).toContain('cache.timeout')
    expect(error.message).not.toContain('hunter2')
    // another unstorage driver's options are its own: passed on unchecked
    await expect(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { driver: { driver: 'lru-cache', max: 10 } } }` }) })).resolves.toBeDefined()
  })

  it('an ioredis option a redis tier does not take, or a unix: url, says what unperf takes instead (a config copied from an ioredis setup)', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default {
      cache: { driver: ['memory', { driver: 'redis', url: 'redis://h:6379', keyPrefix: 'ci:', connectTimeout: 500 }, { driver: 'redis', path: '/run/r.sock', url: 'redis://h:6380' }] },
      report: { historyDriver: { driver: 'redis', url: 'unix:///run/redis-secret.sock?db=2' } },
    }` })
    const byPath = Object.fromEntries(error.issues.map(i => [i.path, i.message.slice(i.message.indexOf(i.path) + i.path.length + 2)]))
    const known = 'expected an option of the redis driver (url, host, port, db, username, password, tls, base)'
    expect(byPath).toEqual({
      'cache.driver[1].keyPrefix': `${known}; a prefix before unperf's keys is \`base\`, got 'keyPrefix'`,
      'cache.driver[1].connectTimeout': `${known}; a remote tier's timeout is cache.timeout, got 'connectTimeout'`,
      'cache.driver[2].path': `${known}; a unix socket is the url: its path alone ('/run/redis/redis.sock'), got 'path'`,
      'report.historyDriver.url': "expected a redis url like 'redis://127.0.0.1:6379' or 'rediss://…' (or host:port, or a unix socket path); a unix socket is its path alone ('/run/redis/redis.sock'), its database and password the options `db` and `password`, got 'unix://… (rest not shown)'",
    })
    expect(error.message).not.toContain('secret')
  })

  it('a built-in driver option of the wrong type names its key path and what was expected, never a credential', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default {
      cache: {
        driver: ['memory', { driver: 'redis', url: 'redis://h:6379', password: 5, tls: 'x-secret-pem', username: ['u-secret'], port: 'x6379', db: -1, base: 7 }],
        namespaces: { git: { driver: { driver: 'redis', host: 42, port: 70000 } }, tmp: { driver: { driver: 'fs', base: 3 } } },
      },
      report: { historyDriver: { driver: 'redis', url: { href: 'redis://:pw-secret@h' } } },
    }` })
    const byPath = Object.fromEntries(error.issues.map(i => [i.path, i.message.slice(i.message.indexOf(i.path) + i.path.length + 2)]))
    expect(byPath).toEqual({
      'cache.driver[1].password': 'expected a string, got a number (value not shown)',
      'cache.driver[1].tls': 'expected true, false or an object of TLS options, got a string (value not shown)',
      'cache.driver[1].username': 'expected a string, got an array (value not shown)',
      'cache.driver[1].port': "expected an integer from 1 to 65535, got 'x6379'",
      'cache.driver[1].db': 'expected an integer ≥ 0 (the database number), got -1',
      'cache.driver[1].base': 'expected a key prefix (a string), got 7',
      'cache.namespaces.git.driver.host': 'expected a host name (a non-empty string), got 42',
      'cache.namespaces.git.driver.port': 'expected an integer from 1 to 65535, got 70000',
      'cache.namespaces.tmp.driver.base': 'expected a directory path (a non-empty string), got 3',
      'report.historyDriver.url': "expected a redis url like 'redis://127.0.0.1:6379' or 'rediss://…' (or host:port, or a unix socket path), got an object",
    })
    expect(error.message).not.toMatch(/secret/)
    expect(JSON.stringify(error.issues.map(i => String(i.found)))).not.toMatch(/secret/)
    // the right types (and options set to undefined: an unset environment variable) pass
    await expect(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'fs', base: './c' }, { driver: 'redis', host: '127.0.0.1', port: 6379, db: 2, username: 'u', password: process.env.UNPERF_TEST_NO_SUCH_VAR, tls: { rejectUnauthorized: false }, base: 'app' }, { driver: 'redis', url: 'redis://h:1', tls: true }] } }` }), noSnapshot: true })).resolves.toBeDefined()
    // digits from an environment variable are the number
    const fromEnv = await loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { driver: [{ driver: 'redis', host: 'h', port: '6380', db: ' 3 ' }] } }` }), noSnapshot: true })
    expect(fromEnv.cache.tiers[0]).toMatchObject({ driver: 'redis', port: 6380, db: 3 })
  })

  it('NaN, Infinity and negative numbers are refused', async () => {
    const error = await errorOf({ 'perf.config.mjs': `export default { cache: { ttl: NaN, maxSize: Infinity, timeout: -1 } }` })
    expect(error.issues.map(i => i.path).sort()).toEqual(['cache.maxSize', 'cache.timeout', 'cache.ttl'])
  })

  it('prototype-pollution keys are refused and pollute nothing', async () => {
    const error = await errorOf({ 'perf.config.json': `{ "cache": { "__proto__": { "polluted": true } }, "constructor": { "prototype": { "polluted": true } } }` })
    expect(error.issues.length).toBeGreaterThan(0)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('an error in an env block names the env path and file', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { $env: { ci: { budgets: { startup: 'soon' } } } }` })
    expect(error.issues[0]!.path).toBe('$env.ci.budgets.startup')
    expect(error.issues[0]!.file).toBe('perf.config.ts')
  })

  it('a bad key in an env block is one problem, named at its env path (not a second time where it merges to)', async () => {
    for (const [config, env, path] of [
      [`export default { $env: { ci: { cahce: 1, budgets: { startup: 'soon' } } } }`, 'ci', '$env.ci'],
      [`export default { $development: { cahce: 1, budgets: { startup: 'soon' } } }`, 'development', '$development'],
    ] as const) {
      const dir = project({ 'package.json': PKG, 'perf.config.ts': config })
      const error = await loadPerfConfig({ cwd: dir, env }).then(() => undefined, (e: unknown) => e as ConfigError)
      expect(error).toBeInstanceOf(ConfigError)
      expect(error!.issues.map(i => i.path).sort()).toEqual([`${path}.budgets.startup`, `${path}.cahce`])
    }
  })

  it("0 for a duration that must be positive suggests false only where false is taken", async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.json': JSON.stringify({ cache: { timeout: 0, scopeMaxAge: 0 }, monitors: { interval: 0 }, concurrency: { pools: { n: { timeout: 0 } }, workers: { timeout: 0 } } }) })
    const error = await loadPerfConfig({ cwd: dir }).then(() => undefined, (e: unknown) => e as ConfigError)
    const expected = Object.fromEntries(error!.issues.map(i => [i.path, i.expected]))
    expect(expected).toEqual({
      'cache.timeout': 'a duration greater than 0',
      'cache.scopeMaxAge': 'a duration greater than 0',
      'monitors.interval': 'a duration greater than 0',
      'concurrency.pools.n.timeout': 'a duration greater than 0 (use false to disable)',
      'concurrency.workers.timeout': 'a duration greater than 0 (use false to disable)',
    })
    // and false is what those two take
    const ok = project({ 'package.json': PKG, 'perf.config.json': JSON.stringify({ concurrency: { pools: { n: { timeout: false } }, workers: { timeout: false } } }) })
    expect((await loadPerfConfig({ cwd: ok })).concurrency.pools.n!.timeout).toBe(false)
  })

  it("a value the resolver refuses in an env block is named at its env path ($env.ci.cache.ttl), as the schema's problems are", async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '1h' }, $env: { ci: { cache: { ttl: 0 } } }, $development: { cache: { driver: ['memory', { driver: 'redis' }] } } }` })
    const ci = await loadPerfConfig({ cwd: dir, env: 'ci' }).then(() => undefined, (e: unknown) => e as ConfigError)
    expect(ci!.issues.map(i => [i.file, i.path])).toEqual([['perf.config.ts', '$env.ci.cache.ttl']])
    expect(ci!.message).toContain('perf.config.ts:1:63: $env.ci.cache.ttl: expected a duration greater than 0')
    const dev = await loadPerfConfig({ cwd: dir, env: 'development' }).then(() => undefined, (e: unknown) => e as ConfigError)
    // and $env.ci's ttl: 0 there too (other-env-blocks.test.ts)
    expect(dev!.issues.map(i => i.path).sort()).toEqual(['$development.cache.driver[1].url', '$env.ci.cache.ttl'])
    // beside a schema problem too
    const both = project({ 'package.json': PKG, 'perf.config.ts': `export default { $env: { ci: { cahce: 1, cache: { ttl: 0 } } } }` })
    const error = await loadPerfConfig({ cwd: both, env: 'ci' }).then(() => undefined, (e: unknown) => e as ConfigError)
    expect(error!.issues.map(i => i.path).sort()).toEqual(['$env.ci.cache.ttl', '$env.ci.cahce'])
  })

  it('a syntax error names the file and line', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default {\n  cache: { ttl: '1h' \n  budgets: {}\n}\n` })
    expect(error.message).toMatch(/perf\.config\.ts:\d+/)
  })

  it("a config that fails inside the loader is located in the user's file, not in node_modules/jiti", async () => {
    const json = await errorOf({ 'perf.config.json': `{ "cache": { "ttl": "1d", }` })
    expect(json.issues[0]!.file).toMatch(/perf\.config\.json$/)
    expect(json.message).not.toContain('node_modules')
    const nul = await errorOf({ 'perf.config.mjs': `export default null` })
    expect(nul.issues[0]!.file).toMatch(/perf\.config\.mjs$/)
    expect(nul.message).not.toContain('node_modules')
  })

  it('an explicit configFile that is not there is an error naming it, not a run on the defaults', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '2h' } }` })
    for (const configFile of ['perf.ci.ts', 'perf.ci']) {
      const error = await loadPerfConfig({ cwd: dir, configFile }).then(() => { throw new Error('expected a ConfigError') }, (e: ConfigError) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.issues).toHaveLength(1)
      expect(error.issues[0]).toMatchObject({ path: 'configFile', found: configFile })
      expect(error.issues[0]!.message).toContain(`configFile: '${configFile}' was not found (looked for ${join(dir, configFile)}`)
    }
    // the file by its name, with or without the extension, loads
    writeFileSync(join(dir, 'perf.ci.ts'), `export default { cache: { ttl: '3h' } }`)
    expect((await loadPerfConfig({ cwd: dir, configFile: 'perf.ci.ts' })).cache.ttl).toBe(3 * 3_600_000)
    expect((await loadPerfConfig({ cwd: dir, configFile: 'perf.ci' })).cache.ttl).toBe(3 * 3_600_000)
    // and removing it again is noticed on the warm path (the snapshot's inputs)
    rmSync(join(dir, 'perf.ci.ts'))
    await expect(loadPerfConfig({ cwd: dir, configFile: 'perf.ci.ts' })).rejects.toThrow(/was not found/)
  })

  it('a missing extends source is an error, not a warning', async () => {
    const error = await errorOf({ 'perf.config.ts': `export default { extends: './presets/missing.ts' }` })
    expect(error.issues[0]!.path).toBe('extends')
    expect(error.message).toContain('presets/missing.ts')
    expect(error.issues[0]!.file).toBe('perf.config.ts')
  })

  it('a missing extends source names the file that extends it, at any depth', async () => {
    const nested = await errorOf({
      'perf.config.ts': `export default { extends: ['./presets/base.ts'] }`,
      'presets/base.ts': `export default { extends: ['./shared.ts', './gone.ts'] }`,
      'presets/shared.ts': `export default { cache: { ttl: '1h' } }`,
    })
    // at the line and column of its extends, as a bad value's
    expect(nested.issues[0]).toMatchObject({ file: join('presets', 'base.ts'), path: 'extends', found: './gone.ts', line: 1, column: 18 })
    expect(nested.issues[0]!.message).toMatch(/^presets[/\\]base\.ts:1:18: extends: '\.\/gone\.ts' was not found/)
    // a directory extended: c12 loads its perf.config itself
    const dir = await errorOf({
      'perf.config.mjs': `export default { extends: ['./presets'] }`,
      'presets/perf.config.mjs': `export default { extends: ['./missing.mjs'] }`,
    })
    expect(dir.issues[0]!.file).toBe(join('presets', 'perf.config.mjs'))
  })

  it('an error in .perfrc names .perfrc', async () => {
    const error = await errorOf({ '.perfrc': `cache.maxSize=huge\n` })
    expect(error.issues[0]!.file).toBe('.perfrc')
  })
})

describe('snapshot fast path', () => {
  it('is used on the second load and gives the same config as c12', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TS_CONFIG, 'helper.ts': `export const helperTtl = '1h'\n`, 'node_modules/.keep': '' })
    for (const env of ['production', 'development', 'test', 'ci']) {
      const cold = await loadPerfConfigLayers({ cwd: dir, env })
      const warm = await loadPerfConfigLayers({ cwd: dir, env })
      const reference = await loadPerfConfigLayers({ cwd: dir, env, noSnapshot: true })
      expect(warm.loader).toBe('snapshot')
      expect(reference.loader).toBe('c12')
      expect(warm.config).toEqual(reference.config)
      expect(cold.config).toEqual(reference.config)
    }
    // nothing left to import at run time (its helper bundled in, unperf/config an identity): a classic script
    expect(readdirSync(join(dir, 'node_modules/.cache/unperf/config')).filter(f => /\.[cm]js$/.test(f)).map(f => f.slice(-4))).toEqual(['.cjs'])
  })

  it('builds a script that sets its default export alone, without esbuild\'s CommonJS getters', async () => {
    const dir = project({
      'package.json': PKG, 'node_modules/.keep': '',
      'perf.config.ts': `export const unused = 'named'\nconst base = { cache: { ttl: '2h' } }\nexport default () => ({ ...base, report: { history: 7 } })\n`,
    })
    const reference = await loadPerfConfig({ cwd: dir, noSnapshot: true })
    await loadPerfConfig({ cwd: dir })
    const warm = await loadPerfConfigLayers({ cwd: dir })
    expect(warm.loader).toBe('snapshot')
    expect(warm.config).toEqual(reference)
    expect(warm.config.report.history).toBe(7)
    const snapshotDir = join(dir, 'node_modules/.cache/unperf/config')
    const script = readFileSync(join(snapshotDir, readdirSync(snapshotDir).find(f => f.endsWith('.cjs'))!), 'utf8')
    expect(script).toMatch(/\bexports\.default = /)
    expect(script).not.toMatch(/__toCommonJS|__copyProps|__export/)
  })

  it('rebuilds when an imported helper changes', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TS_CONFIG, 'helper.ts': `export const helperTtl = '1h'\n`, 'node_modules/.keep': '' })
    await loadPerfConfig({ cwd: dir })
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    writeFileSync(join(dir, 'helper.ts'), `export const helperTtl = '3h'\n`)
    const after = await loadPerfConfigLayers({ cwd: dir })
    expect(after.loader).toBe('c12')
    expect(after.config.cache.ttl).toBe(3 * 3_600_000)
  })

  it('detects an edit that keeps the mtime (cp -p)', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '1h' } }`, 'node_modules/.keep': '' })
    const file = join(dir, 'perf.config.ts')
    await loadPerfConfig({ cwd: dir })
    const { atime, mtime } = statSync(file)
    writeFileSync(file, `export default { cache: { ttl: '2h' } }`)
    utimesSync(file, atime, mtime)
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(2 * 3_600_000)
  })

  it('notices a config file that appears later', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '' })
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(86_400_000)
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { ttl: '1h' } }`)
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(3_600_000)
  })

  it('resolves a local import to the file c12 (jiti) loads: helper.js before helper.ts', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `import { ttl } from './helper'\nexport default { cache: { ttl } }`, 'helper.js': `export const ttl = '1h'\n`, 'helper.ts': `export const ttl: string = '2h'\n` })
    const reference = await loadPerfConfig({ cwd: dir, noSnapshot: true })
    expect(reference.cache.ttl).toBe(3_600_000)
    await loadPerfConfig({ cwd: dir })
    const warm = await loadPerfConfigLayers({ cwd: dir })
    expect(warm.loader).toBe('snapshot')
    expect(warm.config.cache.ttl).toBe(3_600_000)
  })

  it('notices a file added in front of the imported one (helper.js beside helper.ts)', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `import { ttl } from './helper'\nexport default { cache: { ttl } }`, 'helper.ts': `export const ttl: string = '2h'\n` })
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(7_200_000)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    writeFileSync(join(dir, 'helper.js'), `export const ttl = '1h'\n`)
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(3_600_000)
  })

  it('notices an imported symlink retargeted or replaced (esbuild records the target, not the link)', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `import { ttl } from './helper'\nexport default { cache: { ttl } }`, 'h4.ts': `export const ttl: string = '4h'\n`, 'h5.ts': `export const ttl: string = '5h'\n` })
    symlinkSync(join(dir, 'h4.ts'), join(dir, 'helper.ts'))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(4 * 3_600_000)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    unlinkSync(join(dir, 'helper.ts'))
    symlinkSync(join(dir, 'h5.ts'), join(dir, 'helper.ts'))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(5 * 3_600_000)
    unlinkSync(join(dir, 'helper.ts'))
    writeFileSync(join(dir, 'helper.js'), `export const ttl = '6h'\n`)
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(6 * 3_600_000)
  })

  it('notices an extends file that is a symlink retargeted', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `export default { extends: './base.ts' }`, 'a.ts': `export default { cache: { ttl: '1h' } }`, 'b.ts': `export default { cache: { ttl: '2h' } }` })
    symlinkSync(join(dir, 'a.ts'), join(dir, 'base.ts'))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(3_600_000)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    unlinkSync(join(dir, 'base.ts'))
    symlinkSync(join(dir, 'b.ts'), join(dir, 'base.ts'))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(7_200_000)
  })

  it('notices a config file added in front of the one an extends directory gave', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.mjs': `export default { extends: './presets' }`, 'presets/perf.config.ts': `export default { cache: { ttl: '1h' } }` })
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(3_600_000)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    // two config files in the preset's dir are a config error (config-files.test.ts), cold and, the
    // snapshot stale, on the next start; c12 used to load the one in front (.js), silently
    writeFileSync(join(dir, 'presets/perf.config.js'), `export default { cache: { ttl: '2h' } }`)
    for (const noSnapshot of [true, false]) {
      await expect(loadPerfConfig({ cwd: dir, noSnapshot })).rejects.toThrow("(extends './presets' in perf.config.mjs): two config files, perf.config.js and perf.config.ts")
    }
    // the one in front alone: loaded, and a snapshot again
    unlinkSync(join(dir, 'presets/perf.config.ts'))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(7_200_000)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
  })

  it('two projects whose node_modules is one dir (a symlink) each keep their own snapshot there, both on the fast path', async () => {
    // before: one manifest name for both; each refused the other's (another rootDir) and rebuilt it over, loading through c12 on every start
    const a = project({ 'package.json': PKG, 'perf.config.mjs': `export default { cache: { ttl: '1h' } }` })
    const b = project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { ttl: '2h' } }` })
    rmSync(join(b, 'node_modules'), { recursive: true })
    symlinkSync(join(a, 'node_modules'), join(b, 'node_modules'))
    const load = async (dir: string) => { const r = await loadPerfConfigLayers({ cwd: dir }); return [r.loader, r.config.cache.ttl] }
    expect([await load(a), await load(b)]).toEqual([['c12', 3_600_000], ['c12', 7_200_000]])
    for (let i = 0; i < 2; i++) expect([await load(a), await load(b)]).toEqual([['snapshot', 3_600_000], ['snapshot', 7_200_000]])
    // an edit of one: that one alone rebuilds
    writeFileSync(join(b, 'perf.config.ts'), `export default { cache: { ttl: '3h' } }`)
    expect([await load(a), await load(b), await load(b)]).toEqual([['snapshot', 3_600_000], ['c12', 10_800_000], ['snapshot', 10_800_000]])
  })

  it('UNPERF_NO_SNAPSHOT=1 turns the fast path off: no snapshot is read, a stale one neither', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `export default { cache: { ttl: '1h' } }` })
    await loadPerfConfig({ cwd: dir })
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    process.env.UNPERF_NO_SNAPSHOT = '1'
    try {
      expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('c12')
    } finally {
      delete process.env.UNPERF_NO_SNAPSHOT
    }
  })

  it('keeps only the snapshot modules a manifest refers to: editing the config does not pile up old ones', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `export default { cache: { ttl: '1h' } }`, 'other.config.ts': `export default { cache: { ttl: '7h' } }` })
    const snapshots = join(dir, 'node_modules/.cache/unperf/config')
    const modules = () => readdirSync(snapshots).filter(f => /\.[cm]js$/.test(f))
    await loadPerfConfig({ cwd: dir, configFile: 'other.config.ts' })
    for (let i = 2; i <= 5; i++) {
      writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { ttl: '${i}h' } }`)
      expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(i * 3_600_000)
    }
    // one module for perf.config.ts, one for the other manifest's config
    expect(modules()).toHaveLength(2)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    const other = await loadPerfConfigLayers({ cwd: dir, configFile: 'other.config.ts' })
    expect(other.loader).toBe('snapshot')
    expect(other.config.cache.ttl).toBe(7 * 3_600_000)
  })

  it('keeps process.env live: values are read at each start', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'redis', url: process.env.TEST_REDIS_URL ?? 'redis://a:1' }] } }` })
    process.env.TEST_REDIS_URL = 'redis://one:1'
    await loadPerfConfig({ cwd: dir })
    process.env.TEST_REDIS_URL = 'redis://two:2'
    const warm = await loadPerfConfigLayers({ cwd: dir })
    delete process.env.TEST_REDIS_URL
    expect(warm.loader).toBe('snapshot')
    expect(warm.config.cache.tiers[1]).toMatchObject({ driver: 'redis', url: 'redis://two:2' })
  })

  it('keeps import.meta.url pointing at the config file', async () => {
    const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', 'perf.config.ts': `import { fileURLToPath } from 'node:url'\nimport { dirname, join } from 'node:path'\nexport default { cache: { dir: join(dirname(fileURLToPath(import.meta.url)), 'my-cache') } }` })
    await loadPerfConfig({ cwd: dir })
    const warm = await loadPerfConfigLayers({ cwd: dir })
    expect(warm.loader).toBe('snapshot')
    expect(warm.config.cache.dir).toBe(join(dir, 'my-cache'))
    // it imports node:url and node:path at run time: kept an ES module
    expect(readdirSync(join(dir, 'node_modules/.cache/unperf/config')).filter(f => /\.[cm]js$/.test(f)).map(f => f.slice(-4))).toEqual(['.mjs'])
  })
})
