/**
 * `definePerfPlugin`: apart from the plugin machinery (plugins.ts, a deferred module loaded only
 * when the config lists plugins), so that a plugin or a config calling it at import loads nothing.
 */
import type { PerfPlugin } from './plugin-types.js'

/** Typed identity for plugin authors. */
export function definePerfPlugin<O = Record<string, unknown>>(plugin: PerfPlugin<O>): PerfPlugin<O> {
  return plugin
}
