/**
 * schema/perf.config.schema.json is kept in sync with the TypeScript types (src/config/types.ts):
 * every object level has the same keys on both sides. Regenerate with `node scripts/schema-source.mjs`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { validateConfig } from '../../src/config/validate.js'
import { unknownDriverIssues } from '../../src/config/driver-names.js'
import { resolvePerfConfig } from '../../src/config/resolve.js'
import type { PerfConfigBase } from '../../src/config/types.js'
import { METRIC_KINDS } from '../../src/runtime/monitors/metric-kinds.js'
import { strictAjv } from './_ajv.js'
import { configTypes, driverOf, keyDoc, membersOf, objectTypes } from '../../scripts/schema-docs.mjs'

const root = join(import.meta.dirname, '../..')
const schema = JSON.parse(readFileSync(join(root, 'schema/perf.config.schema.json'), 'utf8'))

type Node = Record<string, any>
function deref(node: Node): Node {
  while (node?.$ref) node = schema.$defs[node.$ref.replace('#/$defs/', '')]
  return node
}
/** The object-shaped branch of a schema node (through $ref and anyOf). */
function objectBranch(node: Node): Node | undefined {
  const n = deref(node)
  if (!n) return undefined
  if (n.type === 'object' && (n.properties || n.additionalProperties)) return n
  for (const b of n.anyOf ?? []) {
    const o = objectBranch(b)
    if (o && o.properties && !o.required?.includes('getItem') && !o.required?.includes('driver')) return o
  }
  return undefined
}

function collect(): string[] {
  const { checker, rootType } = configTypes()
  const mismatches: string[] = []

  const isPlainObject = (t: ts.Type) =>
    !!(t.flags & ts.TypeFlags.Object) && !checker.isArrayType(t) && t.getCallSignatures().length === 0 && checker.getPropertiesOfType(t).length > 0
  const objectMember = (t: ts.Type): ts.Type | undefined => {
    const n = checker.getNonNullableType(t)
    if (n.isUnion()) {
      const objs = n.types.filter(isPlainObject).filter(x => !checker.getPropertyOfType(x, 'getItem') && !checker.getPropertyOfType(x, 'driver') && !checker.getPropertyOfType(x, 'port') && !checker.getPropertyOfType(x, 'file') && !checker.getPropertyOfType(x, 'pushgateway'))
      return objs.length === 1 ? objs[0] : undefined
    }
    return isPlainObject(n) ? n : undefined
  }

  const walk = (type: ts.Type, node: Node, path: string, depth: number) => {
    if (depth > 6) return
    const obj = objectBranch(node)
    if (!obj) { mismatches.push(`${path}: schema has no object for a TS object type`); return }
    const index = checker.getIndexInfosOfType(type)[0]
    if (index && checker.getPropertiesOfType(type).length === 0) {
      const valueObj = objectMember(index.type)
      if (valueObj && obj.additionalProperties && typeof obj.additionalProperties === 'object') walk(valueObj, obj.additionalProperties, `${path}.*`, depth + 1)
      return
    }
    const tsKeys = checker.getPropertiesOfType(type).map(p => p.name).sort()
    // hook maps list their names in propertyNames.enum
    const schemaKeys = (obj.propertyNames?.enum ? [...obj.propertyNames.enum] : Object.keys(obj.properties ?? {})).filter((k: string) => !['$schema', '$meta'].includes(k)).sort()
    if (obj.propertyNames?.enum) {
      if (JSON.stringify(tsKeys) !== JSON.stringify(schemaKeys)) mismatches.push(`${path}: TS hook names [${tsKeys}] vs schema [${schemaKeys}]`)
      return
    }
    if (JSON.stringify(tsKeys) !== JSON.stringify(schemaKeys)) {
      mismatches.push(`${path || '(root)'}: TS keys [${tsKeys}] vs schema keys [${schemaKeys}]`)
      return
    }
    for (const prop of checker.getPropertiesOfType(type)) {
      const propType = checker.getTypeOfSymbol(prop)
      const member = objectMember(propType)
      if (member && obj.properties[prop.name]) walk(member, obj.properties[prop.name], path ? `${path}.${prop.name}` : prop.name, depth + 1)
    }
  }
  walk(rootType, schema, '', 0)
  return mismatches
}

/**
 * Every property of the schema (following `$ref`s from the root, through anyOf, allOf/then, maps,
 * arrays and tuples; not the `if` and `not` conditions, which no config key is) with the key path
 * of a config that reaches it: `cache.namespaces.*.ttl`, `cache.driver.(redis).port` (a built-in
 * driver's options), `plugins.*.0.name` (a tuple's first item).
 */
function schemaProperties(): { path: string[]; node: Node }[] {
  const out: { path: string[]; node: Node }[] = []
  const walk = (node: Node | boolean | undefined, path: string[], depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 20) return
    const n = deref(node)
    for (const [key, value] of Object.entries(n.properties ?? {})) {
      out.push({ path: [...path, key], node: value as Node })
      walk(value as Node, [...path, key], depth + 1)
    }
    for (const branch of n.anyOf ?? []) walk(branch, path, depth + 1)
    // a built-in driver's options (if/then); another allOf item only constrains a key documented above (the pushgateway url's scheme)
    for (const { if: when, then } of n.allOf ?? []) if (when) walk(then, [...path, `(${when.properties.driver.const})`], depth + 1)
    walk(n.additionalProperties, [...path, '*'], depth + 1)
    walk(n.items, [...path, '*'], depth + 1)
    n.prefixItems?.forEach((item: Node, i: number) => walk(item, [...path, String(i)], depth + 1))
  }
  walk(schema, [], 0)
  return out
}
/** The doc comment of the key at the end of a config key path, the types walked from `PerfConfig`. */
function typeDocs() {
  const { checker, rootType } = configTypes()
  return (path: string[]) => {
    let members = [rootType]
    for (const segment of path.slice(0, -1)) {
      const driver = /^\((.+)\)$/.exec(segment)?.[1]
      const types = driver ? objectTypes(members, checker).filter(m => driverOf(m, checker) === driver)
        : segment === '*' ? [
          ...objectTypes(members, checker).flatMap(m => checker.getIndexInfosOfType(m).map(i => i.type)),
          ...members.filter(m => checker.isArrayType(m)).flatMap(m => checker.getTypeArguments(m as ts.TypeReference)),
        ]
          : /^\d+$/.test(segment) ? members.filter(m => checker.isTupleType(m)).map(m => checker.getTypeArguments(m as ts.TypeReference)[Number(segment)]!)
            : objectTypes(members, checker).flatMap(m => { const p = checker.getPropertyOfType(m, segment); return p ? [checker.getTypeOfSymbol(p)] : [] })
      members = types.flatMap(t => membersOf(t, checker))
    }
    return keyDoc(members, path.at(-1)!, checker)
  }
}

describe('JSON Schema', () => {
  it('has the same keys as the TypeScript types at every level', () => {
    expect(collect()).toEqual([])
  })

  it("documents every property, at every depth, with its key's doc comment in the types (editors show it on hover)", () => {
    const docOf = typeDocs()
    const properties = schemaProperties()
    // the env blocks, maps of namespaces and pools, each built-in driver's options, the prometheus variants, the alert rules
    for (const path of ['$env.*.cache.namespaces.*.ttl', '$development', 'concurrency.pools.*.backoff', 'cache.driver.(redis).port', 'cache.driver.*.(fs).base', 'monitors.prometheus.pushgateway', 'monitors.alerts.memory.rss.above', 'budgets.files.*.compression', 'plugins.*.0.name']) {
      expect(properties.map(p => p.path.join('.'))).toContain(path)
    }
    const undocumented: string[][] = []
    for (const { path, node } of properties) {
      const doc = docOf(path)
      if (!doc) { undocumented.push(path); continue }
      expect([path.join('.'), node.description, node.default]).toEqual([path.join('.'), doc.description, doc.default])
    }
    // no doc comment in the types: an alert's metric (a key of a mapped type: described by its
    // kind, from metric-kinds.ts) and the keys of JSON files only
    const isMetric = (path: string[]) => path.at(-3) === 'monitors' && path.at(-2) === 'alerts' && path.at(-1)! in METRIC_KINDS
    expect(undocumented.filter(p => !isMetric(p)).map(p => p.join('.'))).toEqual(['$schema', '$meta'])
    expect(undocumented.filter(isMetric).length).toBe(Object.keys(METRIC_KINDS).length * 5)
    // among the tiers (any driver), a redis option is said to be redis's; in a redis tier, its doc alone
    const anyTier = schema.$defs.driverSpec.anyOf.find((b: Node) => b.allOf).properties
    expect([anyTier.port.description, anyTier.base.description]).toEqual([expect.stringMatching(/^redis: A number/), expect.stringMatching(/^fs: Base directory\. .* redis: Extra key prefix/)])
    for (const { path, node } of properties) {
      // standard keywords only: VS Code's markdownDescription would make a strict ajv (its default) refuse the schema
      expect([path.join('.'), typeof node.description, 'markdownDescription' in node]).toEqual([path.join('.'), 'string', false])
    }
  })

  it('is the file scripts/schema-source.mjs generates', async () => {
    const { execFileSync } = await import('node:child_process')
    // and its copy without the documentation, which unperf's own validator reads
    const files = ['schema/perf.config.schema.json', 'src/config/validator-schema.json'].map(f => join(root, f))
    const before = files.map(f => readFileSync(f, 'utf8'))
    execFileSync(process.execPath, [join(root, 'scripts/schema-source.mjs')])
    expect(files.map(f => readFileSync(f, 'utf8'))).toEqual(before)
  })

  it("compiles in a standard validator's strict mode (ajv, JSON Schema 2020-12), which agrees with unperf's own on valid and invalid configs", async () => {
    // strict: no unknown keywords, no type lists, closed tuples: what editors and CI linters load too
    const ajv = strictAjv()
    const validate = ajv.compile(schema)
    const configs: Record<string, [unknown, boolean]> = {
      // API.md's example (its JSON-representable part)
      'the contract example': [{
        name: 'acme', version: '1.4.0',
        cache: {
          enabled: true, driver: ['memory', 'fs', { driver: 'redis', url: 'redis://cache:6379' }], ttl: '1d', maxSize: '200MB', compress: '4KB', integrity: true, swr: false, timeout: '250ms',
          invalidate: { version: true, files: ['package.json', 'package-lock.json'] },
          namespaces: { templates: { ttl: '7d' }, git: { ttl: '5m', driver: 'memory' }, http: { ttl: '1h', staleIfError: '7d' }, sessions: { ttl: '30m', sliding: true } },
        },
        concurrency: { default: 'auto', pools: { network: { concurrency: 8, timeout: '10s', retries: 2 } }, workers: { max: 'auto', idleTimeout: '5s' } },
        budgets: { mode: 'warn', startup: '250ms', memory: '100MB', cacheHitRate: 0.7, commands: { build: { duration: '2s', p95: '1.5s', memory: '200MB' } }, files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }] },
        monitors: { interval: '1s', eventLoop: true, memory: true, cpu: true, system: false, alerts: { 'memory.rss': { above: '500MB', for: '10s' }, 'eventLoop.p99': '100ms', 'cpu.percent': 90 }, prometheus: { port: 9464, host: '127.0.0.1' } },
        report: { console: 'summary', history: 100, historyDriver: { driver: 'redis', url: 'redis://cache:6379' } },
        plugins: ['./plugins/a.mjs', ['./plugins/b.mjs', { level: 2 }], ['./plugins/c.mjs']],
        $development: { cache: { driver: 'memory' } }, $test: { cache: { enabled: false } },
        $env: { ci: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: 'redis://cache:6379' }] }, budgets: { mode: 'error' } } },
      }, true],
      'a duration without a unit': [{ cache: { ttl: '1 hour' } }, false],
      'an unknown driver name': [{ cache: { driver: 'mongo' } }, false],
      // a tier's driver name: the published schema enumerates them (editors flag a typo); unperf's
      // validator takes any, and the load's own check refuses it (driver-names.ts, with a did-you-mean)
      "a misspelt tier's driver name": [{ cache: { driver: ['memory', { driver: 'reddis', url: 'redis://127.0.0.1:6379' }] } }, false],
      "a misspelt unstorage driver's name, in a namespace": [{ cache: { namespaces: { t: { driver: { driver: 'lru-cach' } } } } }, false],
      'a misspelt key': [{ cache: { ttll: '1h' } }, false],
      'an unknown budget mode': [{ budgets: { mode: 'fatal' } }, false],
      'a plugin tuple of three': [{ plugins: [['./p.mjs', {}, 3]] }, false],
      'an empty tier list': [{ cache: { driver: [] } }, false],
      'a negative size': [{ cache: { maxSize: -1 } }, false],
      'an unknown hook name': [{ hooks: { 'comand:before': 1 } }, false],
      // the built-in drivers' option types (editors check them through the schema too)
      'every built-in driver option of the right type': [{ cache: { driver: [{ driver: 'memory' }, { driver: 'fs', base: './c' }, { driver: 'redis', host: '127.0.0.1', port: 6379, db: 2, username: 'u', password: 'p', tls: { rejectUnauthorized: false }, base: 'app' }, { driver: 'redis', url: 'rediss://h:6380/1', port: ' 6380 ', db: '3', tls: true }, { driver: 'redis', url: '/run/redis.sock' }] } }, true],
      'another unstorage driver\'s options are its own': [{ cache: { driver: { driver: 'fs-lite', base: 42, port: 'any' } } }, true],
      'a redis port out of range': [{ cache: { driver: { driver: 'redis', host: 'h', port: 70000 } } }, false],
      'a redis port that is not digits': [{ cache: { driver: { driver: 'redis', host: 'h', port: 'x6379' } } }, false],
      'a negative redis db': [{ cache: { driver: { driver: 'redis', host: 'h', db: -1 } } }, false],
      'a redis password that is not a string': [{ cache: { driver: { driver: 'redis', host: 'h', password: 31337 } } }, false],
      'a redis tls that is a string': [{ cache: { driver: { driver: 'redis', host: 'h', tls: 'pem' } } }, false],
      'a redis url of another scheme': [{ cache: { driver: { driver: 'redis', url: 'ftp://h' } } }, false],
      'a redis tier without url or host': [{ cache: { driver: { driver: 'redis', port: 6379 } } }, false],
      // API.md: a redis tier without a url is a config error; the schema accepted 'redis' alone (editors said nothing)
      "'redis' alone": [{ cache: { driver: 'redis' } }, false],
      "'redis' alone in a tier list": [{ cache: { namespaces: { shared: { driver: ['memory', 'redis'] } } } }, false],
      "'redis' alone as the history's driver": [{ report: { historyDriver: 'redis' } }, false],
      'an empty redis host': [{ report: { historyDriver: { driver: 'redis', host: '' } } }, false],
      'an fs base that is a number': [{ cache: { namespaces: { tmp: { driver: { driver: 'fs', base: 3 } } } } }, false],
      'an option the fs driver does not take': [{ cache: { driver: { driver: 'fs', bsae: '/x' } } }, false],
      'an option the memory driver does not take': [{ cache: { driver: { driver: 'memory', max: 10 } } }, false],
      'a misspelt redis password': [{ cache: { driver: { driver: 'redis', host: 'h', pasword: 'x' } } }, false],
      // API.md: `ttl: 0` is an error (ambiguous); so is 0 wherever unperf refuses it (timeouts, intervals)
      'a ttl of 0': [{ cache: { ttl: 0 } }, false],
      "a ttl of '0s'": [{ cache: { ttl: '0s' } }, false],
      "a namespace's ttl of '0.0m'": [{ cache: { namespaces: { git: { ttl: ' 0.0m ' } } } }, false],
      'a cache.timeout of 0': [{ cache: { timeout: 0 } }, false],
      "a scopeMaxAge of '0d'": [{ cache: { scopeMaxAge: '0d' } }, false],
      'a monitors.interval of 0': [{ monitors: { interval: 0 } }, false],
      "a pool timeout of '0ms'": [{ concurrency: { pools: { network: { timeout: '0ms' } } } }, false],
      'a workers timeout of 0': [{ concurrency: { workers: { timeout: 0 } } }, false],
      'an alert object without above or below': [{ monitors: { alerts: { 'memory.rss': { for: '10s' } } } }, false],
      'an alert object with below only': [{ monitors: { alerts: { 'eventLoop.utilization': { below: 0.1, for: '1m' } } } }, true],
      'durations just over 0, and false where it disables': [{ cache: { ttl: '0.5s', timeout: 1, scopeMaxAge: '10d', namespaces: { git: { ttl: false } } }, monitors: { interval: '05s' }, concurrency: { pools: { network: { timeout: false } }, workers: { timeout: 0.5 } } }, true],
      // durations are whole ms: one that rounds to 0 is refused where 0 is (the schema accepted 0 < x < 0.5)
      'a ttl of 0.4 (rounds to 0 ms)': [{ cache: { ttl: 0.4 } }, false],
      'a cache.timeout of 0.0001': [{ cache: { timeout: 0.0001 } }, false],
      "a namespace's ttl of '0.4ms'": [{ cache: { namespaces: { git: { ttl: '0.4ms' } } } }, false],
      "a monitors.interval of '0.0004s'": [{ monitors: { interval: '0.0004s' } }, false],
      "a scopeMaxAge of ' 0.000008m ' (0.48 ms)": [{ cache: { scopeMaxAge: ' 0.000008m ' } }, false],
      "a workers timeout of '0.0000001h' (0.36 ms)": [{ concurrency: { workers: { timeout: '0.0000001h' } } }, false],
      "a pool timeout of '0.000000005d' (0.43 ms)": [{ concurrency: { pools: { network: { timeout: '0.000000005d' } } } }, false],
      "a ttl of '0.0000000008w' (0.48 ms)": [{ cache: { ttl: '0.0000000008w' } }, false],
      'the smallest that round to 1 ms': [{ cache: { ttl: 0.5, timeout: '0.5ms', scopeMaxAge: '0.0005s', namespaces: { git: { ttl: '0.0000084m' } } }, monitors: { interval: '0.00000014h' }, concurrency: { workers: { timeout: '0.0000000058d' }, pools: { network: { timeout: '0.00000000083w' } } } }, true],
      // where 0 is a value (a backoff, an idle timeout), one that rounds to it is one too
      'a backoff of 0.4 and an idleTimeout of 0.2ms': [{ concurrency: { pools: { network: { backoff: 0.4 } } , workers: { idleTimeout: '0.2ms' } } }, true],
      // a pushgateway url is http:// or https:// (the schema took any string: an editor said nothing of 'pushgateway:9091')
      'a pushgateway without a scheme': [{ monitors: { prometheus: { pushgateway: 'pushgateway:9091' } } }, false],
      'a pushgateway of another scheme': [{ monitors: { prometheus: { pushgateway: 'ftp://push.example' } } }, false],
      'a pushgateway url with credentials, and one in capitals': [{ monitors: { prometheus: { pushgateway: 'https://u:p@push.example:9091' } }, $test: { monitors: { prometheus: { pushgateway: 'HTTP://push' } } } }, true],
      // a worker's heap limit is at least 8 MiB (the schema took any size: an editor said nothing of 1024)
      'a workers maxMemory of 1024 bytes': [{ concurrency: { workers: { maxMemory: 1024 } } }, false],
      'a workers maxMemory of 8 MiB less half a byte (rounds to 8 MiB), and false': [{ concurrency: { workers: { maxMemory: 8 * 1024 * 1024 - 0.5 } }, $test: { concurrency: { workers: { maxMemory: false } } } }, true],
    }
    // unperf's validator: the schema check, then the resolver's (units, driver option types, ...),
    // and the load's check of driver names (driver-names.ts)
    const unperfAccepts = async (config: unknown) => {
      if (validateConfig(config, () => 'perf.config.ts').length > 0) return false
      const ctx = { rootDir: root, cwd: root, env: 'production', configFile: undefined, hostName: 'acme', hostVersion: '1.0.0', fileFor: () => 'perf.config.ts' }
      if ((await unknownDriverIssues(config as Record<string, unknown>, () => 'perf.config.ts', [])).length > 0) return false
      return resolvePerfConfig(config as PerfConfigBase, ctx).issues.length === 0
    }
    for (const [name, [config, valid]] of Object.entries(configs)) {
      expect([name, validate(config)], JSON.stringify(validate.errors)).toEqual([name, valid])
      // a hook value is a function, which JSON cannot hold: unperf's validator checks more there
      if (name !== 'an unknown hook name') expect([name, await unperfAccepts(config)]).toEqual([name, valid])
    }
  })

  it('a credential of the wrong type is not shown by ajv (editors) nor by unperf', () => {
    const ajv = strictAjv()
    const validate = ajv.compile(schema)
    const config = { cache: { driver: { driver: 'redis', host: 'h', password: 31337, username: 271828, tls: 'pem-31337' } } }
    expect(validate(config)).toBe(false)
    const said = JSON.stringify(validate.errors)
    expect(said).toContain('/cache/driver/password')
    expect(said).not.toMatch(/31337|271828/)
    const ctx = { rootDir: root, cwd: root, env: 'production', configFile: undefined, hostName: 'acme', hostVersion: '1.0.0', fileFor: () => 'perf.config.ts' }
    const issues = [...validateConfig(config, () => 'perf.config.ts'), ...resolvePerfConfig(config as unknown as PerfConfigBase, ctx).issues]
    expect(issues.map(i => i.path).sort()).toEqual(['cache.driver.password', 'cache.driver.tls', 'cache.driver.username'])
    expect(issues.map(i => i.message).join('\n')).not.toMatch(/31337|271828/)
  })
})

