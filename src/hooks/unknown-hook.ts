/**
 * The warning for a hook name unperf never fires (a typo: `'command:aftr'` registered fine and never
 * ran), given to the host's `perf.hooks.hook()` or `hookOnce()`, or registered by a plugin (`plugin`:
 * its name; plugin-hooks.ts). A warning, not an error: the listener is registered, and a `callHook()`
 * of that name calls it. Loaded only on such a slip.
 */
import { closest } from '../config/did-you-mean.js'
import { PERF_HOOK_NAMES } from './types.js'

export function unknownHookMessage(name: string, plugin?: string): string {
  const near = closest(name, PERF_HOOK_NAMES)
  const hint = near === undefined ? `known hooks: ${PERF_HOOK_NAMES.join(', ')}` : `did you mean '${near}'?`
  const what = plugin === undefined ? `perf.hooks.hook('${name}'): unperf fires no hook of that name (${hint})` : `plugin '${plugin}' registers the hook '${name}', which unperf never fires (${hint})`
  return `${what}; the listener is registered, but only a callHook('${name}') calls it`
}
