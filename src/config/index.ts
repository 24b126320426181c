/**
 * `unperf/config`: `definePerfConfig` and the config types. Loads nothing else at runtime.
 */
import type { PerfConfig } from './types.js'

export type * from './types.js'
export type { PerfPlugin, PerfPluginContext } from '../hooks/plugin-types.js'
export type { PerfHooks, PerfHookName } from '../hooks/types.js'

/** Typed identity for `perf.config.ts`: full autocompletion, zero runtime cost. */
export function definePerfConfig<const T extends PerfConfig>(config: T): T {
  return config
}
