/**
 * The jiti c12 loads config files with, evaluating each file once. jiti imports an ES module
 * (`.mjs`, a module package's `.js`), a `.cjs` or a CommonJS `.js` with node's own `import()`
 * first and, when that fails for whatever reason, evaluates the file again transpiled: a config
 * that throws ran twice (its console lines, requests and writes twice), and the error c12 got was
 * the transpiled copy's. The cold path's (c12.ts) only.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, isAbsolute, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Jiti, JitiOptions } from 'jiti'
import { inModulePackage } from './package-type.js'

/** require() from c12's own location: its jiti (a dependency of c12's, not necessarily reachable from unperf's own dir). */
function c12Require(): NodeJS.Require {
  return createRequire(createRequire(import.meta.url).resolve('c12'))
}

/** jiti's `createJiti`, from the copy c12 imports. */
export function createJitiOfC12(id: string, options: JitiOptions): Jiti {
  const { createJiti } = c12Require()('jiti') as typeof import('jiti')
  return createJiti(id, options)
}

/**
 * `jiti` whose `import(file, { default: true })` (c12's call) does node's import itself for the
 * files jiti would import natively: a failure while the file ran (the config's own throw, a
 * JSON.parse of its) is thrown as it is, never retried; one of node's loader (a syntax node cannot
 * parse, TypeScript in a `.js`; an import it cannot resolve or load, `./helper.ts`, an alias of
 * jiti's; a CommonJS global in an ES module) goes to jiti as before, whose own native attempt gets
 * node's cached error, not a second run.
 */
export function withImportOnce(jiti: Jiti): Jiti {
  const once = async (id: string, opts?: { default?: true }): Promise<unknown> => {
    if (!opts?.default || !isAbsolute(id) || !importedNatively(id)) return jiti.import(id, opts)
    let namespace: Record<string, unknown>
    try {
      namespace = await nodeImport(pathToFileURL(id).href) as Record<string, unknown>
    } catch (error) {
      if (!loaderFailure(error)) throw error
      return jiti.import(id, opts)
    }
    return defaultExport(namespace)
  }
  return new Proxy(jiti, { get: (target, key) => key === 'import' ? once : Reflect.get(target, key) })
}

/**
 * node's own `import()` of a file URL, from code in node_modules as jiti's is (jiti's `jiti/native`:
 * `import()` and nothing else): vitest rewrites an `import()` in unperf's source to its module
 * runner's, so in-process tests would have loaded the config through vite, not as a user's node does.
 */
async function nodeImport(url: string): Promise<unknown> {
  const jitiDir = dirname(c12Require().resolve('jiti/package.json'))
  const { createJiti } = await import(pathToFileURL(join(jitiDir, 'lib/jiti-native.mjs')).href) as typeof import('jiti')
  return createJiti(url).import(url)
}

/**
 * What jiti's `import(id, { default: true })` gives for a module node imported (its interopDefault
 * proxy's `default`): the default export (a CommonJS module's `exports.default` function when it
 * says `__esModule`), else the namespace itself.
 */
function defaultExport(namespace: Record<string, unknown>): unknown {
  const value = namespace.default
  if (value === null || value === undefined) return namespace
  const inner = (value as { default?: unknown }).default
  return typeof inner === 'function' && namespace.__esModule ? inner : value
}

/** ESM syntax as jiti's `hasESMSyntax` tests it (a CommonJS `.js` with it is transpiled, not imported). */
const ESM_SYNTAX = /(?:[\s;]|^)(?:import[\s\w*,{}]*from|import\s*["'*{]|export\b\s*(?:[*{]|default|class|type|function|const|var|let|async function)|import\.meta\b)/m

/** Whether jiti's async import tries node's `import()` first (its eval: not transpiled). */
function importedNatively(file: string): boolean {
  const ext = extname(file)
  if (ext === '.mjs' || ext === '.cjs') return true
  if (ext !== '.js') return false
  if (inModulePackage(file)) return true
  try {
    return !ESM_SYNTAX.test(readFileSync(file, 'utf8'))
  } catch {
    return false
  }
}

/** node's codes for a module it could not find or load: what jiti may (an alias, `.ts`, a path without extension). */
const LOADER_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_UNKNOWN_FILE_EXTENSION', 'ERR_UNSUPPORTED_DIR_IMPORT', 'ERR_IMPORT_ATTRIBUTE_MISSING', 'ERR_IMPORT_ASSERTION_TYPE_MISSING', 'ERR_REQUIRE_ESM'])

/**
 * Whether node's loader failed (before the file ran, or on an import or require in it), not the
 * file's code: a loader error's first frame is in node's module loader; a CommonJS global used in
 * an ES module is one jiti provides.
 */
function loaderFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (LOADER_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return true
  if (error instanceof ReferenceError && /^(?:require|module|exports|__filename|__dirname) is not defined in ES module scope/.test(error.message)) return true
  const firstFrame = /^\s+at .*$/m.exec(error.stack ?? '')?.[0]
  return firstFrame !== undefined && /[( ]node:internal\/modules\//.test(firstFrame)
}
