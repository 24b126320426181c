/**
 * A project that has unperf installed as the built package, for the docs' example checks: its
 * `node_modules/unperf` is this checkout, so `unperf`, `unperf/config`, `unperf/citty`, ... resolve as
 * a user's `tsc` resolves them, through package.json's `exports` to the built `dist/*.d.mts`, not to
 * src/ (a type the build drops, an entry without its declarations, an `exports` slip: the user's
 * error, which a check against src/ never saw). The rest of node_modules is the checkout's own
 * (citty, commander, vitest, @types/node as a host has them). Cheaper than test/package's `npm pack`
 * + install: the package's files are the same (package.json `files`: dist, bin, schema).
 */
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '../..')

/** The newest mtime of the files under `dir` whose names end with `ext`. */
function newest(dir: string, ext: string): number {
  let max = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) max = Math.max(max, newest(path, ext))
    else if (entry.name.endsWith(ext)) max = Math.max(max, statSync(path).mtimeMs)
  }
  return max
}

/**
 * Throws when dist/ has no declarations or older ones than src/: the examples would be checked
 * against another build's types (`npm test` builds first; a single test file run does not).
 */
export function assertBuiltTypes(): void {
  const entry = statSync(join(root, 'dist/index.d.mts'), { throwIfNoEntry: false })
  if (!entry) throw new Error('dist/index.d.mts is missing: run npm run build first')
  const built = newest(join(root, 'dist/types'), '.d.ts')
  if (newest(join(root, 'src'), '.ts') > built) throw new Error('dist/types is older than src/: run npm run build first')
}

/** A fresh dir (package.json `"type": "module"`, `ex/` for the examples) whose node_modules has unperf installed. */
export function installedUnperfProject(prefix: string): string {
  assertBuiltTypes()
  const dir = tempDir(prefix)
  mkdirSync(join(dir, 'ex'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name.startsWith('.') || name === 'unperf') continue
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
  }
  symlinkSync(root, join(dir, 'node_modules/unperf'), 'dir')
  return dir
}

/** A strict user project's options (strict, exactOptionalPropertyTypes, nodenext), `lib` as given. */
export function strictOptions(dir: string, lib?: string[]): ts.CompilerOptions {
  return {
    strict: true, exactOptionalPropertyTypes: true, noEmit: true, ...(lib ? { lib } : {}),
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'], typeRoots: [join(dir, 'node_modules/@types')], skipLibCheck: true,
  }
}
