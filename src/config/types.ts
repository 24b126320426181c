/**
 * Types of `perf.config.ts`: what users write ({@link PerfConfig}) and what unperf
 * resolves it to ({@link ResolvedPerfConfig}: numbers only, every default filled in).
 *
 * This file imports nothing at runtime: `unperf/config` re-exports it for free.
 */
import type { PerfHookHandlers } from '../hooks/types.js'
import type { PerfPlugin } from '../hooks/plugin-types.js'
import type { PerfConfigInput } from './plugin-options.js'
import type { METRIC_KINDS, MetricKind, MonitorMetric } from '../runtime/monitors/metric-kinds.js'

export type { MetricKind, MonitorMetric }

/** The units of a {@link Duration} string. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w'
/**
 * A duration: a number is milliseconds; a string takes a unit: `'250ms'`, `'10s'`, `'5m'`, `'1h'`, `'7d'`, `'2w'`.
 * A string without one of these units (`'1 hour'`, `'10 parsecs'`) is a type error, as it is a config error at run time;
 * a duration read from the environment is a `string`: check it, or cast it (`process.env.TTL as Duration`).
 */
export type Duration = number | `${number}${DurationUnit}`
/** `'kb'` → `'kb' | 'kB' | 'Kb' | 'KB'`: size units are case-insensitive. */
type AnyCase<S extends string> = S extends `${infer C}${infer R}` ? `${Uppercase<C> | Lowercase<C>}${AnyCase<R>}` : ''
/** The units of a {@link Size} string, in any case: `B`, `kB`/`KB` (1000), `KiB` (1024), `MB`, `MiB`, `GB`, `GiB`, `TB`, `TiB`. */
export type SizeUnit = AnyCase<'b' | 'kb' | 'mb' | 'gb' | 'tb' | 'kib' | 'mib' | 'gib' | 'tib'>
/**
 * A size: a number is bytes; a string takes a unit: `'512B'`, `'10kB'` (1000), `'10KiB'` (1024), `'50MB'`, `'1GB'`.
 * A string without a size unit (`'200 potatoes'`) is a type error, as it is a config error at run time.
 */
export type Size = number | `${number}${SizeUnit}`

// --- cache ---------------------------------------------------------------

/** What a redis tier takes beside where the server is (`url` or `host`: {@link RedisDriverOptions}). */
export interface RedisTierOptions {
  /** A Redis tier (ioredis, loaded only when used). */
  driver: 'redis'
  /** A number, or digits in a string (`port: process.env.REDIS_PORT`), checked at load. */
  port?: number | string | undefined
  /** A number, or digits in a string (`db: process.env.REDIS_DB`), checked at load. */
  db?: number | string | undefined
  /** ACL user name (Redis 6+). */
  username?: string | undefined
  /** The server's password (or in `url`). */
  password?: string | undefined
  /** `true` or ioredis TLS options. */
  tls?: boolean | Record<string, unknown> | undefined
  /** Extra key prefix before unperf's own `<name>:<scope>:` prefix. */
  base?: string | undefined
}
/**
 * Options of the built-in `redis` driver (ioredis 5, loaded only when used): its `url`
 * (`redis://[:password@]host:port/db`, `rediss://` for TLS) or its `host`. A tier naming neither
 * (`{ driver: 'redis' }`) is a type error, as it is a config error at load; either may be
 * `undefined` in the type (`url: process.env.REDIS_URL`), which the config refuses at load when unset.
 */
export type RedisDriverOptions =
  | (RedisTierOptions & {
    /** Where the server is: `redis://[:password@]host:port/db`, `rediss://` for TLS. */
    url: string | undefined
    /** The server's host name (with `port`, `db`, ...), instead of `url`. */
    host?: string | undefined
  })
  | (RedisTierOptions & {
    /** The server's host name (with `port`, `db`, ...), instead of `url`. */
    host: string | undefined
    /** Where the server is: `redis://[:password@]host:port/db`, `rediss://` for TLS. */
    url?: string | undefined
  })
/** Options of the built-in `fs` driver. */
export interface FsDriverOptions {
  /** A tier of files on disk. */
  driver: 'fs'
  /** Base directory. @default {@link CacheConfig.dir} */
  base?: string | undefined
}
export interface MemoryDriverOptions {
  /** A tier in this process's memory. */
  driver: 'memory'
}
/**
 * The drivers unstorage ships (`unstorage/drivers/<name>`), but for `memory`, `fs` and `redis`, which
 * are unperf's own tiers (with their own options, checked key by key).
 */
export type UnstorageDriverName =
  | 'azure-app-configuration' | 'azure-cosmos' | 'azure-key-vault' | 'azure-storage-blob' | 'azure-storage-table'
  | 'capacitor-preferences' | 'cloudflare-kv-binding' | 'cloudflare-kv-http' | 'cloudflare-r2-binding' | 'db0'
  | 'deno-kv' | 'deno-kv-node' | 'fs-lite' | 'github' | 'http' | 'indexedb' | 'localstorage' | 'lru-cache'
  | 'mongodb' | 'netlify-blobs' | 'null' | 'overlay' | 'planetscale' | 's3' | 'session-storage' | 'uploadthing'
  | 'upstash' | 'vercel-blob' | 'vercel-kv' | 'vercel-runtime-cache'
/**
 * Any other unstorage driver, by its name in `unstorage/drivers/<name>`, with its options. The name
 * is one of unstorage's (a plain `string` would also take `{ driver: 'redis', uri }`, a misspelt
 * option of the redis tier, which the config then refuses at run time); a driver of your own is
 * given as an instance.
 */
export interface UnstorageDriverOptions {
  /** The unstorage driver's name (`unstorage/drivers/<name>`); its options beside it. */
  driver: UnstorageDriverName
  [option: string]: unknown
}
/**
 * An unstorage driver instance (what `unstorage/drivers/<name>` factories and `defineDriver`
 * return), described by its shape: unstorage's own `Driver` type imports the option types of every
 * driver it ships (Azure, MongoDB, Deno, ...), which fail to type-check without `skipLibCheck`.
 * Any unstorage `Driver` is assignable to it.
 */
export interface StorageDriver {
  name?: string | undefined
  options?: unknown
  flags?: { maxDepth?: boolean | undefined; ttl?: boolean | undefined } | undefined
  hasItem(key: string, opts: object): unknown
  getItem(key: string, opts?: object): unknown
  getKeys(base: string, opts: object): unknown
  setItem?(key: string, value: string, opts: object): unknown
  removeItem?(key: string, opts: object): unknown
  clear?(base: string, opts: object): unknown
  dispose?(): unknown
}
/**
 * One storage tier. A redis tier is always the object form: it needs its `url` (or `host`), so
 * `'redis'` alone, which could only be refused at load, is not a `DriverSpec`.
 */
export type DriverSpec =
  | 'memory'
  | 'fs'
  | MemoryDriverOptions
  | FsDriverOptions
  | RedisDriverOptions
  | UnstorageDriverOptions
  | StorageDriver
/** A driver, or an array of drivers = tiers, fastest first. */
export type DriverConfig = DriverSpec | DriverSpec[]

/** Eviction policy of the memory tier: W-TinyLFU (frequency-aware admission) or plain LRU. */
export type CachePolicy = 'lru' | 'tinylfu'

export interface CacheNamespaceConfig {
  /** Time to live of entries in this namespace. `false` = never expire. @default the root `cache.ttl` */
  ttl?: Duration | false | undefined
  /** Replaces the root tiers for this namespace. */
  driver?: DriverConfig | undefined
  /** Bytes kept for this namespace; evicted beyond it by `policy`. @default the root `cache.maxSize` */
  maxSize?: Size | undefined
  /** Which entries the memory tier keeps when full. @default the root `cache.policy` */
  policy?: CachePolicy | undefined
  /**
   * Serve stale up to this long past expiry while revalidating. `true` = no limit. Applied when a
   * value is read: a change applies to the entries already stored. @default the root `cache.swr`
   */
  swr?: boolean | Duration | undefined
  /** When the producing function throws, serve a stale value up to this long past expiry. Applied when a value is read, as `swr`. @default the root `cache.staleIfError` */
  staleIfError?: boolean | Duration | undefined
  /** Each hit extends the entry's ttl (sessions). @default false */
  sliding?: boolean | undefined
  /** Compress values larger than this. `false` = never. @default the root `cache.compress` */
  compress?: Size | false | undefined
  /** Hash values and check on read. @default the root `cache.integrity` */
  integrity?: boolean | undefined
}

export interface CacheConfig {
  /** Master switch. Also off with env `UNPERF_CACHE=0` or the adapters' `--no-cache`. @default true */
  enabled?: boolean | undefined
  /**
   * Storage: `'memory' | 'fs' | { driver: 'redis', url, ... } | { driver, ...options } | an unstorage Driver`,
   * or an array of those = tiers, fastest first (`['memory', 'fs', { driver: 'redis', url }]`).
   * A redis tier needs its `url` (or `host`): `'redis'` alone is an error. @default 'fs'
   */
  driver?: DriverConfig | undefined
  /** Base directory of the fs driver. @default platform cache dir + '/' + name */
  dir?: string | undefined
  /**
   * Entry lifetime. Number = ms, string = '1d'. `false` = never expires; `0` is an error. Fixed in
   * each entry when it is written: a change applies to the entries written from then on. @default '1d'
   */
  ttl?: Duration | false | undefined
  /**
   * Bytes kept per namespace (unless a namespace sets its own) and in total over all namespaces of
   * the cache (memory tiers in the process, fs tiers on disk); least recently used evicted first.
   * @default '200MB'
   */
  maxSize?: Size | undefined
  /**
   * Which entries the memory tier keeps when full: `'lru'` (the least recently used goes first) or
   * `'tinylfu'` (W-TinyLFU: a new entry stays only if it is used more often than the one it would
   * replace: more hits on skewed workloads, a long-running service's say). fs tiers evict LRU.
   * @default 'lru'
   */
  policy?: CachePolicy | undefined
  /** Compress values larger than this (brotli). `false` disables. @default '4KB' */
  compress?: Size | false | undefined
  /** Hash each value; a mismatch on read is a miss and the entry is removed. @default true */
  integrity?: boolean | undefined
  /**
   * `true` or a duration: serve a stale value (up to that long past expiry) while revalidating.
   * Applied when a value is read: a change applies to the entries already stored (those a store
   * still holds: Redis drops a key at the end of the window it was written with). `false` = never
   * serve stale. @default false
   */
  swr?: boolean | Duration | undefined
  /** Serve a stale value up to this long past expiry when the producer throws. Applied when a value is read, as `swr`. @default false */
  staleIfError?: boolean | Duration | undefined
  /** Per remote-tier operation; past it the tier is skipped and marked down. @default '250ms' */
  timeout?: Duration | undefined
  /** Override the project id part of the scope. @default hash of package name + git remote, else real path */
  scope?: string | undefined
  /** Scopes unused this long are pruned. @default '7d' */
  scopeMaxAge?: Duration | undefined
  /** What starts the cache's scope over, empty: a new `version`, a change to one of `files`. */
  invalidate?: {
    /** A new `version` starts from an empty scope. @default true */
    version?: boolean | undefined
    /**
     * A content change in any of these (relative to `cwd`) invalidates the scope.
     * @default ['package.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock']
     */
    files?: string[] | undefined
  } | undefined
  /**
   * Named namespaces with their own ttl, driver and limits; what a namespace leaves out is the
   * root's. `'plugin:<name>'` configures the private namespace of the plugin `<name>` (its `cache`):
   * the host decides where a plugin's entries live and for how long. Configuring is not reaching:
   * `perf.cache.namespace('plugin:<name>')` still throws. A `plugin:<name>` key that matches no
   * loaded plugin is warned about, not an error (a plugin listed in one env only). An entry set to
   * `undefined` is absent (`git: ci ? { driver: 'memory' } : undefined`), as an optional key is.
   */
  namespaces?: Record<string, CacheNamespaceConfig | undefined> | undefined
}

// --- concurrency ---------------------------------------------------------

/** A concurrency level: a positive integer, `'auto'` = `os.availableParallelism()`, `'adaptive'` = tuned while running. */
export type Concurrency = number | 'auto' | 'adaptive'

export interface PoolConfig {
  /** Tasks running at once: a positive integer, `'auto'` or `'adaptive'` ({@link Concurrency}). @default concurrency.default */
  concurrency?: Concurrency | undefined
  /** Per-task timeout; the task's AbortSignal fires and the task rejects with a TimeoutError. `false` = none. @default false */
  timeout?: Duration | false | undefined
  /** Retries after the first attempt, with exponential backoff and jitter. @default 0 */
  retries?: number | undefined
  /** Base delay of the exponential backoff. @default '100ms' */
  backoff?: Duration | undefined
  /** Upper bound of one backoff delay. @default '10s' */
  maxBackoff?: Duration | undefined
}

export interface ConcurrencyConfig {
  /**
   * Concurrency of a pool that sets none (the default pool's too): a positive integer, `'auto'` =
   * available parallelism, `'adaptive'` = tuned from throughput and latency. @default 'auto'
   */
  default?: Concurrency | undefined
  /** Named pools (`perf.pool(name)`); an entry set to `undefined` is absent, as an optional key is. */
  pools?: Record<string, PoolConfig | undefined> | undefined
  /** Worker-thread pool for `perf.workers.run(module, fn, args)`. */
  workers?: {
    /** Threads at most: a positive integer, or `'auto'` = available parallelism. @default 'auto' */
    max?: number | 'auto' | undefined
    /** An idle thread ends after this long. Number = ms, string = `'5s'`. @default '5s' */
    idleTimeout?: Duration | undefined
    /**
     * Per attempt of a `perf.workers.run()` call, from the moment a thread takes it (waiting for a
     * free thread is not timed): past it the thread is terminated and the call rejects with
     * `TimeoutError`. `false` = no limit. @default false
     */
    timeout?: Duration | false | undefined
    /** Extra attempts of a failed `perf.workers.run()` call (a timeout included), 0 to 100. @default 0 */
    retries?: number | undefined
    /**
     * Heap limit of each worker thread (V8's old generation, `resourceLimits.maxOldGenerationSizeMb`,
     * whole MiB, at least 8): a task that needs more ends its thread, and the call rejects with
     * `ERR_WORKER_OUT_OF_MEMORY`, instead of the thread growing up to the process's limit. @default false
     */
    maxMemory?: Size | false | undefined
  } | undefined
}

// --- budgets --------------------------------------------------------------

export interface CommandBudget {
  /** This run's duration (the slowest, if it ran several times). Number = ms, string = `'2s'`. */
  duration?: Duration | undefined
  /** 95th percentile of the successful runs' durations over the recorded history, this run included. Number = ms, string = `'1.5s'`. */
  p95?: Duration | undefined
  /** Peak rss during the command. Number = bytes, string = `'200MB'`. */
  memory?: Size | undefined
}
export interface FileBudget {
  /** Glob relative to `cwd`, e.g. `'dist/*.mjs'`. */
  path: string
  /** Total size of the matched files after compression. */
  limit: Size
  /** @default 'none' */
  compression?: 'none' | 'gzip' | 'brotli' | undefined
}
export interface BudgetsConfig {
  /** `'warn'` prints; `'error'` also sets a non-zero exit code. @default 'warn' */
  mode?: 'warn' | 'error' | undefined
  /** Process start (`process.uptime()`) → start of the first command. Number = ms, string = `'250ms'`. @default none (not judged) */
  startup?: Duration | undefined
  /** Peak rss of the process. Number = bytes, string = `'100MB'`. @default none (not judged) */
  memory?: Size | undefined
  /**
   * Lowest cache hit rate, 0..1: (hits + stale) / (hits + stale + misses). Not judged when there were
   * no lookups or the cache was off for the run. @default none (not judged)
   */
  cacheHitRate?: number | undefined
  /** Per command name; an entry set to `undefined` is absent, as an optional key is. */
  commands?: Record<string, CommandBudget | undefined> | undefined
  /**
   * Size budgets of built files, as size-limit: the files matching each `path` (relative to `cwd`),
   * summed after `compression`; a glob that matches nothing fails. @default []
   */
  files?: FileBudget[] | undefined
  /** Detect regressions against the history of the same command. @default true */
  regressions?: boolean | undefined
}

// --- monitors -------------------------------------------------------------

/** A rate: bytes per second; a string takes a size unit, with or without `/s`: `'10MB/s'`, `'10MB'` (per second). */
export type Rate = Size | `${number}${SizeUnit}/s`
/** A percentage: a number is percent (`90`), a string takes `%` (`'90%'`). For a ratio metric (0–1), `'90%'` is 0.9. */
export type Percent = number | `${number}%`
/** The threshold a metric of this kind takes (the kinds: {@link MetricKind}). */
export type ThresholdOf<K extends MetricKind> =
  K extends 'size' ? Size : K extends 'duration' ? Duration : K extends 'rate' ? Rate : K extends 'percent' | 'ratio' ? Percent : number
/** An alert threshold of any metric (each metric's own: {@link AlertsConfig}). */
export type AlertThreshold = Size | Duration | Rate | Percent
/** A threshold: a bare value = `{ above: value }`. */
export type AlertRule<T = AlertThreshold> =
  | T
  | {
    /** Fires when the value is above this. */
    above?: T | undefined
    /** Fires when the value is below this. */
    below?: T | undefined
    /** How long every sample must breach before it fires. Number = ms, string = `'10s'`. @default 0 (the first breaching sample) */
    for?: Duration | undefined
  }
/**
 * Metric path → rule, each threshold in its metric's unit (the table: docs "Metrics and units"):
 * sizes for `memory.*` and `system.memory.*`/`system.disk.*` (`'500MB'`, or bytes), durations for
 * `eventLoop.p50|p99|max|mean`, `gc.pause` and `cpu.user|system` (`'100ms'`, or ms), rates for
 * `system.network.*` (`'10MB/s'`, or bytes per second), percentages for `*percent`/`*Percent`
 * (`90` or `'90%'`), a fraction for `eventLoop.utilization` (`0.9` or `'90%'`), plain numbers for
 * `handles.active`, `gc.count`, `system.load.avg`. An unknown path is a config error.
 */
export type AlertsConfig = { [M in MonitorMetric]?: AlertRule<ThresholdOf<(typeof METRIC_KINDS)[M]>> | undefined }

export type PrometheusConfig =
  | {
    /** Port of the HTTP endpoint; `0` = one the OS picks (`perf.monitors.prometheus.address()` says which). */
    port: number
    /** Interface it listens on. @default '127.0.0.1' */
    host?: string | undefined
    /** Path of the metrics; `/healthz` answers beside it. @default '/metrics' */
    path?: string | undefined
  }
  | {
    /** A textfile for node_exporter's textfile collector (name it `*.prom`), written every interval and at exit. */
    file: string
  }
  | {
    /** The Pushgateway's `http://` or `https://` url: one push at close. */
    pushgateway: string
    /** The pushgateway's `job` label. @default the config `name` */
    job?: string | undefined
    /**
     * More labels of the pushgateway's group key, beside `job` (`{ instance: process.env.CI_RUNNER_ID }`):
     * a push replaces its group, so machines pushing the same job without them overwrite each other. Values are
     * strings: an unset variable is a config error (`process.env.CI_RUNNER_ID ?? hostname()`), not a label left out.
     */
    grouping?: Record<string, string> | undefined
  }

export interface MonitorsConfig {
  /** `false`: no sampler, timer or server is created. @default true when `monitors` is present */
  enabled?: boolean | undefined
  /** Sampling period. Number = ms, string = `'1s'`. @default '1s' */
  interval?: Duration | undefined
  /** Event loop delay p50, p99, max, mean (ms) and utilization (0–1). @default true */
  eventLoop?: boolean | undefined
  /** `process.memoryUsage()`: rss, heapUsed, heapTotal, external, arrayBuffers (bytes). @default true */
  memory?: boolean | undefined
  /** CPU `percent` of one core, `user` and `system` ms, since the previous sample. @default true */
  cpu?: boolean | undefined
  /** Garbage collections: `count` and total `pause` (ms) since the previous sample. @default true */
  gc?: boolean | undefined
  /** systeminformation: load, memory, disk, network. Loaded lazily. @default false */
  system?: boolean | undefined
  /** Metric path → threshold in the metric's unit, e.g. `'memory.rss': { above: '500MB', for: '10s' }` ({@link AlertsConfig}). */
  alerts?: AlertsConfig | undefined
  /**
   * Prometheus export: an HTTP endpoint `{ port, host?, path? }`, a textfile `{ file }` or a push
   * at close `{ pushgateway, job?, grouping? }`. @default false
   */
  prometheus?: PrometheusConfig | false | undefined
  /** Export spans and metrics through @opentelemetry/api when installed. @default false */
  opentelemetry?: boolean | {
    /** The OpenTelemetry `service.name`. @default the config `name` */
    serviceName?: string | undefined
  } | undefined
}

// --- reports --------------------------------------------------------------

export interface ReportConfig {
  /** Console output at exit. @default 'summary' */
  console?: 'summary' | 'verbose' | false | undefined
  /** Where report.json, trace.json and history.jsonl go. Relative = against `cwd`. @default cache dir, per scope */
  dir?: string | undefined
  /** Runs kept in history.jsonl, the oldest dropped first. @default 100 */
  history?: number | undefined
  /** Keep history in a driver (e.g. redis) so fresh CI clones compare against past runs. */
  historyDriver?: DriverSpec | undefined
  /** Write trace.json (Chrome trace format). @default true */
  trace?: boolean | undefined
}

// --- the config file ------------------------------------------------------

/**
 * A plugin: an object, a module specifier, or `[plugin object or specifier, options]`. Any plugin
 * with any options: `definePerfConfig` checks each plugin's options against its own type
 * (see {@link PerfConfigInput}). `PerfPlugin<never>` is every plugin's type (`O` is only ever passed in).
 */
export type PluginConfigEntry = PerfPlugin<never> | string | readonly [PerfPlugin<never> | string, Record<string, unknown>?]

export interface PerfConfigBase {
  /** Cache dir name and metric prefix. @default host package.json name */
  name?: string | undefined
  /** The app's version: a new one starts from an empty cache scope (`cache.invalidate.version`). @default host package.json version */
  version?: string | undefined
  /** The cache (`perf.cache`): tiers, ttl, size limit, namespaces. Off with `enabled: false`, env `UNPERF_CACHE=0` or `--no-cache`. */
  cache?: CacheConfig | undefined
  /** The pools (`perf.pool(name)`), their default concurrency, and the worker threads (`perf.workers`). */
  concurrency?: ConcurrencyConfig | undefined
  /** Limits judged at `perf.close()`: startup, memory, cache hit rate, per command, file sizes. `mode: 'error'`: a breach is a non-zero exit. */
  budgets?: BudgetsConfig | undefined
  /** Sampling (event loop, memory, CPU, GC, system), alerts and the Prometheus export. Off when absent. */
  monitors?: MonitorsConfig | undefined
  /** The console summary and report.json, trace.json, history.jsonl written at close. */
  report?: ReportConfig | undefined
  /** Plugin objects, module specifiers (relative to `rootDir`, or package names) and `[plugin, options]`. */
  plugins?: readonly PluginConfigEntry[] | undefined
  /**
   * Bundle the plugin files `plugins` lists by path into one module beside the config snapshot: a
   * warm start loads that one module instead of one file per plugin (≈ 0.5 ms a plugin: 20 plugins, −9 to −10 ms). The
   * price: a plugin file the host imports itself (`import { state } from './plugins/x.mjs'`) is a
   * second instance of that module on warm runs. @default false
   */
  bundlePlugins?: boolean | undefined
  /** Listeners by hook name (`'command:after': (ctx, result) => {}`); a preset's and the project's of one hook both run. */
  hooks?: Partial<PerfHookHandlers> | undefined
  /** Other config files or presets to extend (c12). */
  extends?: string | string[] | undefined
}

/** What users write in `perf.config.ts`. */
export interface PerfConfig extends PerfConfigBase {
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`) is `development`. */
  $development?: PerfConfigBase | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`) is `test`. */
  $test?: PerfConfigBase | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`, else `production`) is `production`. */
  $production?: PerfConfigBase | undefined
  /** Layers per environment name (`PERF_ENV`, else `NODE_ENV`, else `production`); a block set to `undefined` is absent. */
  $env?: Record<string, PerfConfigBase | undefined> | undefined
}

export * from './resolved-types.js'
