/**
 * A plugin module imported (plugins.ts loadPlugin): a path's file (require() where it can, else
 * import()), a package resolved from rootDir as node's import() resolves it, or the file's module
 * from the plugin bundle; each failure said with what its author needs (the file missing, a
 * directory, a package not installed, a TypeScript file on a Node that cannot load one).
 */
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { resolvePackageImport } from './_resolve-package.js'
import type { PluginBundle } from '../config/plugin-bundle.js'

/** A plugin file from the bundle; from its file when the bundle cannot be loaded (a prune raced, a damaged file). */
export async function fromBundle(bundle: PluginBundle, file: string, rootDir: string): Promise<unknown> {
  let loaders: Record<string, () => Promise<unknown>>
  try {
    loaders = await bundle.open()
  } catch {
    return importLocal(file, rootDir)
  }
  const load = loaders[file]
  if (typeof load !== 'function') return importLocal(file, rootDir)
  // esbuild's namespace object is a plain one: told apart as a module's, as import() gives it (noDefault)
  const mod = await load()
  return mod && typeof mod === 'object' && !('default' in mod) ? { ...mod, [Symbol.toStringTag]: 'Module' } : mod
}

/**
 * A plugin given by path. One that is not there: node's error said `Cannot find module` with a
 * "Require stack" naming the missing file itself (or unperf's dist file as the importer); this one
 * names the file and what the path is relative to.
 */
export async function importLocal(file: string, rootDir: string): Promise<unknown> {
  try {
    return await importFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const { existsSync, statSync } = process.getBuiltinModule('node:fs') as typeof import('node:fs')
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new Error((await import('./plugin-dir.js')).directoryPluginMessage(file, rootDir), { cause: error })
    if ((code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') || existsSync(file)) throw error
    throw new Error(`no file ${file}: a plugin's path is relative to rootDir (${rootDir}, the host CLI's package), with its extension (.mjs, .js, .cjs)`, { cause: error })
  }
}

/** Plugin files that require() loads as they are: ES modules through require(esm) (Node >= 20.19), CommonJS as such. */
const REQUIRABLE = /\.(?:mjs|cjs|js)$/

/**
 * A local plugin file. require() loads an ES module file synchronously into the same module cache
 * as import() (one instance either way): ~0.45 ms a file against ~0.9 ms through import()'s
 * asynchronous jobs here, which a CLI with 20 plugins pays on every start. A module with
 * top-level await (ERR_REQUIRE_ASYNC_MODULE), a Node without require(esm), or a file require()
 * cannot take (.ts, .json, ...) goes through import() as before.
 */
async function importFile(file: string): Promise<unknown> {
  if (REQUIRABLE.test(file) && process.features.require_module === true) {
    const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
    try {
      const mod = createRequire(file)(file) as Record<string | symbol, unknown>
      // CommonJS: the shape import() gives it (its module.exports as `default`, and as node >= 23's
      // 'module.exports': moduleDefault tells a CommonJS module by it)
      return mod[Symbol.toStringTag] === 'Module' ? mod : { default: mod, 'module.exports': mod }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ERR_REQUIRE_ASYNC_MODULE' && code !== 'ERR_REQUIRE_ESM') throw error
    }
  }
  try {
    return await import(pathToFileURL(file).href)
  } catch (error) {
    // Node 20 cannot import .ts (type stripping came with Node 22.18); perf.config.ts itself can
    if ((error as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(file)) {
      throw new Error(`this Node (${process.version}) cannot load a TypeScript plugin file by path: import the plugin in perf.config.ts instead (plugins: [plugin] or [plugin, options]), or point to a .mjs file`, { cause: error })
    }
    throw error
  }
}

/**
 * A plugin package. Not found from rootDir (nor by unperf's own lookup, the fallback for one installed
 * beside unperf): node's error named unperf's dist file as the importer, which sends the user to the
 * wrong place; this one says where it was looked for. `url`: what {@link resolveFrom} found.
 */
export async function importPackage(specifier: string, url: string, rootDir: string): Promise<unknown> {
  try {
    // the package's file, found: loaded as a local plugin file is (require(esm) where it can, the
    // same module instance import() gives, at half its cost: a CLI with plugin packages pays it each start)
    return url.startsWith('file:') ? await importFile(fileURLToPath(url)) : await import(url)
  } catch (error) {
    if (url !== specifier || (error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(`'${specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')}'`)) throw error
    throw new Error(`package '${specifier}' is not installed: looked for node_modules/${specifier} from ${rootDir} (rootDir) up to the root; install it as a dependency of the CLI, or give the plugin as a path`, { cause: error })
  }
}

/** A package name, resolved from rootDir with the `import` condition (see _resolve-package.ts). */
export async function resolveFrom(specifier: string, rootDir: string): Promise<string> {
  const file = resolvePackageImport(specifier, rootDir)
  if (file) return pathToFileURL(file).href
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
  try {
    return pathToFileURL(createRequire(resolve(rootDir, 'package.json')).resolve(specifier)).href
  } catch {
    return specifier
  }
}
