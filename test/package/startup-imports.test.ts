/**
 * Startup cost is the product: `import('unperf')` + createPerf() + a command with a .ts config
 * (warm, snapshot present) must not load consola, c12, jiti, systeminformation, ioredis, unstorage
 * drivers or anything else the config does not use. A module loader hook records every URL loaded.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist')

function loadedModules(config: string, body = '', env: NodeJS.ProcessEnv = {}, dir = tempDir('unperf-imports-')): string[] {
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lean-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), config)
  const log = join(dir, 'loaded.log')
  writeFileSync(join(dir, 'hooks.mjs'), `
    import { appendFileSync } from 'node:fs'
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context)
      appendFileSync(${JSON.stringify(log)}, result.url + '\\n')
      return result
    }`)
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'\nregister('./hooks.mjs', import.meta.url)`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
    const perf = await createPerf()
    await perf.run('hello', async () => { ${body} })
    await perf.close()
    // lazy chunks run from one code-cached script: the shim lists those that ran
    const lazy = globalThis[Symbol.for('unperf:lazy-chunks:' + new URL(${JSON.stringify(join(dist, 'index.mjs'))}, 'file://').href)]
    if (lazy) (await import('node:fs')).appendFileSync(${JSON.stringify(log)}, [...lazy.keys()].map(n => ${JSON.stringify(`file://${dist}/_chunks/`)} + n + '\\n').join(''))`)
  // cold run builds the snapshot; the warm run is the one measured
  const options = { cwd: dir, env: { ...process.env, ...env }, stdio: 'pipe' as const }
  execFileSync(process.execPath, ['main.mjs'], options)
  writeFileSync(log, '')
  execFileSync(process.execPath, ['--import', './register.mjs', 'main.mjs'], options)
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

/** unperf's own files among the loaded URLs, by chunk name (`_chunks/index.cache-XXXX.mjs` → `cache`). */
const unperfChunks = (loaded: string[]) => loaded.filter(u => u.startsWith(`file://${dist}/`))
  .map(u => u.slice(u.lastIndexOf('/') + 1).replace(/^[a-z]+\.(?=.*-[A-Z0-9]{8}\.mjs$)/, '').replace(/-[A-Z0-9]{8}\.mjs$/, ''))

/** A class's definition as esbuild writes it (`class X {` or, minified, `X=class`). */
const definesClass = (name: string) => new RegExp(`\\bclass ${name}\\b|\\b${name}=class\\b`)

/** The text of the lazy scripts a run compiled: those of the chunks that ran (the start script's prologue maps each chunk to its script: scripts/start-prologue.mjs). */
function compiledScripts(loaded: string[]): string {
  const ran = loaded.filter(u => u.startsWith(`file://${dist}/_chunks/`)).map(u => u.slice(u.lastIndexOf('/') + 1))
  const start = readFileSync(join(dist, '_chunks', readdirSync(join(dist, '_chunks')).find(n => /^index\.start-[0-9a-f]+\.js$/.test(n))!), 'utf8')
  const scriptOf = new Map(JSON.parse(/const LAZY = new Map\((.*)\)\n/.exec(start)![1]!) as [string, number][])
  const scripts = JSON.parse(/const SCRIPTS = (.*)\n/.exec(start)![1]!) as [string, string][]
  return [...new Set(ran.map(n => scriptOf.get(n)!))].map(i => readFileSync(join(dist, scripts[i]![0]), 'utf8')).join('\n')
}

const HEAVY = ['consola', 'c12', 'jiti', 'systeminformation', 'ioredis', 'unstorage/drivers', 'esbuild', 'tinypool', 'piscina', '@opentelemetry']

describe('startup imports', () => {
  it('a warm start with a .ts config loads none of the heavy packages', () => {
    const loaded = loadedModules(`import { definePerfConfig } from 'unperf/config'\nexport default definePerfConfig({ cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } })`)
    const heavy = loaded.filter(url => HEAVY.some(name => url.includes(`/node_modules/${name}`)))
    expect(heavy).toEqual([])
  })

  it('a command that does not touch the cache compiles neither the cache nor the config validator', () => {
    const config = `export default { cache: { driver: ['memory', 'fs'] }, report: { console: false, dir: './.perf' } }`
    const lean = unperfChunks(loadedModules(config))
    // the start path is one file: the entry's shared chunks are inlined into it
    expect(lean).toEqual(['index.mjs'])
    for (const lazy of ['cache', 'validate', 'snapshot-write', 'c12', 'file-hash']) expect(lean).not.toContain(lazy)
    // the same start, with a cache write in the command: the cache loads on first use and works
    const used = unperfChunks(loadedModules(config, `await perf.cache.set('k', 1); if (await perf.cache.get('k') !== 1) throw new Error('cache')`))
    expect(used).toContain('cache')
  })

  it("a memory + fs cache's first wrap() hit compiles only the cache's own code: no Redis, unstorage or unrelated chunks", () => {
    const config = `export default { cache: { driver: ['memory', 'fs'] }, report: { console: false, dir: './.perf' } }`
    // the cold run writes the value, the warm one (measured) reads it from the fs tier
    const loaded = loadedModules(config, `if (await perf.cache.wrap('greeting', async () => 'hello') !== 'hello') throw new Error('cache')`)
    expect(unperfChunks(loaded)).toContain('cache')
    // the lazy scripts it compiled: those of the chunks that ran (the start script's prologue maps each chunk to its script)
    const text = compiledScripts(loaded)
    // Redis and unstorage tiers, a remote tier's guard, wrap()'s Redis lock, the namespaces' remote listing;
    // the system sampler, source maps and the plugin bundle's stack mapper (chunks of small shared helpers)
    for (const other of ['ioredis', 'unstorage/drivers/', 'function remoteNamespaces', 'function createSystemSampler', 'function decodeAllMappings', 'function mapBundleStack']) {
      expect(text, other).not.toContain(other)
    }
    for (const name of ['RedisTier', 'UnstorageTier', 'RemoteTierGuard', 'RedisLock']) expect(text, name).not.toMatch(definesClass(name))
  })

  it("a pool beside a memory + fs cache reads no Redis code for the helpers they share (timerDelay is in the start script's clock.ts)", () => {
    const config = `export default { cache: { driver: ['memory', 'fs'] }, report: { console: false, dir: './.perf' } }`
    const loaded = loadedModules(config, `
      if ((await perf.pool('io').map([1, 2], async n => n * 2)).join() !== '2,4') throw new Error('pool')
      if (await perf.cache.wrap('greeting', async () => 'hello') !== 'hello') throw new Error('cache')`)
    expect(unperfChunks(loaded)).toContain('pool-manager')
    const text = compiledScripts(loaded)
    for (const name of ['RedisTier', 'RemoteTierGuard', 'RedisLock']) expect(text, name).not.toMatch(definesClass(name))
  })

  it('pools, the metrics registry and workers load on their first use only, and then work', () => {
    const config = `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } }`
    const deferred = ['pool-manager', 'registry', 'workers']
    const lean = unperfChunks(loadedModules(config))
    for (const name of deferred) expect(lean).not.toContain(name)
    const body = `
      const doubled = await perf.pool('io').map([1, 2, 3], async n => n * 2)
      if (doubled.join() !== '2,4,6') throw new Error('pool: ' + doubled)
      perf.metrics.counter('jobs_total', 'jobs').inc(2)
      if (!(await perf.metrics.expose()).includes('jobs_total 2')) throw new Error('metrics')
      if (typeof perf.workers.run !== 'function') throw new Error('workers')`
    const used = unperfChunks(loadedModules(config, body))
    for (const name of deferred) expect(used).toContain(name)
  })

  it("a preset's plugin paths are found from its dir only when it lists plugins (a deferred module: off the start script)", () => {
    const withPreset = (plugins: string) => {
      const dir = tempDir('unperf-preset-')
      mkdirSync(join(dir, 'preset'))
      writeFileSync(join(dir, 'preset/base.mjs'), `export default { cache: { driver: 'memory' }${plugins} }`)
      writeFileSync(join(dir, 'preset/plug.mjs'), `export default { name: 'preset-plug', hooks: { 'command:before': () => { process.stdout.write('preset plugin ran') } } }`)
      return dir
    }
    const config = `export default { extends: ['./preset/base.mjs'], report: { console: false, dir: './.perf' } }`
    // a preset without plugins (the common warm start with extends): nothing of plugin-paths.ts loads
    expect(unperfChunks(loadedModules(config, '', {}, withPreset('')))).not.toContain('plugin-paths')
    // a preset listing './plug.mjs': found beside the preset, through the deferred module
    const dir = withPreset(`, plugins: ['./plug.mjs']`)
    expect(unperfChunks(loadedModules(config, '', {}, dir))).toContain('plugin-paths')
    expect(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, stdio: 'pipe' }).toString()).toContain('preset plugin ran')
  })

  it('config values validated before skip validation; a changed value (from the environment) is validated again', () => {
    const dir = tempDir('unperf-validated-')
    const config = `export default { cache: { enabled: process.env.CACHE_ON === 'yes' ? true : process.env.CACHE_ON ?? false }, report: { console: false, dir: './.perf' } }`
    expect(unperfChunks(loadedModules(config, '', { CACHE_ON: 'yes' }, dir))).not.toContain('validate')
    // a value never validated: the validator runs on the warm path and names the key
    let error: { status?: number; stderr?: Buffer } = {}
    try {
      execFileSync(process.execPath, ['main.mjs'], { cwd: dir, env: { ...process.env, CACHE_ON: 'sometimes' }, stdio: 'pipe' })
    } catch (e) { error = e as typeof error }
    expect(error.status).not.toBe(0)
    expect(String(error.stderr)).toMatch(/cache\.enabled/)
  })

  it('a whole run, report and history written at the end, loads none of the costly builtins', () => {
    // perf_hooks is ~1.5 ms of internal modules, crypto ~10 ms, zlib and worker_threads more: none is needed
    // to load the config, run a command and write report.json, trace.json and history.jsonl
    const dir = tempDir('unperf-builtins-')
    loadedModules(`export default { cache: { driver: ['memory', 'fs'] }, report: { console: false, dir: './.perf' } }`, '', {}, dir)
    writeFileSync(join(dir, 'list.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'builtins.log'))}, process.moduleLoadList.join('\\n')))`)
    execFileSync(process.execPath, ['-r', './list.cjs', 'main.mjs'], { cwd: dir, stdio: 'pipe' })
    const builtins = readFileSync(join(dir, 'builtins.log'), 'utf8').split('\n')
    expect(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')).toContain('"boot"')
    for (const costly of ['NativeModule perf_hooks', 'NativeModule internal/perf/performance', 'NativeModule crypto', 'NativeModule zlib', 'NativeModule worker_threads']) {
      expect(builtins).not.toContain(costly)
    }
  })

  it('a warm run that reads and writes the fs cache loads none of them either (no crypto for keys, scope or checksums)', () => {
    const dir = tempDir('unperf-builtins-cache-')
    const body = `const c = perf.cache.namespace('shared'); const v = await c.get('git:head'); await c.set('git:head', { n: (v?.n ?? 0) + 1, pad: 'x'.repeat(2000) }); await perf.cache.set('User/Key', 1)`
    const config = `export default { cache: { driver: ['memory', 'fs'] }, report: { console: false, dir: './.perf' } }`
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') }
    loadedModules(config, body, env, dir)
    // files changed within 2 s of their hashing are hashed again on every run (racy times): age them,
    // as a real project's package.json is, and let one run record their hashes
    const old = new Date(Date.now() - 3_600_000)
    for (const f of ['package.json', 'perf.config.ts']) utimesSync(join(dir, f), old, old)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100) // their ctime (now) must be > 2 s old too
    execFileSync(process.execPath, ['main.mjs'], { cwd: dir, stdio: 'pipe', env })
    writeFileSync(join(dir, 'list.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'builtins.log'))}, process.moduleLoadList.join('\\n')))`)
    execFileSync(process.execPath, ['-r', './list.cjs', 'main.mjs'], { cwd: dir, stdio: 'pipe', env })
    const builtins = readFileSync(join(dir, 'builtins.log'), 'utf8').split('\n')
    const report = JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as { cache: { hits: number } }
    expect(report.cache.hits).toBeGreaterThan(0)
    for (const costly of ['NativeModule perf_hooks', 'NativeModule crypto', 'NativeModule zlib']) expect(builtins).not.toContain(costly)
  })

  it('unperf/config loads nothing else', () => {
    const dir = tempDir('unperf-config-entry-')
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      const { definePerfConfig } = await import(${JSON.stringify(join(dist, 'config.mjs'))})
      console.log(typeof definePerfConfig)`], { cwd: dir, encoding: 'utf8' })
    expect(out.trim()).toBe('function')
    const source = readFileSync(join(dist, 'config.mjs'), 'utf8')
    expect(source).not.toMatch(/\bimport\b/)
  })
})
