/**
 * Turns a validated, merged config into the ResolvedPerfConfig: units to numbers, defaults filled,
 * paths absolute. One resolver per top-level key (nitro style). Unit problems are collected as issues.
 */
import { availableParallelism } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { configIssue, type ConfigIssue } from '../errors.js'
import { platformCacheDir, projectId } from '../runtime/project.js'
import { DEFAULTS } from './defaults.js'
import type {
  AlertRule, DriverConfig, DriverSpec, PerfConfigBase, ResolvedAlertRule, ResolvedBudgetsConfig, ResolvedCacheConfig,
  ResolvedConcurrencyConfig, ResolvedDriverSpec, ResolvedMonitorsConfig, ResolvedNamespaceConfig, ResolvedPerfConfig,
  ResolvedPluginRef, ResolvedReportConfig, CacheNamespaceConfig, Concurrency,
} from './types.js'
import { parseDuration, parseSize } from './units.js'
import type { FileForPath } from './validate.js'

export interface ResolveContext {
  rootDir: string
  cwd: string
  env: string
  configFile: string | undefined
  /** name/version of the host package (rootDir/package.json). */
  hostName: string | undefined
  hostVersion: string | undefined
  fileFor: FileForPath
}

class Resolver {
  issues: ConfigIssue[] = []
  constructor(readonly ctx: ResolveContext) {}

  duration(value: unknown, path: string): number {
    const ms = parseDuration(value)
    if (ms === undefined) this.issue(path, "a duration like '10m' or a number of ms", value)
    return ms ?? 0
  }
  positiveDuration(value: unknown, path: string): number {
    const ms = this.duration(value, path)
    if (ms === 0 && parseDuration(value) !== undefined) this.issue(path, 'a duration greater than 0 (use false to disable)', value)
    return ms
  }
  ttl(value: unknown, path: string): number | false {
    if (value === false) return false
    if (value === 0 || (typeof value === 'string' && parseDuration(value) === 0)) {
      this.issue(path, "a duration greater than 0 (0 is ambiguous: use false for 'never expires')", value)
      return false
    }
    return this.duration(value, path)
  }
  size(value: unknown, path: string): number {
    const bytes = parseSize(value)
    if (bytes === undefined) this.issue(path, "a size like '50MB' or a number of bytes", value)
    return bytes ?? 0
  }
  sizeOrFalse(value: unknown, path: string): number | false {
    return value === false ? false : this.size(value, path)
  }
  stale(value: unknown, path: string): number | false {
    if (value === undefined || value === false) return false
    if (value === true) return Number.POSITIVE_INFINITY
    return this.duration(value, path)
  }
  issue(path: string, expected: string, found: unknown): void {
    this.issues.push(configIssue(this.ctx.fileFor(path), path, expected, found))
  }
  path(p: string): string {
    return isAbsolute(p) ? p : resolve(this.ctx.cwd, p)
  }
}

export function resolvePerfConfig(input: PerfConfigBase, ctx: ResolveContext): { config: ResolvedPerfConfig; issues: ConfigIssue[] } {
  const r = new Resolver(ctx)
  const name = input.name ?? ctx.hostName ?? 'unperf-app'
  const version = input.version ?? ctx.hostVersion ?? '0.0.0'
  const cache = resolveCache(r, input, name)
  const config: ResolvedPerfConfig = {
    name,
    version,
    rootDir: ctx.rootDir,
    cwd: ctx.cwd,
    env: ctx.env,
    configFile: ctx.configFile,
    cache,
    concurrency: resolveConcurrency(r, input),
    budgets: resolveBudgets(r, input),
    monitors: resolveMonitors(r, input),
    report: resolveReport(r, input, name, cache),
    plugins: resolvePlugins(input),
    hooks: { ...input.hooks },
  }
  return { config, issues: r.issues }
}

// --- resolvers, one per key ---

function resolveCache(r: Resolver, input: PerfConfigBase, name: string): ResolvedCacheConfig {
  const c = input.cache ?? {}
  const d = DEFAULTS.cache
  const dir = c.dir ? r.path(c.dir) : platformCacheDir(name)
  const envOff = process.env.UNPERF_CACHE === '0' || process.env.UNPERF_CACHE === 'false'
  const root = {
    ttl: r.ttl(c.ttl ?? d.ttl, 'cache.ttl'),
    maxSize: r.size(c.maxSize ?? d.maxSize, 'cache.maxSize'),
    policy: c.policy ?? d.policy,
    compress: r.sizeOrFalse(c.compress ?? d.compress, 'cache.compress'),
    integrity: c.integrity ?? d.integrity,
    swr: r.stale(c.swr ?? d.swr, 'cache.swr'),
    staleIfError: r.stale(c.staleIfError ?? d.staleIfError, 'cache.staleIfError'),
  }
  const tiers = resolveTiers(r, c.driver ?? d.driver, 'cache.driver', dir)
  const namespaces: Record<string, ResolvedNamespaceConfig> = {}
  for (const [ns, options] of Object.entries(c.namespaces ?? {})) {
    namespaces[ns] = resolveNamespace(r, options, `cache.namespaces.${ns}`, root, tiers, dir)
  }
  return {
    enabled: envOff ? false : (c.enabled ?? d.enabled),
    tiers,
    dir,
    ...root,
    timeout: r.positiveDuration(c.timeout ?? d.timeout, 'cache.timeout'),
    scope: c.scope,
    scopeMaxAge: r.positiveDuration(c.scopeMaxAge ?? d.scopeMaxAge, 'cache.scopeMaxAge'),
    invalidate: {
      version: c.invalidate?.version ?? d.invalidate.version,
      files: [...(c.invalidate?.files ?? d.invalidate.files)],
    },
    namespaces,
  }
}

function resolveNamespace(
  r: Resolver, o: CacheNamespaceConfig, path: string,
  root: Pick<ResolvedNamespaceConfig, 'ttl' | 'maxSize' | 'policy' | 'compress' | 'integrity' | 'swr' | 'staleIfError'>,
  tiers: ResolvedDriverSpec[], dir: string,
): ResolvedNamespaceConfig {
  return {
    ttl: o.ttl === undefined ? root.ttl : r.ttl(o.ttl, `${path}.ttl`),
    tiers: o.driver === undefined ? tiers : resolveTiers(r, o.driver, `${path}.driver`, dir),
    maxSize: o.maxSize === undefined ? root.maxSize : r.size(o.maxSize, `${path}.maxSize`),
    policy: o.policy ?? root.policy,
    swr: o.swr === undefined ? root.swr : r.stale(o.swr, `${path}.swr`),
    staleIfError: o.staleIfError === undefined ? root.staleIfError : r.stale(o.staleIfError, `${path}.staleIfError`),
    sliding: o.sliding ?? false,
    compress: o.compress === undefined ? root.compress : r.sizeOrFalse(o.compress, `${path}.compress`),
    integrity: o.integrity ?? root.integrity,
  }
}

export function resolveTiers(r: Pick<Resolver, 'issue' | 'path'>, driver: DriverConfig, path: string, dir: string): ResolvedDriverSpec[] {
  const list = Array.isArray(driver) ? driver : [driver]
  return list.map((spec, i) => resolveDriver(r, spec, Array.isArray(driver) ? `${path}[${i}]` : path, dir))
}

/** The options each built-in driver takes; any other unstorage driver's are passed to it as they are. */
const BUILTIN_DRIVER_OPTIONS: Record<string, string[] | undefined> = {
  memory: ['driver'],
  fs: ['driver', 'base'],
  redis: ['driver', 'url', 'host', 'port', 'db', 'username', 'password', 'tls', 'base'],
}

function resolveDriver(r: Pick<Resolver, 'issue' | 'path'>, spec: DriverSpec, path: string, dir: string): ResolvedDriverSpec {
  if (spec === 'memory') return { driver: 'memory' }
  if (spec === 'fs') return { driver: 'fs', base: dir }
  if (spec === 'redis') {
    r.issue(path, "a redis tier with a url: { driver: 'redis', url: 'redis://host:6379' } (or host/port)", spec)
    return { driver: 'redis' }
  }
  if (typeof spec === 'object' && spec !== null && typeof (spec as { getItem?: unknown }).getItem === 'function') {
    return { driver: 'custom', instance: spec as Extract<ResolvedDriverSpec, { driver: 'custom' }>['instance'] }
  }
  const o = spec as { driver: string; [k: string]: unknown }
  const known = BUILTIN_DRIVER_OPTIONS[o.driver]
  if (known) {
    // a misspelt option of a built-in driver (`pasword`, a per-tier `timeout`) would be ignored silently
    for (const key of Object.keys(o)) {
      if (!known.includes(key)) r.issue(`${path}.${key}`, `an option of the ${o.driver} driver (${known.filter(k => k !== 'driver').join(', ') || 'none'})${key === 'timeout' ? '; a remote tier\'s timeout is cache.timeout' : ''}`, key)
    }
  }
  if (o.driver === 'memory') return { driver: 'memory' }
  if (o.driver === 'fs') return { driver: 'fs', base: typeof o.base === 'string' ? r.path(o.base) : dir }
  if (o.driver === 'redis') {
    if (!o.url && !o.host) r.issue(`${path}.url`, "a redis url like 'redis://127.0.0.1:6379' (or host/port)", o.url)
    const { driver: _d, ...rest } = o
    return { driver: 'redis', ...(rest as Omit<Extract<ResolvedDriverSpec, { driver: 'redis' }>, 'driver'>) }
  }
  const { driver, ...options } = o
  return { driver, options }
}

const AUTO = Symbol('auto')

function concurrencyValue(r: Resolver, value: Concurrency, path: string): number | 'adaptive' | typeof AUTO {
  if (value === 'adaptive') return 'adaptive'
  if (value === 'auto') return AUTO
  if (!Number.isInteger(value) || value < 1) r.issue(path, "a positive integer, 'auto' or 'adaptive'", value)
  return value
}

/**
 * Sets `target[key]`; an 'auto' value becomes a number on first read (os.availableParallelism()):
 * node:os costs ~0.6 ms to load, and most commands never look at a pool's size.
 */
function setConcurrency<T extends object>(target: T, key: keyof T & string, value: number | 'adaptive' | typeof AUTO, auto: () => number = availableParallelism): void {
  if (value !== AUTO) {
    (target as Record<string, unknown>)[key] = value
    return
  }
  Object.defineProperty(target, key, {
    enumerable: true, configurable: true,
    get() {
      const n = auto()
      Object.defineProperty(target, key, { value: n, enumerable: true, writable: true, configurable: true })
      return n
    },
    set(v: unknown) {
      Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true })
    },
  })
}

function resolveConcurrency(r: Resolver, input: PerfConfigBase): ResolvedConcurrencyConfig {
  const c = input.concurrency ?? {}
  const d = DEFAULTS.concurrency
  const def = concurrencyValue(r, c.default ?? d.default, 'concurrency.default')
  const pools: ResolvedConcurrencyConfig['pools'] = {}
  for (const [name, p] of Object.entries(c.pools ?? {})) {
    const path = `concurrency.pools.${name}`
    const pool = {
      concurrency: 0, // set below (an existing key keeps its place in the object)
      timeout: p.timeout === undefined || p.timeout === false ? false : r.positiveDuration(p.timeout, `${path}.timeout`),
      retries: p.retries ?? d.pool.retries,
      backoff: r.duration(p.backoff ?? d.pool.backoff, `${path}.backoff`),
      maxBackoff: r.duration(p.maxBackoff ?? d.pool.maxBackoff, `${path}.maxBackoff`),
    } as ResolvedConcurrencyConfig['pools'][string]
    setConcurrency(pool, 'concurrency', p.concurrency === undefined ? def : concurrencyValue(r, p.concurrency, `${path}.concurrency`))
    pools[name] = pool
  }
  const w = c.workers ?? {}
  const max = w.max ?? d.workers.max
  const workers = {
    max: 0,
    idleTimeout: r.duration(w.idleTimeout ?? d.workers.idleTimeout, 'concurrency.workers.idleTimeout'),
    timeout: w.timeout === undefined || w.timeout === false ? false : r.positiveDuration(w.timeout, 'concurrency.workers.timeout'),
    retries: w.retries ?? d.workers.retries,
  } as ResolvedConcurrencyConfig['workers']
  setConcurrency(workers, 'max', max === 'auto' ? AUTO : max, () => Math.max(1, availableParallelism() - 1))
  const resolved: ResolvedConcurrencyConfig = { default: 0, pools, workers }
  setConcurrency(resolved, 'default', def)
  return resolved
}

function resolveBudgets(r: Resolver, input: PerfConfigBase): ResolvedBudgetsConfig {
  const b = input.budgets ?? {}
  const commands: ResolvedBudgetsConfig['commands'] = {}
  for (const [name, c] of Object.entries(b.commands ?? {})) {
    const path = `budgets.commands.${name}`
    commands[name] = {
      ...(c.duration !== undefined && { duration: r.duration(c.duration, `${path}.duration`) }),
      ...(c.p95 !== undefined && { p95: r.duration(c.p95, `${path}.p95`) }),
      ...(c.memory !== undefined && { memory: r.size(c.memory, `${path}.memory`) }),
    }
  }
  return {
    mode: b.mode ?? DEFAULTS.budgets.mode,
    ...(b.startup !== undefined && { startup: r.duration(b.startup, 'budgets.startup') }),
    ...(b.memory !== undefined && { memory: r.size(b.memory, 'budgets.memory') }),
    ...(b.cacheHitRate !== undefined && { cacheHitRate: b.cacheHitRate }),
    commands,
    files: (b.files ?? []).map((f, i) => ({
      path: f.path,
      limit: r.size(f.limit, `budgets.files[${i}].limit`),
      compression: f.compression ?? 'none',
    })),
    regressions: b.regressions ?? DEFAULTS.budgets.regressions,
  }
}

/** Alert thresholds take the unit of their metric: memory sizes, event loop and gc pause durations, others plain numbers. */
function alertValue(r: Resolver, metric: string, value: unknown, path: string): number {
  if (/^(memory|system\.mem)/.test(metric)) return r.size(value, path)
  if (/^(eventLoop\.(p50|p99|max|mean)|gc\.pause)/.test(metric)) return r.duration(value, path)
  if (typeof value === 'number' && Number.isFinite(value)) return value
  r.issue(path, 'a number', value)
  return 0
}

function resolveAlert(r: Resolver, metric: string, rule: AlertRule, path: string): ResolvedAlertRule {
  if (typeof rule !== 'object' || rule === null) return { above: alertValue(r, metric, rule, path), for: 0 }
  if (rule.above === undefined && rule.below === undefined) r.issue(path, '{ above } or { below } (or both)', rule)
  return {
    ...(rule.above !== undefined && { above: alertValue(r, metric, rule.above, `${path}.above`) }),
    ...(rule.below !== undefined && { below: alertValue(r, metric, rule.below, `${path}.below`) }),
    for: rule.for === undefined ? 0 : r.duration(rule.for, `${path}.for`),
  }
}

function resolveMonitors(r: Resolver, input: PerfConfigBase): ResolvedMonitorsConfig {
  const m = input.monitors
  const d = DEFAULTS.monitors
  const o = m ?? {}
  const alerts: Record<string, ResolvedAlertRule> = {}
  for (const [metric, rule] of Object.entries(o.alerts ?? {})) alerts[metric] = resolveAlert(r, metric, rule, `monitors.alerts.${metric}`)
  const p = o.prometheus
  let prometheus: ResolvedMonitorsConfig['prometheus'] = false
  if (p && 'port' in p) prometheus = { port: p.port, host: p.host ?? d.host, path: p.path ?? d.path }
  else if (p && 'file' in p) prometheus = { file: r.path(p.file) }
  else if (p && 'pushgateway' in p) prometheus = { pushgateway: p.pushgateway, job: p.job ?? (input.name ?? r.ctx.hostName ?? 'unperf') }
  const otel = o.opentelemetry
  return {
    enabled: m === undefined ? false : (o.enabled ?? true),
    interval: r.positiveDuration(o.interval ?? d.interval, 'monitors.interval'),
    eventLoop: o.eventLoop ?? d.eventLoop,
    memory: o.memory ?? d.memory,
    cpu: o.cpu ?? d.cpu,
    gc: o.gc ?? d.gc,
    system: o.system ?? d.system,
    alerts,
    prometheus,
    opentelemetry: !otel ? false : { serviceName: (typeof otel === 'object' && otel.serviceName) || (input.name ?? r.ctx.hostName ?? 'unperf-app') },
  }
}

function resolveReport(r: Resolver, input: PerfConfigBase, name: string, cache: ResolvedCacheConfig): ResolvedReportConfig {
  const o = input.report ?? {}
  const d = DEFAULTS.report
  const dir = o.dir ? r.path(o.dir) : join(platformCacheDir(name), 'reports', projectId(r.ctx.cwd, cache.scope))
  return {
    console: o.console ?? d.console,
    dir,
    history: o.history ?? d.history,
    ...(o.historyDriver !== undefined && { historyDriver: resolveTiers(r, o.historyDriver, 'report.historyDriver', join(dir, 'history-store'))[0]! }),
    trace: o.trace ?? d.trace,
  }
}

function resolvePlugins(input: PerfConfigBase): ResolvedPluginRef[] {
  return (input.plugins ?? []).map(entry => {
    if (Array.isArray(entry)) return { plugin: entry[0], options: { ...entry[1] } }
    return { plugin: entry, options: {} }
  })
}
