/**
 * What unperf resolves `perf.config.ts` to ({@link ResolvedPerfConfig}): numbers only, every
 * default filled in. Re-exported by ./types.ts; imports nothing at runtime.
 */
import type { PerfHookHandlers } from '../hooks/types.js'
import type { PerfPlugin } from '../hooks/plugin-types.js'
import type { CachePolicy, StorageDriver } from './types.js'


export type ResolvedDriverSpec =
  | { driver: 'memory' }
  | { driver: 'fs'; base: string }
  | { driver: 'redis'; url?: string; host?: string; port?: number; db?: number; username?: string; password?: string; tls?: boolean | Record<string, unknown>; base?: string }
  | { driver: string; options: Record<string, unknown> }
  | { driver: 'custom'; instance: StorageDriver }

/**
 * `cache.driver` as the resolved config shows it: the driver name of each tier (`'fs'`;
 * `['memory', 'fs', 'redis']` for a tier list; `'custom'` for a driver instance). The options of
 * each tier (paths resolved, a redis url) are in `tiers`.
 */
export type ResolvedDriverNames = string | string[]

export interface ResolvedNamespaceConfig {
  ttl: number | false
  /** The driver name(s) of {@link ResolvedNamespaceConfig.tiers}: the root's when the namespace has no driver of its own. */
  driver: ResolvedDriverNames
  /** Tiers, fastest first. */
  tiers: ResolvedDriverSpec[]
  maxSize: number
  policy: CachePolicy
  /** ms past expiry a stale value may be served while revalidating; `Infinity` = no limit; false = off. */
  swr: number | false
  staleIfError: number | false
  sliding: boolean
  compress: number | false
  integrity: boolean
}

export interface ResolvedCacheConfig {
  enabled: boolean
  /** The driver name(s) of {@link ResolvedCacheConfig.tiers}: `'fs'` by default, `['memory', 'fs', 'redis']` for tiers. */
  driver: ResolvedDriverNames
  /** Tiers, fastest first, with their options. */
  tiers: ResolvedDriverSpec[]
  dir: string
  ttl: number | false
  /** Per namespace (the default of each) and over all namespaces together. */
  maxSize: number
  policy: CachePolicy
  compress: number | false
  integrity: boolean
  swr: number | false
  staleIfError: number | false
  timeout: number
  scope: string | undefined
  scopeMaxAge: number
  invalidate: { version: boolean; files: string[] }
  namespaces: Record<string, ResolvedNamespaceConfig>
}

export interface ResolvedPoolConfig {
  concurrency: number | 'adaptive'
  timeout: number | false
  retries: number
  backoff: number
  maxBackoff: number
}

export interface ResolvedConcurrencyConfig {
  default: number | 'adaptive'
  pools: Record<string, ResolvedPoolConfig>
  workers: { max: number; idleTimeout: number; timeout: number | false; retries: number; maxMemory: number | false }
}

export interface ResolvedBudgetsConfig {
  mode: 'warn' | 'error'
  startup?: number
  memory?: number
  cacheHitRate?: number
  commands: Record<string, { duration?: number; p95?: number; memory?: number }>
  files: { path: string; limit: number; compression: 'none' | 'gzip' | 'brotli' }[]
  regressions: boolean
}

export interface ResolvedAlertRule {
  above?: number
  below?: number
  /** ms the condition must hold before the alert fires. */
  for: number
}

export interface ResolvedMonitorsConfig {
  enabled: boolean
  interval: number
  eventLoop: boolean
  memory: boolean
  cpu: boolean
  gc: boolean
  system: boolean
  alerts: Record<string, ResolvedAlertRule>
  prometheus: false | { port: number; host: string; path: string } | { file: string } | { pushgateway: string; job: string; grouping: Record<string, string> }
  opentelemetry: false | { serviceName: string }
}

export interface ResolvedReportConfig {
  console: 'summary' | 'verbose' | false
  dir: string
  history: number
  historyDriver?: ResolvedDriverSpec
  trace: boolean
}

export interface ResolvedPluginRef {
  /** Plugin object, or a module specifier resolved from rootDir. */
  plugin: PerfPlugin<never> | string
  options: Record<string, unknown>
  /** The config layer that lists it (`perf.config.ts`, `.perfrc`, a preset's file), for messages. */
  from?: string
  /** That layer's file (absolute), when it has one. */
  file?: string
  /** The entry's key path in that file: `plugins[3]`, `$development.plugins[0]`, `$env.ci.plugins[1]`. */
  path?: string
  /** A preset's entry (a layer `extends` brought in): the preset's package name, else its file as in `from`. */
  preset?: string
}

/** The resolved config: durations in ms, sizes in bytes, every default filled in. */
export interface ResolvedPerfConfig {
  name: string
  version: string
  /** Where perf.config was looked for (the host CLI's package). */
  rootDir: string
  /** The project the command works on. */
  cwd: string
  /** The environment the `$<env>` layers were applied for. */
  env: string
  /** The config file found, if any. */
  configFile: string | undefined
  cache: ResolvedCacheConfig
  concurrency: ResolvedConcurrencyConfig
  budgets: ResolvedBudgetsConfig
  monitors: ResolvedMonitorsConfig
  report: ResolvedReportConfig
  plugins: ResolvedPluginRef[]
  /** Plugin files listed by path load from the config snapshot's plugin bundle (when fresh). */
  bundlePlugins: boolean
  hooks: Partial<PerfHookHandlers>
}
