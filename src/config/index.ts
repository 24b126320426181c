/**
 * `unperf/config`: `definePerfConfig` and the config types. Loads nothing else at runtime.
 */
import type { PerfConfig } from './types.js'

export type * from './types.js'
export type { PerfPlugin, PerfPluginContext } from '../hooks/plugin-types.js'
export type { PerfHooks, PerfHookName } from '../hooks/types.js'

/**
 * Typed identity for `perf.config.ts`: full autocompletion, zero runtime cost. Not generic on
 * purpose: TypeScript checks a generic argument's nested object literals for unknown keys only at
 * the top level, so `cache: { tll: '1h' }` would pass; against `PerfConfig` itself every level is checked.
 */
export function definePerfConfig(config: PerfConfig): PerfConfig {
  return config
}
