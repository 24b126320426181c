/**
 * How config layers merge: defu (higher priority first), except that arrays REPLACE the lower
 * layer's array (defu concatenates: a `$env.ci` driver list must replace the base tiers, not append
 * to them) and `driver` values are taken whole. `plugins` still concatenate, the lower layer's first
 * (a preset's plugins, then the project's own). The same merger is given to c12, so the fast path and c12 agree.
 */
import { createDefu } from 'defu'

export const mergeConfig = createDefu((target, key, value) => {
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

/** c12's environment rule: `{ ...$<env>, ...$env[env] }` merged over the layer. */
export function applyEnv(config: Obj, env: string): Obj {
  const named = config[`$${env}`] as Obj | undefined
  const fromEnv = (config.$env as Record<string, Obj> | undefined)?.[env]
  const envConfig = { ...named, ...fromEnv }
  return Object.keys(envConfig).length > 0 ? (mergeConfig(envConfig, config) as Obj) : config
}

/** The config without `$`-keys (env blocks, $schema, $meta) and without `extends`. */
export function stripMetaKeys(config: Obj): Obj {
  const out: Obj = {}
  for (const key of Object.keys(config)) if (!key.startsWith('$') && key !== 'extends') out[key] = config[key]
  return out
}
