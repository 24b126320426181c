/**
 * How config layers merge: defu (higher priority first), except that arrays REPLACE the lower
 * layer's array (defu concatenates: a `$env.ci` driver list must replace the base tiers, not append
 * to them) and `driver` values are taken whole. `plugins` still concatenate, the lower layer's first
 * (a preset's plugins, then the project's own), and so do the listeners of `hooks`. The same merger is given to c12, so the fast path and c12 agree.
 */
import { createDefu } from 'defu'

export const mergeConfig = createDefu((target, key, value, namespace) => {
  // a hook listened to by two layers: both listeners, the lower layer's first (layerHooks)
  if (namespace === 'hooks' && typeof value === 'function') {
    const lower = (target as Record<PropertyKey, unknown>)[key]
    if (typeof lower === 'function') {
      (target as Record<PropertyKey, unknown>)[key] = chainHooks(lower as Hook, value as Hook)
      return true
    }
  }
  if (key === 'driver' || key === 'historyDriver') {
    (target as Record<PropertyKey, unknown>)[key] = value
    return true
  }
  if (Array.isArray(value) && key !== 'plugins') {
    (target as Record<PropertyKey, unknown>)[key] = value
    return true
  }
  // `plugins` concatenate, the lower layer's first (defu puts the higher one's first): a preset's,
  // then the project's, then an env block's, then `overrides`'; they are set up in this order
  const lower = (target as Record<PropertyKey, unknown>)[key]
  if (key === 'plugins' && Array.isArray(value) && Array.isArray(lower)) {
    (target as Record<PropertyKey, unknown>)[key] = [...lower, ...value]
    return true
  }
  return false
})

type Obj = Record<string, unknown>
type Hook = ((...args: unknown[]) => unknown) & { [LAYERS]?: Hook[] }

const LAYERS = Symbol.for('unperf.config.hookLayers')

/**
 * The config's `hooks` across layers (a preset, the config file, its env block, `overrides`) add up,
 * as `plugins` do (and as nuxt registers its layers' hooks): each layer's listener runs, the lower
 * layer's first (a function two layers list runs twice: on a warm start each layer's module may be
 * its own copy, so identity cannot tell). The chain runs them in turn when
 * called; createPerf registers each of `layerHooks()` as a listener of its own (its error reported
 * alone, the next still run).
 */
function chainHooks(lower: Hook, higher: Hook): Hook {
  const list = [...layerHooks(lower), ...layerHooks(higher)]
  const chain: Hook = async (...args) => { for (const fn of list) await fn(...args) }
  chain[LAYERS] = list
  return chain
}

/** The listeners a config hook stands for: the layers' own, lowest layer first (one, unless chainHooks made it). */
export function layerHooks<F>(fn: F): F[] {
  return (fn as { [LAYERS]?: F[] })[LAYERS] ?? [fn]
}

/**
 * The environment's blocks merged over the layer: `$<env>` and `$env[env]`, the latter first. c12
 * spreads them (`{ ...$<env>, ...$env[env] }`), so a `$development: { cache: { ttl } }` beside an
 * `$env.development: { cache: { maxSize } }` lost its ttl without a word; they merge as layers do.
 * `plugins` is the one key still taken from one block (`$env[env]`'s when it has the key), as
 * plugin-entries.ts names the entries.
 */
export function applyEnv(config: Obj, env: string): Obj {
  const named = config[`$${env}`] as Obj | undefined
  const fromEnv = (config.$env as Record<string, Obj> | undefined)?.[env]
  const envConfig = isObj(named) && isObj(fromEnv) ? bothBlocks(named, fromEnv) : { ...named, ...fromEnv }
  return Object.keys(envConfig).length > 0 ? (mergeConfig(envConfig, config) as Obj) : config
}

function bothBlocks(named: Obj, fromEnv: Obj): Obj {
  const merged = mergeConfig(fromEnv, named) as Obj
  if ('plugins' in fromEnv) merged.plugins = fromEnv.plugins
  return merged
}

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The config without `$`-keys (env blocks, $schema, $meta) and without `extends`. */
export function stripMetaKeys(config: Obj): Obj {
  const out: Obj = {}
  for (const key of Object.keys(config)) if (!key.startsWith('$') && key !== 'extends') out[key] = config[key]
  return out
}
