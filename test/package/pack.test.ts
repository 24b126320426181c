/**
 * What users install is what gets tested: `npm pack`, install the tarball in a fresh project,
 * run the `unperf` binary and a createPerf script there. A file missing from `files`/`exports` fails here.
 * The tarball and its install are shared with the other test/package files (see _packed.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { API_CONFIG_SAMPLE, API_PLUGIN_SAMPLE } from './_api-samples.js'
import { consumerProject } from './_packed.js'

const root = join(import.meta.dirname, '../..')
let project: string

/**
 * The consumer project type-checks with no error under TypeScript 5.9 (this repo's, a JS compiler)
 * and TypeScript 7 (the native `tsc` `npm install typescript` gives users now, installed in the
 * consumer as `typescript7`: no second install).
 */
function typeChecks(tsconfig: string): void {
  expect(spawnSync(process.execPath, [join(project, 'node_modules/typescript7/bin/tsc'), '--version'], { encoding: 'utf8' }).stdout).toMatch(/^Version 7\./)
  for (const tsc of [join(root, 'node_modules/typescript/bin/tsc'), join(project, 'node_modules/typescript7/bin/tsc')]) {
    const run = spawnSync(process.execPath, [tsc, '-p', tsconfig], { cwd: project, encoding: 'utf8', timeout: 120_000 })
    expect(`${run.stdout}${run.stderr}${run.error ?? ''}`, `${tsc} -p ${tsconfig}`).toBe('')
    expect(run.status, `${tsc} -p ${tsconfig}`).toBe(0)
  }
}

beforeAll(() => {
  project = consumerProject({
    'perf.config.ts': [
      `import { definePerfConfig } from 'unperf/config'`,
      `export default definePerfConfig({`,
      `  cache: { driver: 'memory', ttl: '1h' },`,
      `  report: { console: false, dir: './.perf' },`,
      `  budgets: { startup: '10s' },`,
      `})`,
    ].join('\n'),
    'script.mjs': [
      `import { createPerf, getPerf } from 'unperf'`,
      `const perf = await createPerf()`,
      `let calls = 0`,
      `const value = await perf.run('hello', async () => {`,
      `  const a = await getPerf().cache.wrap('answer', async () => { calls++; return '456' })`,
      `  const b = await perf.cache.wrap('answer', async () => { calls++; return 'other' })`,
      `  return { a, b }`,
      `})`,
      `const report = await perf.close()`,
      `console.log(JSON.stringify({ value, calls, ttl: perf.config.cache.ttl, commands: report.commands.map(c => c.name), budgets: report.budgets.map(b => b.status) }))`,
    ].join('\n'),
  }, { name: 'consumer-cli', version: '2.0.0' })
}, 600_000)

describe('the packed package', () => {
  it('ships dist, bin, schema and types', () => {
    const pkg = join(project, 'node_modules/unperf')
    for (const file of ['dist/index.mjs', 'dist/config.mjs', 'dist/index.d.mts', 'dist/config.d.mts', 'dist/cli.mjs', 'bin/unperf.mjs', 'schema/perf.config.schema.json']) {
      expect(existsSync(join(pkg, file)), file).toBe(true)
    }
  })

  it('runs a createPerf script with a perf.config.ts', () => {
    const out = execFileSync(process.execPath, ['script.mjs'], { cwd: project, encoding: 'utf8' })
    const result = JSON.parse(out.trim().split('\n').pop()!)
    expect(result).toEqual({ value: { a: '456', b: '456' }, calls: 1, ttl: 3_600_000, commands: ['hello'], budgets: ['pass'] })
    expect(existsSync(join(project, '.perf/report.json'))).toBe(true)
  })

  it('runs the unperf binary', () => {
    const version = spawnSync(join(project, 'node_modules/.bin/unperf'), ['--version'], { cwd: project, encoding: 'utf8' })
    expect(version.status).toBe(0)
    expect(version.stdout.trim()).toMatch(/\d+\.\d+\.\d+/)
    const config = spawnSync(join(project, 'node_modules/.bin/unperf'), ['config', '--json'], { cwd: project, encoding: 'utf8' })
    expect(config.status, config.stderr).toBe(0)
    expect(JSON.parse(config.stdout).config.cache.ttl).toBe(3_600_000)
  })

  it("type-checks a user's config and script strictly, without skipLibCheck", () => {
    writeFileSync(join(project, 'check.ts'), [
      `import { definePerfConfig } from 'unperf/config'`,
      `import { createPerf, definePerfPlugin } from 'unperf'`,
      `import { runMain, withPerf } from 'unperf/citty'`,
      `import { instrument } from 'unperf/commander'`,
      `import { Command } from 'commander'`,
      `const store = new Map<string, string>()`,
      `// a hand-written unstorage driver as a tier`,
      `const mapDriver = { name: 'map', hasItem: (k: string) => store.has(k), getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => { store.set(k, v) }, getKeys: () => [...store.keys()] }`,
      `export const config = definePerfConfig({`,
      `  cache: { driver: ['memory', mapDriver, { driver: 'redis', url: 'redis://127.0.0.1:6379' }], ttl: '1h', namespaces: { s: { ttl: '30m', sliding: true } } },`,
      `  budgets: { mode: 'error', commands: { build: { duration: '2s', p95: '1.5s' } } },`,
      `  plugins: [definePerfPlugin({ name: 'p', async setup({ cache, shared }) { await cache.set('k', 1); await shared.get('k') } })],`,
      `  hooks: { 'command:after': (ctx, result) => { void ctx.name; void result.duration } },`,
      `})`,
      `const perf = await createPerf({ overrides: { cache: { driver: 'memory' } } })`,
      `const value: string = await perf.cache.wrap('k', async () => 'v', { ttl: '5m' })`,
      `void value; void runMain; void withPerf; void instrument(new Command('cli'))`,
      `// @ts-expect-error a typo in a nested key is an error`,
      `definePerfConfig({ cache: { tll: '1h' } })`,
    ].join('\n'))
    // API.md's samples as written there (a hidden config key or hook name they use would fail here)
    writeFileSync(join(project, 'api-sample.config.ts'), API_CONFIG_SAMPLE)
    writeFileSync(join(project, 'api-sample.plugin.ts'), API_PLUGIN_SAMPLE)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
      files: ['check.ts', 'api-sample.config.ts', 'api-sample.plugin.ts'],
    }))
    typeChecks('tsconfig.json')
    // a config, a plugin or a script type-checked without @types/node (a plugin package, a config-only
    // project): unperf's own types need none (they named NodeJS.ErrnoException and node:worker_threads)
    writeFileSync(join(project, 'no-node.ts'), [
      `import { definePerfConfig } from 'unperf/config'`,
      `import { createPerf, definePerfPlugin, type WorkerRunOptions } from 'unperf'`,
      `export const config = definePerfConfig({ cache: { driver: 'fs', ttl: '1h' }, plugins: [definePerfPlugin({ name: 'p', setup({ cache }) { void cache } })] })`,
      `const perf = await createPerf()`,
      `const options: WorkerRunOptions = { transferList: [new ArrayBuffer(8)] }`,
      `await perf.workers.run(new URL('./w.mjs', import.meta.url), 'f', [1], options)`,
      // every entry point (unperf/vitest's history helpers declared a Buffer parameter)
      `import reporter, { readTestHistory } from 'unperf/vitest'`,
      `void reporter; void readTestHistory`,
    ].join('\n'))
    writeFileSync(join(project, 'tsconfig.no-node.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], typeRoots: [] },
      files: ['no-node.ts'],
    }))
    typeChecks('tsconfig.no-node.json')
  }, 180_000)

  it('type-checks a host, a plugin and wrong config values under node16, nodenext and bundler resolution, ESM and CommonJS, with the strictest flags', () => {
    const dir = join(project, 'resolution')
    mkdirSync(join(dir, 'cjs'), { recursive: true })
    // an ES module host and plugin (.mts: ESM whatever the package type)
    writeFileSync(join(dir, 'host.mts'), [
      `import { definePerfConfig, type PerfConfig } from 'unperf/config'`,
      `import { createPerf, getPerf, definePerfPlugin, type PerfPlugin, type PerfPluginContext } from 'unperf'`,
      `import { withPerf } from 'unperf/citty'`,
      `import { instrument } from 'unperf/commander'`,
      `import reporter from 'unperf/vitest'`,
      `import { defineCommand } from 'citty'`,
      `import { Command } from 'commander'`,
      `export const plugin = definePerfPlugin<{ level: number; tag?: string }>({`,
      `  name: 'p',`,
      `  hooks: { 'command:before': ctx => { ctx.data['p'] = ctx.name }, 'command:after': (ctx, result) => { void ctx.argv[0]; void result.duration } },`,
      `  async setup({ perf, cache, shared, hooks, options }: PerfPluginContext<{ level: number; tag?: string }>) {`,
      `    const level: number = options.level; void level`,
      `    await cache.set('k', { a: 1 }, { ttl: '1h' })`,
      `    const v = await cache.get<{ a: number }>('k'); if (v) void v.a`,
      `    await shared.set('p:x', 'y')`,
      `    hooks.hook('cache:hit', e => { void e.namespace })`,
      `    void perf.config.cache.ttl`,
      `  },`,
      `})`,
      `export const config = definePerfConfig({ cache: { driver: ['memory', 'fs'], ttl: '1h' }, plugins: [[plugin, { level: 1 }], 'some-pkg', ['./x.mjs', { a: 1 }]] })`,
      `export const typed: PerfConfig = { cache: { ttl: false } }`,
      `const perf = await createPerf({ overrides: { cache: { driver: 'memory' } } })`,
      `const n: number = await perf.run('build', async ctx => ctx.argv.length, { argv: [] })`,
      `const s: string = await getPerf().cache.wrap('k', async () => 'v', { ttl: '5m' })`,
      `void n; void s; void (await perf.close()).commands`,
      `void withPerf(defineCommand({ meta: { name: 'x' }, run() {} })); void instrument(new Command('cli')); void reporter`,
      `export const any: PerfPlugin = plugin as PerfPlugin`,
    ].join('\n'))
    // wrong keys and values are type errors (an unused @ts-expect-error is one too)
    writeFileSync(join(dir, 'wrong.mts'), [
      `import { definePerfConfig } from 'unperf/config'`,
      `import { createPerf, definePerfPlugin } from 'unperf'`,
      `const perf = await createPerf()`,
      ...[
        `definePerfConfig({ nmae: 'x' })`,
        `definePerfConfig({ cache: { driver: 'fss' } })`,
        `definePerfConfig({ cache: { driver: ['memory', { driver: 'redis' }] } })`,
        `definePerfConfig({ cache: { ttl: true } })`,
        `definePerfConfig({ cache: { ttl: 'forever' } })`,
        `definePerfConfig({ cache: { maxSize: 'big' } })`,
        `definePerfConfig({ cache: { namespaces: { x: { tll: '1h' } } } })`,
        `definePerfConfig({ budgets: { mode: 'fail' } })`,
        `definePerfConfig({ budgets: { files: [{ path: 'x', limit: '1kB', compression: 'zip' }] } })`,
        `definePerfConfig({ report: { console: 'loud' } })`,
        `definePerfConfig({ concurrency: { default: 'fast' } })`,
        `definePerfConfig({ monitors: { prometheus: { port: 'x' } } })`,
        `definePerfConfig({ hooks: { 'command:aftr': () => {} } })`,
        `definePerfConfig({ hooks: { 'command:after': (ctx: number) => { void ctx } } })`,
        `definePerfConfig({ $staging: { cache: { ttl: '1h' } } })`,
        `definePerfConfig({ $env: { ci: { cache: { ttl: true } } } })`,
        `definePerfConfig({ plugins: [42] })`,
        `definePerfConfig({ plugins: [[definePerfPlugin<{ a: number }>({ name: 'x' }), { a: 'no' }]] })`,
        `definePerfConfig({ plugins: [definePerfPlugin<{ a: number }>({ name: 'x' })] })`,
        `definePerfPlugin({ name: 'x', hooks: { 'command:aftr': () => {} } })`,
        `definePerfPlugin({ setup() {} })`,
        // API.md's runtime: a hook's payload, a hook name, a pool option (a reserved namespace, 'plugin:x', type-checks: it throws at run time)
        `perf.hooks.hook('cache:hit', e => e.nope)`,
        `perf.hooks.hook('cache:hits', () => {})`,
        `await perf.pool('n').map([1], async x => x, { stopOnEror: true })`,
        `const v: { a: number } = await perf.cache.get<{ a: number }>('k')`,
      ].flatMap(line => ['// @ts-expect-error', line]),
    ].join('\n'))
    // a CommonJS package's host (its .ts files compile to require())
    writeFileSync(join(dir, 'cjs/package.json'), JSON.stringify({ name: 'cjs-host', version: '1.0.0', type: 'commonjs', private: true }))
    writeFileSync(join(dir, 'cjs/host.ts'), [
      `import { definePerfConfig } from 'unperf/config'`,
      `import { createPerf, definePerfPlugin } from 'unperf'`,
      `import { withPerf } from 'unperf/citty'`,
      `import { instrument } from 'unperf/commander'`,
      `export const config = definePerfConfig({ cache: { ttl: '1h' }, plugins: [definePerfPlugin({ name: 'c', setup() {} })] })`,
      `export async function main(): Promise<number> { const perf = await createPerf(); void withPerf; void instrument; return perf.run('x', () => 1) }`,
    ].join('\n'))
    // and what require() gives it at run time (Node >= 20.19: require() of an ES module, no top-level await)
    writeFileSync(join(dir, 'cjs/require.js'), `const names = ['unperf', 'unperf/config', 'unperf/citty', 'unperf/commander', 'unperf/vitest']\nconsole.log(JSON.stringify(names.map(n => Object.keys(require(n)).filter(k => k !== '__esModule').sort().join(','))))`)
    const run = spawnSync(process.execPath, ['cjs/require.js'], { cwd: dir, encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual([
      expect.stringContaining('createPerf,definePerfConfig,definePerfPlugin'), 'definePerfConfig', expect.stringContaining('withPerf'), expect.stringContaining('instrument'), expect.stringContaining('default'),
    ])
    const strictest = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true, target: 'es2022', types: [] }
    const settings: Array<[string, Record<string, string>, string[]]> = [
      // node16 refuses require() of an ES module (TS1479, as docs/adapters.md says): ES module files only
      ['node16', { module: 'node16', moduleResolution: 'node16' }, ['host.mts', 'wrong.mts']],
      ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, ['host.mts', 'wrong.mts', 'cjs/host.ts']],
      ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['host.mts', 'wrong.mts', 'cjs/host.ts']],
      ['preserve', { module: 'preserve', moduleResolution: 'bundler' }, ['host.mts', 'wrong.mts', 'cjs/host.ts']],
    ]
    for (const [name, resolution, files] of settings) {
      writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: { ...strictest, ...resolution }, files }))
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${name}.json`], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
      expect(`${tsc.stdout}${tsc.stderr}${tsc.error ?? ''}`, name).toBe('')
      expect(tsc.status, name).toBe(0)
    }
  }, 300_000)

  it('exits 2 on a broken config', () => {
    writeFileSync(join(project, 'perf.config.ts'), `export default { cache: { ttl: '10 parsecs' } }`)
    const result = spawnSync(join(project, 'node_modules/.bin/unperf'), ['config'], { cwd: project, encoding: 'utf8' })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`cache.ttl: expected a duration`)
  })
})
