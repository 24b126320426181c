/**
 * The public types' doc comments, which an editor's hover and completion details show: read off the
 * types with TypeScript's checker, as the language service reads them.
 *
 * Every key a user writes in perf.config.ts says what it does, its unit and its default (API.md's
 * comments), from what `definePerfConfig` takes
 * (its `$development`/`$test`/`$production`), `PerfConfig` (the `$env` layers) and a plugin's
 * `hooks` (every hook name). Not walked: an unstorage driver instance's methods (the shape of
 * unstorage's `Driver`, not config keys) and the metric paths of `monitors.alerts` (a table in
 * AlertsConfig's own comment); the rule under each (`above`, `below`, `for`) is.
 *
 * Every member of the instance API.md shows (`perf.*`, the cache's methods and results, pools,
 * workers, metrics, memory, hooks, a command's context and result) says what it does.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

let program: ts.Program | undefined
function checker(): ts.TypeChecker {
  const files = ['src/config/index.ts', 'src/hooks/define-plugin.ts', 'src/runtime/types.ts', 'src/hooks/types.ts'].map(f => join(root, f))
  program ??= ts.createProgram(files, { strict: true, exactOptionalPropertyTypes: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [], noEmit: true })
  return program.getTypeChecker()
}
function exported(file: string, name: string): ts.Symbol {
  const module = checker().getSymbolAtLocation(program!.getSourceFile(join(root, file))!)!
  return checker().getExportsOfModule(module).find(s => s.name === name)!
}
const hasDoc = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker())).trim() !== ''

function undocumentedConfigKeys(): string[] {
  const checker = program!.getTypeChecker()
  // what a function takes: its first parameter's type
  const firstParameter = (fn: ts.Symbol) => {
    const [signature] = checker.getSignaturesOfType(checker.getTypeOfSymbol(fn), ts.SignatureKind.Call)
    return checker.getTypeOfSymbol(signature!.getParameters()[0]!)
  }
  const missing: string[] = []
  const seen = new Set<ts.Type>()
  const objectParts = (type: ts.Type): ts.Type[] => {
    const t = checker.getNonNullableType(type)
    const parts = t.isUnion() ? t.types : [t]
    return parts.filter(p => (p.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0
      && checker.getSignaturesOfType(p, ts.SignatureKind.Call).length === 0
      && !checker.isArrayType(p) && !checker.isTupleType(p) && p.getSymbol()?.name !== 'StorageDriver')
  }
  const walk = (type: ts.Type, path: string): void => {
    for (const part of objectParts(type)) {
      if (seen.has(part)) continue
      seen.add(part)
      for (const index of checker.getIndexInfosOfType(part)) walk(index.type, `${path}<name>.`)
      for (const property of checker.getPropertiesOfType(part)) {
        const alertMetric = path.endsWith('alerts.')
        if (!alertMetric && !hasDoc(property)) missing.push(path + property.name)
        walk(checker.getTypeOfSymbol(property), `${path}${property.name}.`)
      }
    }
  }
  walk(firstParameter(exported('src/config/index.ts', 'definePerfConfig')), '')
  walk(checker.getDeclaredTypeOfSymbol(exported('src/config/types.ts', 'PerfConfig')), 'PerfConfig.')
  walk(firstParameter(exported('src/hooks/define-plugin.ts', 'definePerfPlugin')), 'plugin.')
  return [...new Set(missing)].sort()
}

/** The members of the instance's interfaces (one level: each interface is listed). */
const RUNTIME = [
  'Perf', 'PerfCache', 'CacheSetOptions', 'CacheWrapOptions', 'CachedOptions', 'CacheEntry', 'CacheStats', 'CacheInfo', 'CacheVerifyResult',
  'PerfPool', 'PoolRunOptions', 'PoolMapOptions', 'PerfWorkers', 'WorkerRunOptions', 'GraphTask', 'GraphOptions',
  'PerfMetrics', 'Counter', 'Gauge', 'Histogram', 'PerfMemory', 'MemoryTrend', 'RunOptions', 'CreatePerfOptions',
]
const HOOKS = ['PerfHookRegistry', 'CommandContext', 'CommandResult']

describe('doc comments of the public types (hover, completion details)', () => {
  it('on every perf.config.ts key', () => {
    checker() // the program, made once for both cases
    expect(undocumentedConfigKeys()).toEqual([])
  }, 60_000)

  it("on every member of the instance's API", () => {
    const interfaces = [...RUNTIME.map(name => ['src/runtime/types.ts', name]), ...HOOKS.map(name => ['src/hooks/types.ts', name])]
    const missing = interfaces.flatMap(([file, name]) => checker().getPropertiesOfType(checker().getDeclaredTypeOfSymbol(exported(file!, name!)))
      .filter(member => !hasDoc(member)).map(member => `${name}.${member.name}`))
    expect(missing).toEqual([])
  }, 60_000)
})
