/**
 * The warning for a hook name unperf never fires, given to the host's `perf.hooks.hook()` or
 * `hookOnce()` (a typo: `'command:aftr'` registered fine and never ran). A warning, not an error,
 * as for a plugin: the listener is registered, and a `callHook()` of that name calls it. Loaded
 * only on such a slip.
 */
import { closest } from '../config/did-you-mean.js'
import { PERF_HOOK_NAMES } from './types.js'

export function unknownHookMessage(name: string): string {
  const near = closest(name, PERF_HOOK_NAMES)
  return `perf.hooks.hook('${name}'): unperf fires no hook of that name (${near === undefined ? `known hooks: ${PERF_HOOK_NAMES.join(', ')}` : `did you mean '${near}'?`}); the listener is registered, but only a callHook('${name}') calls it`
}
