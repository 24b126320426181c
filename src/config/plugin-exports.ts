/**
 * A plugin package compiled to CommonJS from ES module source (tsc's `exports.default = plugin`,
 * with `__esModule`): node's `import plugin from 'pkg'` and `import('pkg')` give its `module.exports`,
 * `{ default: plugin }`, not the plugin. perf.config.ts importing it, or `plugins: ['pkg']`, was a
 * config error ("expected a plugin object ... got an array") or "a plugin must be an object with a
 * non-empty `name`". The plugin is its `default`, as bundlers and TypeScript's esModuleInterop read it.
 */

import { argumentError } from '../errors.js'

type Obj = Record<string, unknown>

/** `{ default: plugin }` (an object with no `name` of its own) → plugin; anything else as it is. */
export function pluginFromExports(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as Obj).name === 'string' || !('default' in value)) return value
  const inner = (value as Obj).default
  return inner && (typeof inner === 'object' || typeof inner === 'function') ? inner : value
}

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

/**
 * A config layer with each `plugins` entry (in `plugins`, `$development`, `$test`, `$production`,
 * any `$<env>` and every `$env` block) given as such exports replaced by its plugin. The layer
 * itself when there is none (the usual case: no copy).
 */
export function unwrapPluginExports(config: Obj): Obj {
  let out = config
  const fix = (holder: Obj): Obj => {
    const list = holder.plugins
    if (!Array.isArray(list)) return holder
    let changed = false
    const fixed = list.map((entry: unknown) => {
      const isTuple = Array.isArray(entry)
      const plugin = isTuple ? (entry as unknown[])[0] : entry
      const unwrapped = pluginFromExports(plugin)
      if (unwrapped === plugin) return entry
      changed = true
      return isTuple ? [unwrapped, ...(entry as unknown[]).slice(1)] : unwrapped
    })
    return changed ? { ...holder, plugins: fixed } : holder
  }
  out = fix(out)
  for (const key of Object.keys(config)) {
    if (!key.startsWith('$')) continue
    const block = config[key]
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue
    if (key === '$env') {
      let envs = block as Obj
      for (const name of Object.keys(envs)) {
        const env = envs[name]
        if (!env || typeof env !== 'object' || Array.isArray(env)) continue
        const fixedEnv = fix(env as Obj)
        if (fixedEnv !== env) envs = { ...envs, [name]: fixedEnv }
      }
      if (envs !== block) out = { ...out, $env: envs }
    } else {
      const fixedBlock = fix(block as Obj)
      if (fixedBlock !== block) out = { ...out, [key]: fixedBlock }
    }
  }
  return out
}
