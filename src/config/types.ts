/**
 * Types of `perf.config.ts`: what users write ({@link PerfConfig}) and what unperf
 * resolves it to ({@link ResolvedPerfConfig}: numbers only, every default filled in). The `cache` part
 * is in cache-types.ts, the `monitors` part in monitor-types.ts, both re-exported here.
 *
 * This file imports nothing at runtime: `unperf/config` re-exports it for free.
 */
import type { PerfHookHandlers } from '../hooks/types.js'
import type { PerfPlugin } from '../hooks/plugin-types.js'
import type { PerfConfigInput } from './plugin-options.js'
import type { MetricKind, MonitorMetric } from '../runtime/monitors/metric-kinds.js'
import type { CacheConfig, DriverSpec } from './cache-types.js'
import type { MonitorsConfig } from './monitor-types.js'

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

// --- concurrency ---------------------------------------------------------

/** A concurrency level: a positive integer, `'auto'` = `os.availableParallelism()`, `'adaptive'` = tuned while running. */
export type Concurrency = number | 'auto' | 'adaptive'

export interface PoolConfig {
  /** Tasks running at once: a positive integer, `'auto'` or `'adaptive'` ({@link Concurrency}). @default `concurrency.default` */
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

/**
 * An env block (`$development`, `$test`, `$production`, one of `$env`): a layer's keys without
 * `extends`, which apply at a layer's top level only (one in an env block is a config error).
 */
export interface PerfConfigEnvBlock extends Omit<PerfConfigBase, 'extends'> {}

/** What users write in `perf.config.ts`. */
export interface PerfConfig extends PerfConfigBase {
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`) is `development`. */
  $development?: PerfConfigEnvBlock | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`) is `test`. */
  $test?: PerfConfigEnvBlock | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`, else `production`) is `production`. */
  $production?: PerfConfigEnvBlock | undefined
  /** Layers per environment name (`PERF_ENV`, else `NODE_ENV`, else `production`); a block set to `undefined` is absent. */
  $env?: Record<string, PerfConfigEnvBlock | undefined> | undefined
}

export * from './cache-types.js'
export * from './monitor-types.js'
export * from './resolved-types.js'
