/**
 * The code samples of API.md (the public contract), verbatim: the perf.config.ts sample is
 * type-checked (pack.test.ts) and loaded (conform-config.test.ts) on the packed package.
 */

/** API.md, "perf.config.ts". */
export const API_CONFIG_SAMPLE = `import { definePerfConfig } from 'unperf/config'

export default definePerfConfig({
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
      version: true,                               // a new \`version\` starts from an empty scope
      files: ['package.json', 'package-lock.json'] // a change to any of these invalidates the scope
    },
    namespaces: {                                  // a namespace's \`driver\` replaces the root tiers for it
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
    history: 100,          // runs kept; \`historyDriver: { driver: 'redis', url }\` shares history across CI machines
  },
  plugins: [],
  hooks: { 'command:after': (ctx, result) => {} },
  $development: { cache: { driver: 'memory' } },
  $test: { cache: { enabled: false } },
  $env: { ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: process.env.REDIS_URL }] }, budgets: { mode: 'error' } } },
})
`

/** API.md, "Plugins" (the sample imports definePerfPlugin from 'unperf', as its Runtime sample shows). */
export const API_PLUGIN_SAMPLE = `import { definePerfPlugin } from 'unperf'

export default definePerfPlugin({
  name: 'git-info',
  hooks: { 'command:before': (ctx) => {} },
  setup({ perf, cache, shared, hooks, options }) {}  // cache: this plugin's own namespace; shared: the shared one
})
`
