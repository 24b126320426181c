/**
 * Every key a user writes in perf.config.ts has a doc comment, so an editor's hover and completion
 * details say what it does, its unit and its default (API.md's comments): read off the types with
 * TypeScript's checker, as the language service shows them, from what `definePerfConfig` takes
 * (its `$development`/`$test`/`$production`), `PerfConfig` (the `$env` layers) and a plugin's
 * `hooks` (every hook name). Not walked: an unstorage driver instance's methods (the shape of
 * unstorage's `Driver`, not config keys) and the metric paths of `monitors.alerts` (a table in
 * AlertsConfig's own comment); the rule under each (`above`, `below`, `for`) is.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

function undocumented(): string[] {
  const files = ['src/config/index.ts', 'src/hooks/define-plugin.ts'].map(f => join(root, f))
  const program = ts.createProgram(files, { strict: true, exactOptionalPropertyTypes: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [], noEmit: true })
  const checker = program.getTypeChecker()
  const exported = (file: string, name: string) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
    return checker.getExportsOfModule(module).find(s => s.name === name)!
  }
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
        if (!alertMetric && !ts.displayPartsToString(property.getDocumentationComment(checker)).trim()) missing.push(path + property.name)
        walk(checker.getTypeOfSymbol(property), `${path}${property.name}.`)
      }
    }
  }
  const configDir = join(root, 'src/config')
  walk(firstParameter(exported(join(configDir, 'index.ts'), 'definePerfConfig')), '')
  walk(checker.getDeclaredTypeOfSymbol(exported(join(configDir, 'types.ts'), 'PerfConfig')), 'PerfConfig.')
  walk(firstParameter(exported(join(root, 'src/hooks/define-plugin.ts'), 'definePerfPlugin')), 'plugin.')
  return [...new Set(missing)].sort()
}

describe('perf.config.ts keys', () => {
  it('each have a doc comment (hover, completion details)', () => {
    expect(undocumented()).toEqual([])
  }, 60_000)
})
