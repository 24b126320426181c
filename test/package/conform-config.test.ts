/**
 * API.md, "Units", "Where things live" and "perf.config.ts", held against the packed package as an
 * outside suite would: each case is a project dir loaded with `loadPerfConfig` from `unperf` in one
 * child process (cases in subdirs of one consumer project, so all import the installed copy).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { API_CONFIG_SAMPLE } from './_api-samples.js'
import { consumerProject, nodeIn, resultOf, unperfIn } from './_packed.js'

interface Case { config?: string; files?: Record<string, string>; pkg?: Record<string, unknown>; opts?: Record<string, unknown>; env?: Record<string, string> }

let project: string
const results: Record<string, any> = {}

const CASES: Record<string, Case> = {
  defaults: {},
  ...Object.fromEntries(['512B', '10kB', '10KB', '10KiB', '50MB', '50MiB', '1GB', 1234].map(v => [`size ${v}`, { config: `{ cache: { maxSize: ${JSON.stringify(v)} } }` }])),
  ...Object.fromEntries(['250ms', '10s', '5m', '1h', '7d', 1500, false].map(v => [`ttl ${v}`, { config: `{ cache: { ttl: ${JSON.stringify(v)} } }` }])),
  'ttl 0': { config: `{ cache: { ttl: 0 } }` },
  'bad size': { config: `{ budgets: { files: [{ path: 'dist/*.mjs', limit: '50 kilos' }] } }` },
  'bad duration': { config: `{ concurrency: { pools: { network: { timeout: '10 parsecs' } } } }` },
  'redis without url': { config: `{ cache: { driver: ['memory', 'fs', { driver: 'redis' }] } }` },
  'redis without url in $env': { config: `{ $env: { ci: { cache: { driver: ['memory', { driver: 'redis', url: undefined }] } } } }`, opts: { env: 'ci' } },
  'env: production': { config: `ENVS` },
  'env: NODE_ENV': { config: `ENVS`, env: { NODE_ENV: 'development' } },
  'env: PERF_ENV over NODE_ENV': { config: `ENVS`, env: { NODE_ENV: 'development', PERF_ENV: 'test' } },
  'env: PERF_ENV $env block': { config: `ENVS`, env: { NODE_ENV: 'development', PERF_ENV: 'ci' } },
  'env: option over PERF_ENV': { config: `ENVS`, env: { PERF_ENV: 'ci' }, opts: { env: 'development' } },
  extends: {
    config: `{ extends: './presets/base.mjs', cache: { ttl: '2h' } }`,
    files: { 'presets/base.mjs': `export default { name: 'from-preset', cache: { ttl: '1h', maxSize: '1MB' } }` },
  },
  '.perfrc': { files: { '.perfrc': 'cache.ttl=1h\nname=from-rc\n' } },
  'package.json#perf': { pkg: { perf: { cache: { ttl: '3h' } } } },
  'priority: file > .perfrc > package.json#perf': {
    config: `{ cache: { ttl: '1h' } }`,
    files: { '.perfrc': 'cache.ttl=2h\ncache.maxSize=2KB\n' },
    pkg: { perf: { cache: { ttl: '3h', maxSize: '3KB', compress: '1KB' } } },
  },
  'perf.config.json': { files: { 'perf.config.json': JSON.stringify({ cache: { ttl: '5m' } }) } },
  'perf.config.mts': { files: { 'perf.config.mts': `import { definePerfConfig } from 'unperf/config'\nconst ttl: string = '7d'\nexport default definePerfConfig({ cache: { ttl: ttl as '7d' } })` } },
  'createPerf options': { config: `{ name: 'from-config' }`, files: { 'other.config.mjs': `export default { cache: { ttl: '9m' } }` }, opts: { configFile: 'other.config', overrides: { cache: { maxSize: '1KiB' } } } },
}

const ENVS = `{ name: 'base', $production: { name: 'prod' }, $development: { name: 'dev' }, $test: { name: 'test' }, $env: { ci: { name: 'ci' } } }`

beforeAll(() => {
  project = consumerProject({
    'load.mjs': `
      import { loadPerfConfig } from 'unperf'
      import { readFileSync } from 'node:fs'
      const cases = JSON.parse(readFileSync('cases.json', 'utf8'))
      const out = {}
      for (const [name, { dir, opts, env }] of Object.entries(cases)) {
        delete process.env.PERF_ENV; delete process.env.NODE_ENV
        Object.assign(process.env, env)
        try { out[name] = { config: await loadPerfConfig({ rootDir: dir, cwd: dir, ...opts }) } }
        catch (e) { out[name] = { error: { name: e.name, code: e.code, message: e.message, issues: e.issues?.map(i => ({ file: i.file, path: i.path })) } } }
      }
      console.log(JSON.stringify(out))`,
  })
  const cases: Record<string, unknown> = {}
  Object.entries(CASES).forEach(([name, c], i) => {
    const dir = join(project, `case-${i}`)
    const files = { ...c.files, ...(c.config && { 'perf.config.mjs': `export default ${c.config === 'ENVS' ? ENVS : c.config}` }) }
    for (const [path, content] of Object.entries({ 'package.json': JSON.stringify({ name: `case-${i}`, version: '3.1.0', type: 'module', ...c.pkg }), ...files })) {
      const file = join(dir, path)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, content)
    }
    cases[name] = { dir, opts: c.opts ?? {}, env: c.env ?? {} }
  })
  writeFileSync(join(project, 'cases.json'), JSON.stringify(cases))
  Object.assign(results, resultOf(nodeIn(project, 'load.mjs')))
}, 600_000)

const config = (name: string) => {
  const r = results[name]
  if (!r.config) throw new Error(`${name}: ${JSON.stringify(r.error)}`)
  return r.config
}

describe('Units', () => {
  it('sizes: a number is bytes; kB/KB are 1000, KiB 1024, MB, MiB, GB', () => {
    expect(['512B', '10kB', '10KB', '10KiB', '50MB', '50MiB', '1GB', 1234].map(v => config(`size ${v}`).cache.maxSize))
      .toEqual([512, 10_000, 10_000, 10_240, 50_000_000, 50 * 1024 * 1024, 1_000_000_000, 1234])
  })

  it('durations: a number is milliseconds; ms, s, m, h, d; ttl: false never expires', () => {
    expect(['250ms', '10s', '5m', '1h', '7d', 1500, false].map(v => config(`ttl ${v}`).cache.ttl))
      .toEqual([250, 10_000, 300_000, 3_600_000, 7 * 86_400_000, 1500, false])
  })

  it('ttl: 0 is a config error (ambiguous) naming the key path', () => {
    expect(results['ttl 0'].error).toMatchObject({ name: 'ConfigError', code: 'E_CONFIG', issues: [{ path: 'cache.ttl', file: 'perf.config.mjs' }] })
    expect(results['ttl 0'].error.message).toMatch(/cache\.ttl: expected .*false.*got 0/)
  })

  it('anything else is a config error naming the key path', () => {
    expect(results['bad size'].error).toMatchObject({ code: 'E_CONFIG', issues: [{ path: 'budgets.files[0].limit' }] })
    expect(results['bad size'].error.message).toContain(`got '50 kilos'`)
    expect(results['bad duration'].error).toMatchObject({ code: 'E_CONFIG', issues: [{ path: 'concurrency.pools.network.timeout' }] })
  })

  it('the resolved config holds numbers only', () => {
    const strings: string[] = []
    const unit = /^\d+(\.\d+)?\s*(ms|s|m|h|d|w|B|kB|KB|KiB|MB|MiB|GB|GiB)$/
    const walk = (v: unknown, path: string) => {
      if (typeof v === 'string' && unit.test(v)) strings.push(`${path}=${v}`)
      else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, `${path}.${k}`)
    }
    walk(config('defaults'), '')
    expect(strings).toEqual([])
  })
})

describe('perf.config.ts: keys and their defaults', () => {
  it('name and version from the host package.json; the defaults API.md lists', () => {
    const c = config('defaults')
    const dir = join(project, 'case-0')
    expect([c.name, c.version, c.rootDir, c.cwd, c.env]).toEqual(['case-0', '3.1.0', dir, dir, 'production'])
    expect(c.cache).toMatchObject({
      enabled: true, driver: 'fs', dir: join(project, '.xdg', 'case-0'), ttl: 86_400_000, maxSize: 200_000_000,
      compress: 4000, integrity: true, swr: false, timeout: 250, scopeMaxAge: 7 * 86_400_000,
      invalidate: { version: true, files: expect.arrayContaining(['package.json', 'package-lock.json']) },
    })
    expect(c.concurrency.workers.idleTimeout).toBe(5000)
    expect(typeof c.concurrency.default).toBe('number')
    expect(c.budgets.mode).toBe('warn')
    expect(c.monitors).toMatchObject({ interval: 1000, eventLoop: true, memory: true, cpu: true, system: false })
    expect(c.report).toMatchObject({ console: 'summary', history: 100 })
    // reports by default in the cache dir, per scope: never in the user's project
    expect(c.report.dir.startsWith(join(project, '.xdg', 'case-0') + '/')).toBe(true)
  })

  it('a redis tier without a url is a config error naming the key path', () => {
    expect(results['redis without url'].error).toMatchObject({ code: 'E_CONFIG', issues: [{ path: 'cache.driver[2].url' }] })
    expect(results['redis without url in $env'].error).toMatchObject({ code: 'E_CONFIG', issues: [{ path: '$env.ci.cache.driver[1].url' }] })
  })

  it('the environment is PERF_ENV, else NODE_ENV, else production; $<env> and $env blocks apply', () => {
    expect(['env: production', 'env: NODE_ENV', 'env: PERF_ENV over NODE_ENV', 'env: PERF_ENV $env block', 'env: option over PERF_ENV'].map(n => [config(n).env, config(n).name]))
      .toEqual([['production', 'prod'], ['development', 'dev'], ['test', 'test'], ['ci', 'ci'], ['development', 'dev']])
  })

  it('config sources: extends, .perfrc, package.json#perf, perf.config.json and .mts, in c12 priority', () => {
    expect([config('extends').name, config('extends').cache.ttl, config('extends').cache.maxSize]).toEqual(['from-preset', 7_200_000, 1_000_000])
    expect([config('.perfrc').name, config('.perfrc').cache.ttl]).toEqual(['from-rc', 3_600_000])
    expect(config('package.json#perf').cache.ttl).toBe(10_800_000)
    const p = config('priority: file > .perfrc > package.json#perf').cache
    expect([p.ttl, p.maxSize, p.compress]).toEqual([3_600_000, 2000, 1000])
    expect(config('perf.config.json').cache.ttl).toBe(300_000)
    expect(config('perf.config.mts').cache.ttl).toBe(7 * 86_400_000)
  })

  it('createPerf/loadPerfConfig options: configFile without its extension, overrides above every layer', () => {
    const c = config('createPerf options')
    expect([c.name, c.cache.ttl, c.cache.maxSize, c.configFile]).toEqual(['case-' + Object.keys(CASES).indexOf('createPerf options'), 540_000, 1024, expect.stringMatching(/other\.config\.mjs$/)])
  })

  it('validation follows schema/perf.config.schema.json, exported as unperf/schema.json', () => {
    const schema = JSON.parse(readFileSync(join(project, 'node_modules/unperf/schema/perf.config.schema.json'), 'utf8'))
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'version', 'extends', 'cache', 'concurrency', 'budgets', 'monitors', 'report', 'plugins', 'hooks', '$development', '$test', '$env']))
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/unperf/package.json'), 'utf8'))
    expect(pkg.exports['./schema.json']).toBe('./schema/perf.config.schema.json')
  })
})

describe("API.md's perf.config.ts sample", () => {
  it('loads as written, in production, development, test and ci (ci needs REDIS_URL: a redis tier without a url is an error)', () => {
    const dir = consumerProject({ 'perf.config.ts': API_CONFIG_SAMPLE }, { name: 'acme', version: '1.4.0' })
    const load = (env: string, vars: NodeJS.ProcessEnv = {}) => unperfIn(dir, ['config', '--env', env, '--json'], { REDIS_URL: '', ...vars })
    const production = load('production').json().config
    expect([production.name, production.cache.driver, production.cache.ttl, production.cache.maxSize, production.cache.compress, production.cache.timeout]).toEqual(['acme', 'fs', 86_400_000, 200_000_000, 4000, 250])
    expect(production.cache.namespaces.git).toMatchObject({ ttl: 300_000, driver: 'memory' })
    expect(production.cache.namespaces.http).toMatchObject({ ttl: 3_600_000, staleIfError: 7 * 86_400_000 })
    expect(production.budgets.commands.build).toEqual({ duration: 2000, p95: 1500, memory: 200_000_000 })
    expect(production.budgets.files).toEqual([expect.objectContaining({ limit: 50_000, compression: 'gzip' })])
    expect(production.monitors.alerts['memory.rss']).toMatchObject({ above: 500_000_000, for: 10_000 })
    expect(load('development').json().config.cache.driver).toBe('memory')
    expect(load('test').json().config.cache.enabled).toBe(false)
    const ci = load('ci', { REDIS_URL: 'redis://127.0.0.1:6379' })
    expect(ci.code, ci.stderr).toBe(0)
    expect([ci.json().config.cache.driver, ci.json().config.budgets.mode]).toEqual([['memory', 'fs', 'redis'], 'error'])
    const noUrl = load('ci')
    expect(noUrl.code).toBe(2)
    expect(noUrl.json().error.issues).toEqual([expect.objectContaining({ path: '$env.ci.cache.driver[2].url' })])
  }, 180_000)
})
