/**
 * A consumer compiled with `exactOptionalPropertyTypes` (a strict tsconfig many projects use) can
 * write what the contract writes: `dir: undefined` (API.md's own example), `url: process.env.REDIS_URL`,
 * and pass an option that may be undefined (`createPerf({ cwd: flags.cwd })`, `loadPerfConfig({ cwd: flags.cwd })`,
 * a metric's `labelNames`), a plugin's listener that may be undefined (`verbose ? log : undefined`,
 * docs/runtime.md's "an undefined listener is an absent one"), an entry of the name maps that may be
 * undefined (`namespaces: { git: ci ? { ttl: '5m' } : undefined }`, pools, budgets' commands, $env). The runtime takes an
 * undefined key as absent; without `| undefined` on the optional keys, the types refused all of it.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '../..')

const CONSUMER = `
import { definePerfConfig } from 'unperf/config'
import { createPerf, definePerfPlugin, loadPerfConfig } from 'unperf'
import { withPerf } from 'unperf/citty'
import { mergeTestHistory, UnperfReporter } from 'unperf/vitest'
import { defineConfig } from 'vitest/config'

declare const flags: { cwd?: string; env?: string | undefined; ttl?: string }
const maybe = (): string | undefined => undefined

export default definePerfConfig({
  name: 'acme',
  cache: {
    driver: 'fs', dir: undefined, ttl: '1d', maxSize: '200MB', compress: '4KB', swr: false, timeout: '250ms',
    invalidate: { version: true, files: ['package.json'] },
    namespaces: { http: { ttl: '1h', staleIfError: '7d', driver: undefined }, git: maybe() ? { ttl: '5m' } : undefined },
  },
  concurrency: { default: 'auto', pools: { network: { concurrency: 8, timeout: '10s', retries: 2 }, slow: maybe() ? { concurrency: 1 } : undefined }, workers: { max: 'auto', idleTimeout: '5s' } },
  budgets: { mode: 'warn', startup: undefined, commands: { build: maybe() ? { duration: '2s' } : undefined }, files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }] },
  monitors: { interval: '1s', alerts: { 'memory.rss': { above: '500MB', for: '10s' } }, prometheus: { port: 9464, host: undefined } },
  report: { console: 'summary', dir: undefined, history: 100, historyDriver: { driver: 'redis', url: process.env.REDIS_URL } },
  plugins: [definePerfPlugin({ name: 'p', hooks: undefined, setup: undefined }), definePerfPlugin({ name: 'q', hooks: { 'command:before': maybe() ? () => {} : undefined } })],
  $env: { ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: process.env.REDIS_URL }] }, budgets: { mode: 'error' } }, staging: maybe() ? { report: { console: false } } : undefined },
})

const perf = await createPerf({ cwd: flags.cwd, env: flags.env, configFile: maybe(), overrides: undefined })
await perf.cache.set('k', 1, { ttl: undefined, metadata: undefined })
// an entry's options in setMany() as in set(): the tuple's optional element took no undefined
await perf.cache.setMany([['a', 1, undefined], ['b', 2, flags.ttl === undefined ? undefined : { ttl: '1h' }], ['c', 3]])
await perf.cache.wrap('k', async () => 1, { ttl: flags.ttl === undefined ? undefined : '1h', files: undefined })
perf.cache.cached(async (a: string) => a, { name: 'n', key: undefined })
await perf.run('x', () => 1, { argv: undefined })
await perf.pool().map([1], x => x, { stopOnError: undefined })
await perf.graph({ a: { run: () => 1, deps: undefined } }, { pool: undefined })
withPerf({ meta: { name: 'acme' } }, { rootDir: maybe(), cwd: maybe(), configFile: maybe(), env: maybe(), perf: undefined, fastExit: undefined })
new UnperfReporter({ dir: maybe(), cwd: maybe(), rootDir: maybe(), env: maybe(), history: undefined, watch: undefined })
await loadPerfConfig({ rootDir: maybe(), cwd: flags.cwd, env: flags.env, configFile: maybe(), overrides: undefined, name: maybe(), noSnapshot: undefined })
perf.metrics.counter('jobs', 'Jobs.', { labelNames: undefined })
perf.metrics.gauge('queue', 'Queue.', { labelNames: undefined })
perf.metrics.histogram('lat_seconds', 'Latency.', { labelNames: undefined, buckets: undefined })
mergeTestHistory('.unperf/tests', [], { cap: 100, checkDirs: undefined })
// the vitest docs' reporter instance in a vitest.config.ts: its onTestRunStart took specifications
// whose optional keys had no '| undefined', which vitest 4's TestSpecification (testLines: number[] | undefined) is not
defineConfig({ test: { reporters: ['default', new UnperfReporter({ dir: '.unperf/tests', history: 50 })] } })
`

it('a consumer with exactOptionalPropertyTypes writes undefined where the runtime takes it as absent', () => {
  const dir = tempDir('unperf-exact-optional-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  const file = join(dir, 'consumer.ts')
  writeFileSync(file, CONSUMER)
  const program = ts.createProgram([file], {
    strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'], typeRoots: [join(root, 'node_modules/@types')], skipLibCheck: true,
    paths: {
      'unperf/config': [join(root, 'src/config/index.ts')],
      'unperf/citty': [join(root, 'src/adapters/citty.ts')],
      'unperf/vitest': [join(root, 'src/vitest/index.ts')],
      unperf: [join(root, 'src/index.ts')],
      'vitest/config': [join(root, 'node_modules/vitest/config.d.ts')],
    },
  })
  const problems = ts.getPreEmitDiagnostics(program)
    .filter(d => d.file?.fileName === file)
    .map(d => `${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
  expect(problems).toEqual([])
}, 60_000)
