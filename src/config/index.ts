/**
 * `unperf/config`: `definePerfConfig` and the config types. Loads nothing else at runtime.
 */
import type { PerfConfigInput } from './plugin-options.js'
import type { PerfConfig } from './types.js'

export type * from './types.js'
export type * from './plugin-options.js'
export type { PerfPlugin, PerfPluginContext } from '../hooks/plugin-types.js'
export type { PerfHooks, PerfHookName } from '../hooks/types.js'

/**
 * Typed identity for `perf.config.ts`: full autocompletion, zero runtime cost, and each plugin's
 * options checked against that plugin's own type (`[gitInfo, { remote: 1 }]` is a type error when
 * `gitInfo` is a `PerfPlugin<{ remote: string }>`).
 *
 * Generic only over the plugin lists' options types (see {@link PerfConfigInput}), never over the
 * config itself: TypeScript checks a generic argument's nested object literals for unknown keys
 * only at the top level, so `<C extends PerfConfig>(config: C)` would let `cache: { tll: '1h' }`
 * pass; against `PerfConfigInput`, a plain object type once inferred, every level is checked.
 */
export function definePerfConfig<
  P extends readonly unknown[] = [],
  D extends readonly unknown[] = [],
  T extends readonly unknown[] = [],
  Pr extends readonly unknown[] = [],
  E extends Record<string, unknown> = {},
>(config: PerfConfigInput<P, D, T, Pr, E>): PerfConfig {
  return config as PerfConfig
}
