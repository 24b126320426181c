/**
 * A plugin package compiled to CommonJS from ES module source (tsc's `exports.default = plugin`,
 * with `__esModule`): node's `import plugin from 'pkg'` and `import('pkg')` give its `module.exports`,
 * `{ default: plugin }`, not the plugin. perf.config.ts importing it, or `plugins: ['pkg']`, was a
 * config error ("expected a plugin object ... got an array") or "a plugin must be an object with a
 * non-empty `name`". The plugin is its `default`, as bundlers and TypeScript's esModuleInterop read it.
 */

type Obj = Record<string, unknown>

/** `{ default: plugin }` (an object with no `name` of its own) → plugin; anything else as it is. */
export function pluginFromExports(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as Obj).name === 'string' || !('default' in value)) return value
  const inner = (value as Obj).default
  return inner && (typeof inner === 'object' || typeof inner === 'function') ? inner : value
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
