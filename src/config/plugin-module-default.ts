/**
 * What a plugin module gives as its plugin, and the two ways a module gets that wrong (its plugin
 * exported by name, no default). Only plugins.ts (a deferred module, the plugins' lazy script) loads
 * a plugin module: apart from plugin-exports.ts, whose unwrapping of `{ default: plugin }` every
 * config layer runs on the start path, these are off the start script.
 */
import { argumentError } from '../errors.js'

type Obj = Record<string, unknown>

/**
 * An ES module with no default export (`export const gitInfo = definePerfPlugin(...)`) was told "a
 * plugin must be an object with a non-empty `name` ..., got an object without one", its namespace
 * taken for the plugin: it says so, and what the module exports. So is that module compiled to
 * CommonJS (tsc, esbuild, babel: its `module.exports` marked `__esModule`, without `default`), as
 * `import()` or `require()` gives it. Anything else as it is.
 */
export function noDefault(mod: unknown): unknown {
  if (!mod || typeof mod !== 'object' || 'default' in mod) return mod
  const m = mod as { [Symbol.toStringTag]?: unknown; __esModule?: unknown }
  if (m[Symbol.toStringTag] !== 'Module' && m.__esModule !== true) return mod
  throw argumentError(`a plugin module must export the plugin as its default (export default definePerfPlugin({ ... })); this one has no default export (${exportList(Object.keys(mod).filter(name => name !== '__esModule'))})`)
}

/**
 * What a plugin module gives as its plugin: its default (a CommonJS module's `module.exports`). A
 * CommonJS module that sets its plugins by name only (`exports.gitInfo = definePerfPlugin(...)`, no
 * `__esModule`) read "a plugin must be an object with a non-empty `name` ..., got an object
 * without one", its exports taken for a plugin missing its name: it says so, as {@link noDefault}
 * does for an ES module. Told apart from a plugin object missing its name by what it holds: no
 * `name`, `setup` or `hooks`, and a plugin (an object with a non-empty `name`) among its values.
 */
export function moduleDefault(mod: unknown): unknown {
  if (!mod || typeof mod !== 'object' || !('default' in mod)) return mod
  const exports = (mod as Obj).default
  if (!isCommonJs(mod as Obj) || !exports || typeof exports !== 'object' || Array.isArray(exports)) return exports
  // compiled from an ES module (__esModule, `default`): pluginFromExports and noDefault read it
  if ((exports as Obj).__esModule === true || ['name', 'setup', 'hooks', 'default'].some(key => key in exports)) return exports
  const names = Object.keys(exports)
  const plugin = names.find(name => isPluginObject((exports as Obj)[name]))
  if (plugin === undefined) return exports
  throw argumentError(`a plugin module must export the plugin as its default (in CommonJS: module.exports = definePerfPlugin({ ... })); this one exports it by name (${exportList(names)}): write module.exports = ${plugin}, or import { ${plugin} } in the config (plugins: [${plugin}])`)
}

/**
 * A CommonJS module as loaded: `{ default: module.exports, 'module.exports': module.exports }`, from
 * plugin-module.ts's require() and node >= 23's import(). (node 20-22's import() mirrors the names
 * it finds as named exports, as an ES module with `export default { gitInfo }` beside `export {
 * gitInfo }` has them: not told apart, read as before.)
 */
function isCommonJs(mod: Obj): boolean {
  return mod.default !== undefined && mod['module.exports'] === mod.default
}

const isPluginObject = (value: unknown): boolean =>
  !!value && typeof value === 'object' && typeof (value as Obj).name === 'string' && (value as Obj).name !== ''

/** "it exports 'a', 'b'" (five at most), "it exports nothing". */
function exportList(names: string[]): string {
  return names.length === 0 ? 'it exports nothing' : `it exports ${names.slice(0, 5).map(n => `'${n}'`).join(', ')}${names.length > 5 ? ', ...' : ''}`
}
