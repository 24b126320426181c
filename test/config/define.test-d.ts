import { describe, expectTypeOf, it } from 'vitest'
import { definePerfConfig, type PerfConfig } from '../../src/config/index.js'
import type { CommandContext, CommandResult } from '../../src/hooks/types.js'

describe('definePerfConfig types', () => {
  it('accepts every documented key, with hooks typed in place', () => {
    const config = definePerfConfig({
      name: 'acme',
      cache: { driver: ['memory', 'fs', { driver: 'redis', url: 'redis://x' }], ttl: '1d', maxSize: '200MB', namespaces: { git: { ttl: '5m', driver: 'memory' } } },
      concurrency: { default: 'auto', pools: { network: { concurrency: 8, timeout: '10s', retries: 2 } } },
      budgets: { mode: 'error', files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }] },
      monitors: { alerts: { 'memory.rss': { above: '500MB', for: '10s' } }, prometheus: { port: 9464 } },
      hooks: {
        'command:after': (ctx, result) => {
          expectTypeOf(ctx).toEqualTypeOf<CommandContext>()
          expectTypeOf(result).toEqualTypeOf<CommandResult>()
        },
      },
      $env: { ci: { budgets: { mode: 'error' } } },
    })
    expectTypeOf(config).toEqualTypeOf<PerfConfig>()
  })

  it("takes the contract's (API.md) example as it is written", () => {
    definePerfConfig({
      name: 'acme',            // default: host package.json name; cache dir, metric prefix
      version: '1.4.0',        // default: host package.json version
      cache: {
        enabled: true,         // also off with env UNPERF_CACHE=0 or the adapters' --no-cache
        driver: 'fs',          // 'memory' | 'fs' | 'redis' | { driver: 'redis', url, ... } | an unstorage Driver
                               // | an array of those = tiers, fastest first: ['memory', 'fs', { driver: 'redis', url }]
        dir: undefined,        // fs base; default: platform cache dir + '/' + name
        ttl: '1d',             // false = never expires
        maxSize: '200MB',      // bytes kept; least recently used evicted first; never over by more than 10 %
        compress: '4KB',       // compress values larger than this; false disables
        integrity: true,       // hash each value; a mismatch on read is a miss, the entry removed
        swr: false,            // true or a duration: serve a stale value (up to that long past expiry) while revalidating
        timeout: '250ms',      // per remote-tier operation; past it the tier is skipped
        invalidate: {
          version: true,                               // a new `version` starts from an empty scope
          files: ['package.json', 'package-lock.json'] // a change to any of these invalidates the scope
        },
        namespaces: {                                  // a namespace's `driver` replaces the root tiers for it
          templates: { ttl: '7d' },
          git: { ttl: '5m', driver: 'memory' },
          http: { ttl: '1h', staleIfError: '7d' },
          sessions: { ttl: '30m', sliding: true },     // sliding: each hit extends the ttl
        },
      },
      concurrency: {
        default: 'auto',       // 'auto' = available parallelism; 'adaptive' = tuned from throughput and latency
        pools: { network: { concurrency: 8, timeout: '10s', retries: 2 } },
        workers: { max: 'auto', idleTimeout: '5s' },   // worker-thread pool for perf.workers.run(module, fn, args)
      },
      budgets: {
        mode: 'warn',          // 'warn' | 'error' (error → non-zero exit)
        startup: '250ms',      // process start → command start
        memory: '100MB',       // peak rss
        cacheHitRate: 0.7,     // not judged when there were no lookups
        commands: { build: { duration: '2s', p95: '1.5s', memory: '200MB' } },  // p95 over history
        files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }],  // 'none' | 'gzip' | 'brotli'
      },
      monitors: {
        interval: '1s',
        eventLoop: true, memory: true, cpu: true, system: false,   // system = systeminformation
        alerts: { 'memory.rss': { above: '500MB', for: '10s' }, 'eventLoop.p99': '100ms', 'cpu.percent': 90 },
        prometheus: { port: 9464, host: '127.0.0.1' },  // or { file: 'metrics.prom' } or { pushgateway: url }
      },
      report: {
        console: 'summary',    // 'summary' | 'verbose' | false
        dir: undefined,        // report.json, trace.json (Chrome trace), history.jsonl; default: in the cache dir, per scope
        history: 100,          // runs kept; `historyDriver: { driver: 'redis', url }` shares history across CI machines
      },
      plugins: [],
      hooks: { 'command:after': (ctx, result) => {} },
      $development: { cache: { driver: 'memory' } },
      $test: { cache: { enabled: false } },
      $env: { ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: process.env.REDIS_URL }] }, budgets: { mode: 'error' } } },
    })
  })

  it('takes a plugin object or a specifier with its options', () => {
    const plugin = { name: 'p', setup: () => {} }
    definePerfConfig({ plugins: [plugin, './p.mjs', ['./p.mjs', { a: 1 }], [plugin, { a: 1 }], [plugin]] })
  })

  it('rejects wrong types and unknown hook names', () => {
    // @ts-expect-error mode is 'warn' | 'error'
    definePerfConfig({ budgets: { mode: 'panic' } })
    // @ts-expect-error ttl is a duration or false
    definePerfConfig({ cache: { ttl: true } })
    // @ts-expect-error no such hook
    definePerfConfig({ hooks: { 'command:whenever': () => {} } })
  })

  it('takes every unit the config takes at run time, and rejects a string without one', () => {
    definePerfConfig({
      cache: { ttl: '2w', swr: '1.5h', timeout: '250ms', scopeMaxAge: '7d', maxSize: '1TiB', compress: '4kb', namespaces: { a: { ttl: 60_000, maxSize: '512b' } } },
      budgets: { startup: '10 s', memory: '50 MiB', files: [{ path: 'dist/*.mjs', limit: '50kB' }] },
      monitors: { interval: '1s' },
      report: { history: 10 },
    })
    // @ts-expect-error not a duration unit
    definePerfConfig({ cache: { ttl: '1 hour' } })
    // @ts-expect-error not a duration at all
    definePerfConfig({ cache: { swr: 'sometimes' } })
    // @ts-expect-error not a duration (in an environment block too)
    definePerfConfig({ $env: { ci: { monitors: { interval: 'fast' } } } })
    // @ts-expect-error not a size unit
    definePerfConfig({ cache: { maxSize: '200 potatoes' } })
    // @ts-expect-error a duration is no size
    definePerfConfig({ budgets: { files: [{ path: 'x', limit: '5s' }] } })
    definePerfConfig({ monitors: { alerts: { 'memory.rss': { above: '500MB', for: '10s' }, 'eventLoop.p99': '100ms', 'cpu.percent': 90, 'memory.heapUsed': { below: 1e6 } } } })
    // @ts-expect-error a threshold string takes a unit
    definePerfConfig({ monitors: { alerts: { 'memory.rss': 'lots' } } })
    // @ts-expect-error in { above } too
    definePerfConfig({ monitors: { alerts: { 'eventLoop.p99': { above: '100 msec' } } } })
    // each metric takes its own unit (the metric table): a size, a rate, a percentage, a duration for cpu time
    definePerfConfig({ monitors: { alerts: { 'system.disk.used': { above: '50GB' }, 'system.network.rxSec': '10MB/s', 'cpu.percent': '90%', 'eventLoop.utilization': '90%', 'cpu.user': '200ms', 'handles.active': 500 } } })
    // @ts-expect-error a metric no monitor samples
    definePerfConfig({ monitors: { alerts: { 'memory.rs': '500MB' } } })
    // @ts-expect-error a size is no percentage
    definePerfConfig({ monitors: { alerts: { 'cpu.percent': '90MB' } } })
    // @ts-expect-error a duration is no size
    definePerfConfig({ monitors: { alerts: { 'system.disk.used': { above: '5s' } } } })
    // @ts-expect-error a plain number takes no unit
    definePerfConfig({ monitors: { alerts: { 'handles.active': '5%' } } })
  })

  it("rejects a misspelt option of a built-in driver (the config refuses it at run time), keeps unstorage's drivers open", () => {
    // @ts-expect-error uri is not an option of the redis tier (url is)
    definePerfConfig({ cache: { driver: { driver: 'redis', uri: 'redis://127.0.0.1:6379' } } })
    // @ts-expect-error in a tier list, in an environment block
    definePerfConfig({ $env: { ci: { cache: { driver: ['memory', { driver: 'redis', url: 'redis://x', timeout: 5 }] } } } })
    // @ts-expect-error fs takes a base only
    definePerfConfig({ cache: { driver: { driver: 'fs', dir: '/tmp' } } })
    // @ts-expect-error 'redis' alone: a redis tier without its url, which the config refuses at run time
    definePerfConfig({ cache: { driver: 'redis' } })
    // @ts-expect-error in a tier list as well
    definePerfConfig({ $env: { ci: { cache: { driver: ['memory', 'fs', 'redis'] } } } })
    // @ts-expect-error and as the history's driver
    definePerfConfig({ report: { historyDriver: 'redis' } })
    // @ts-expect-error the object form without its url or host (it type-checked; the config refuses it at load)
    definePerfConfig({ cache: { driver: { driver: 'redis' } } })
    // @ts-expect-error in a tier list, in a namespace
    definePerfConfig({ cache: { namespaces: { x: { driver: ['memory', { driver: 'redis', password: 'p' }] } } } })
    // @ts-expect-error as the history's driver
    definePerfConfig({ report: { historyDriver: { driver: 'redis', db: 1 } } })
    // either may come from the environment, unset then (the config refuses that at load)
    definePerfConfig({ cache: { driver: [{ driver: 'redis', url: process.env.REDIS_URL }, { driver: 'redis', host: process.env.REDIS_HOST, db: 2 }] } })
    definePerfConfig({ cache: { driver: ['memory', { driver: 'lru-cache', max: 500 }, { driver: 'fs', base: './c' }, { driver: 'redis', host: 'h', port: 6379, password: 'p' }] } })
    // the redis port and db as docs/cache.md writes them: digits from the environment, checked at load
    definePerfConfig({ cache: { driver: { driver: 'redis', host: 'h', port: process.env.REDIS_PORT, db: process.env.REDIS_DB } } })
  })

  it('rejects unknown keys at every level, not only the top one', () => {
    // @ts-expect-error typo at the top
    definePerfConfig({ cahce: {} })
    // @ts-expect-error typo in cache
    definePerfConfig({ cache: { ttl: '1h', tll: '5m' } })
    // @ts-expect-error typo in a namespace
    definePerfConfig({ cache: { namespaces: { git: { ttl: '5m', slidng: true } } } })
    // @ts-expect-error typo in a plugin's namespace (configured by the host like any other)
    definePerfConfig({ cache: { namespaces: { 'plugin:git-info': { ttl: '5m', slidng: true } } } })
    definePerfConfig({ cache: { namespaces: { 'plugin:git-info': { ttl: '1h', driver: 'memory', maxSize: '5MB', sliding: true } } } })
    // @ts-expect-error typo in budgets
    definePerfConfig({ budgets: { startup: '1s', statrup: '2s' } })
    // @ts-expect-error typo in an environment block
    definePerfConfig({ $development: { cache: { drivr: 'memory' } } })
  })

  it('takes extends at the top level only: one in an env block is refused at run time, so the types refuse it too', () => {
    definePerfConfig({ extends: './base', $development: { cache: { driver: 'memory' } } })
    definePerfConfig({ extends: ['./base', 'preset'] })
    // @ts-expect-error extends in $development
    definePerfConfig({ $development: { extends: './dev' } })
    // @ts-expect-error extends in $test
    definePerfConfig({ $test: { extends: './test' } })
    // @ts-expect-error extends in $production
    definePerfConfig({ $production: { extends: './prod' } })
    // @ts-expect-error extends in an $env block
    definePerfConfig({ $env: { ci: { extends: ['./ci'] } } })
    const block: PerfConfig = { $development: { cache: { ttl: '1h' } } }
    // @ts-expect-error PerfConfig itself (a config typed without definePerfConfig)
    const typed: PerfConfig = { $env: { ci: { extends: './ci' } } }
    expectTypeOf(block).toEqualTypeOf(typed)
  })
})
