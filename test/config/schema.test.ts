/**
 * schema/perf.config.schema.json is kept in sync with the TypeScript types (src/config/types.ts):
 * every object level has the same keys on both sides. Regenerate with `node scripts/schema-source.mjs`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { validateConfig } from '../../src/config/validate.js'

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
  const program = ts.createProgram([join(root, 'src/config/types.ts')], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const file = program.getSourceFile(join(root, 'src/config/types.ts'))!
  const mismatches: string[] = []
  const moduleSymbol = checker.getSymbolAtLocation(file)!
  const perfConfig = checker.getExportsOfModule(moduleSymbol).find(s => s.name === 'PerfConfig')!
  const rootType = checker.getDeclaredTypeOfSymbol(perfConfig)

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

describe('JSON Schema', () => {
  it('has the same keys as the TypeScript types at every level', () => {
    expect(collect()).toEqual([])
  })

  it('is the file scripts/schema-source.mjs generates', async () => {
    const { execFileSync } = await import('node:child_process')
    const before = readFileSync(join(root, 'schema/perf.config.schema.json'), 'utf8')
    execFileSync(process.execPath, [join(root, 'scripts/schema-source.mjs')])
    expect(readFileSync(join(root, 'schema/perf.config.schema.json'), 'utf8')).toBe(before)
  })

  it("compiles in a standard validator's strict mode (ajv, JSON Schema 2020-12), which agrees with unperf's own on valid and invalid configs", () => {
    // strict: no unknown keywords, no type lists, closed tuples: what editors and CI linters load too
    const ajv = new Ajv2020({ strict: true, allErrors: true })
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
      'a misspelt key': [{ cache: { ttll: '1h' } }, false],
      'an unknown budget mode': [{ budgets: { mode: 'fatal' } }, false],
      'a plugin tuple of three': [{ plugins: [['./p.mjs', {}, 3]] }, false],
      'an empty tier list': [{ cache: { driver: [] } }, false],
      'a negative size': [{ cache: { maxSize: -1 } }, false],
      'an unknown hook name': [{ hooks: { 'comand:before': 1 } }, false],
    }
    for (const [name, [config, valid]] of Object.entries(configs)) {
      expect([name, validate(config)], JSON.stringify(validate.errors)).toEqual([name, valid])
      // a hook value is a function, which JSON cannot hold: unperf's validator checks more there
      if (name !== 'an unknown hook name') expect([name, validateConfig(config, () => 'perf.config.ts').length === 0]).toEqual([name, valid])
    }
  })
})

