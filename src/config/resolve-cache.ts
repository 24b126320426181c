/**
 * The cache key: root options, namespaces (each inherits what it leaves out) and the driver tiers
 * (resolveTiers is also report.historyDriver's).
 */
import { platformCacheDir } from '../runtime/project.js'
import { DEFAULTS } from './defaults.js'
import { badRedisUrl, driverOptionIssue, redisUrlProblemIssue, unknownDriverOption } from './driver-option-issues.js'
import { keyPath } from './key-path.js'
import type { Resolver } from './resolver.js'
import type {
  CacheNamespaceConfig, DriverConfig, DriverSpec, PerfConfigBase, ResolvedCacheConfig, ResolvedDriverNames, ResolvedDriverSpec, ResolvedNamespaceConfig,
} from './types.js'

export function resolveCache(r: Resolver, input: PerfConfigBase, name: string): ResolvedCacheConfig {
  const c = input.cache ?? {}
  const d = DEFAULTS.cache
  const dir = c.dir ? r.path(c.dir, 'cache.dir') : platformCacheDir(name)
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
  const driverConfig = c.driver ?? d.driver
  const tiers = resolveTiers(r, driverConfig, 'cache.driver', dir)
  const driver = driverNames(driverConfig, tiers)
  const namespaces: Record<string, ResolvedNamespaceConfig> = {}
  for (const [ns, options] of Object.entries(c.namespaces ?? {})) {
    if (options === undefined) continue // an entry set to undefined is absent (validate.ts)
    namespaces[ns] = resolveNamespace(r, options, keyPath('cache.namespaces', ns), root, driver, tiers, dir)
  }
  return {
    enabled: envOff ? false : (c.enabled ?? d.enabled),
    driver,
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
  rootDriver: ResolvedDriverNames, rootTiers: ResolvedDriverSpec[], dir: string,
): ResolvedNamespaceConfig {
  const tiers = o.driver === undefined ? rootTiers : resolveTiers(r, o.driver, `${path}.driver`, dir)
  return {
    ttl: o.ttl === undefined ? root.ttl : r.ttl(o.ttl, `${path}.ttl`),
    driver: o.driver === undefined ? rootDriver : driverNames(o.driver, tiers),
    tiers,
    maxSize: o.maxSize === undefined ? root.maxSize : r.size(o.maxSize, `${path}.maxSize`),
    policy: o.policy ?? root.policy,
    swr: o.swr === undefined ? root.swr : r.stale(o.swr, `${path}.swr`),
    staleIfError: o.staleIfError === undefined ? root.staleIfError : r.stale(o.staleIfError, `${path}.staleIfError`),
    sliding: o.sliding ?? false,
    compress: o.compress === undefined ? root.compress : r.sizeOrFalse(o.compress, `${path}.compress`),
    integrity: o.integrity ?? root.integrity,
  }
}

/** `cache.driver` in the resolved config: each tier's driver name, a list when the config gave one. */
function driverNames(driver: DriverConfig, tiers: ResolvedDriverSpec[]): ResolvedDriverNames {
  const names = tiers.map(t => t.driver)
  return Array.isArray(driver) ? names : names[0] ?? 'fs'
}

export function resolveTiers(r: Pick<Resolver, 'issue' | 'path'>, driver: DriverConfig, path: string, dir: string): ResolvedDriverSpec[] {
  if (!Array.isArray(driver)) return [resolveDriver(r, driver, path, dir)]
  const tiers = driver.map((spec, i) => resolveDriver(r, spec, `${path}[${i}]`, dir))
  // the same store twice (['memory', 'memory'], one redis url twice): each entry written to it twice, read twice
  const stores = tiers.map(storeOf)
  stores.forEach((store, i) => {
    const first = stores.indexOf(store)
    if (store !== undefined && first < i) r.issue(`${path}[${i}]`, `a tier other than ${path}[${first}] (it names the same store: each entry would be written to it twice)`, driver[i])
  })
  return tiers
}

/** What a built-in tier stores in (a driver instance: itself); undefined for another unstorage driver. */
function storeOf(t: ResolvedDriverSpec): unknown {
  if ('options' in t) return undefined
  if ('instance' in t) return t.instance
  const o = t as Extract<ResolvedDriverSpec, { driver: 'redis' }>
  return t.driver === 'redis' ? `redis:${JSON.stringify([o.url, o.host, o.port, o.db, o.base])}` : `${t.driver}:${o.base}`
}

/**
 * The options each built-in driver takes (`known`; any other unstorage driver's are passed to it as
 * they are), and their `types` as the drivers use them (redis.ts hands them to ioredis, fs.ts
 * resolves `base`): a wrong one is a config error naming its key path, not a surprise at the first
 * cache operation. `secret`: the value found is told by its type only. Made on the first driver
 * given as an object: a start whose tiers are all named (`'memory'`, `'fs'`) never makes them
 * (≈ 2.5 kB of young generation at every start when they were module constants, session 29).
 */
interface OptionType { expected: string; ok: (value: unknown) => boolean; secret?: boolean }
interface DriverOptionTables { known: Record<string, string[] | undefined>; types: Record<string, Record<string, OptionType> | undefined> }
let driverOptions: DriverOptionTables | undefined
function driverOptionTables(): DriverOptionTables {
  if (driverOptions) return driverOptions
  const isString = (v: unknown) => typeof v === 'string'
  const isNonEmptyString = (v: unknown) => typeof v === 'string' && v !== ''
  const isPlainObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v)
  return driverOptions = {
    known: {
      memory: ['driver'],
      fs: ['driver', 'base'],
      redis: ['driver', 'url', 'host', 'port', 'db', 'username', 'password', 'tls', 'base'],
    },
    types: {
      fs: { base: { expected: 'a directory path (a non-empty string)', ok: isNonEmptyString } },
      redis: {
        // url: checked below (its shape too)
        host: { expected: 'a host name (a non-empty string)', ok: isNonEmptyString },
        // digits in a string too (`port: process.env.REDIS_PORT`): resolved to the number
        port: { expected: 'an integer from 1 to 65535', ok: v => { const n = integerOf(v); return n !== undefined && n >= 1 && n <= 65535 } },
        db: { expected: 'an integer ≥ 0 (the database number)', ok: v => integerOf(v) !== undefined },
        username: { expected: 'a string', ok: isString, secret: true },
        password: { expected: 'a string', ok: isString, secret: true },
        tls: { expected: 'true, false or an object of TLS options', ok: v => typeof v === 'boolean' || isPlainObject(v), secret: true },
        base: { expected: 'a key prefix (a string)', ok: isString },
      },
    },
  }
}

/** A non-negative integer given as a number or as digits in a string (an environment variable). */
function integerOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value
  return Number.isInteger(n) && (n as number) >= 0 ? (n as number) : undefined
}

function checkOptionTypes(r: Pick<Resolver, 'issue'>, o: Record<string, unknown>, path: string): void {
  const types = driverOptionTables().types[o.driver as string]
  if (!types) return
  for (const [key, type] of Object.entries(types)) {
    const value = o[key]
    // an option set to undefined is an absent one (`password: process.env.REDIS_PASSWORD`)
    if (value === undefined || type.ok(value)) continue
    driverOptionIssue(r, keyPath(path, key), type.expected, value, type.secret)
  }
}

function resolveDriver(r: Pick<Resolver, 'issue' | 'path'>, spec: DriverSpec, path: string, dir: string): ResolvedDriverSpec {
  if (spec === 'memory') return { driver: 'memory' }
  if (spec === 'fs') return { driver: 'fs', base: dir }
  // not a DriverSpec nor in the schema (validation refuses it first); kept for a config whose values were not validated
  if ((spec as unknown) === 'redis') {
    r.issue(path, "a redis tier with a url: { driver: 'redis', url: 'redis://host:6379' } (or host/port)", spec)
    return { driver: 'redis' }
  }
  if (typeof spec === 'object' && spec !== null && typeof (spec as { getItem?: unknown }).getItem === 'function') {
    return { driver: 'custom', instance: spec as Extract<ResolvedDriverSpec, { driver: 'custom' }>['instance'] }
  }
  const o = spec as { driver: string; [k: string]: unknown }
  const known = driverOptionTables().known[o.driver]
  if (known) {
    // a misspelt option of a built-in driver (`pasword`, a per-tier `timeout`) would be ignored silently
    for (const key of Object.keys(o)) {
      if (!known.includes(key)) unknownDriverOption(r, keyPath(path, key), o.driver, known, key)
    }
    checkOptionTypes(r, o, path)
  }
  if (o.driver === 'memory') return { driver: 'memory' }
  if (o.driver === 'fs') return { driver: 'fs', base: typeof o.base === 'string' ? r.path(o.base, `${path}.base`) : dir }
  if (o.driver === 'redis') {
    if (!o.url && !o.host) r.issue(`${path}.url`, "a redis url like 'redis://127.0.0.1:6379' (or host/port)", o.url)
    // its issues (a deferred module: error paths only) say why without showing the value (it may hold a password)
    else if (o.url !== undefined && !isRedisUrl(o.url)) badRedisUrl(r, `${path}.url`, o.url)
    else if (typeof o.url === 'string') {
      const problem = redisUrlProblem(o.url)
      if (problem) redisUrlProblemIssue(r, `${path}.url`, problem)
    }
    const { driver: _d, ...rest } = o
    for (const key of ['port', 'db'] as const) {
      const n = integerOf(rest[key])
      if (n !== undefined) rest[key] = n
    }
    return { driver: 'redis', ...(rest as Omit<Extract<ResolvedDriverSpec, { driver: 'redis' }>, 'driver'>) }
  }
  const { driver, ...options } = o
  return { driver, options }
}

/** What ioredis reads as intended: redis:// or rediss:// urls, `host[:port]`, a unix socket path. */
function isRedisUrl(url: unknown): boolean {
  if (typeof url !== 'string' || /\s/.test(url)) return false
  if (url.startsWith('/') || /^[\w.-]+(?::\d{1,5})?$/.test(url)) return true
  if (!URL.canParse(url)) return false
  const { protocol } = new URL(url)
  return protocol === 'redis:' || protocol === 'rediss:'
}

/**
 * What ioredis would fail on in a redis url that parses: a database path that is not a number
 * (`/x`: it sends SELECT NaN, whose rejection goes unhandled and ends the process), or user info
 * that is not valid percent-encoding (it throws 'URI malformed' on connecting).
 */
function redisUrlProblem(url: string): 'db' | 'userinfo' | undefined {
  if (!/^rediss?:\/\//i.test(url)) return undefined
  const u = new URL(url)
  const dbs = [u.pathname.length > 1 ? u.pathname.slice(1) : undefined, u.searchParams.get('db') ?? undefined]
  if (dbs.some(db => db !== undefined && !/^\d+$/.test(db))) return 'db'
  try {
    decodeURIComponent(u.username)
    decodeURIComponent(u.password)
  } catch {
    return 'userinfo'
  }
  return undefined
}
