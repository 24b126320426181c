/**
 * The warning for a hook name unperf never fires (a typo: `'command:aftr'` registered fine and never
 * ran), given to the host's `perf.hooks.hook()` or `hookOnce()`, or registered by a plugin (`plugin`:
 * how its warnings name it; plugin-hooks.ts). A warning, not an error: the listener is registered, and a `callHook()`
 * of that name calls it. Also the host's `config:resolved` or `perf:ready` registered once it has
 * fired (a known name of the host's reaches here only then). Loaded only on such a slip.
 */
import { closest } from '../config/did-you-mean.js'
import { PERF_HOOK_NAMES } from './types.js'

/** `plugin`: the plugin as its warning names it, `plugin 'p' (plugins[1] in perf.config.ts:9:5)`. */
export function unknownHookMessage(name: string, plugin?: string): string {
  // the host's late config:resolved / perf:ready (registry.ts `spent`)
  if (plugin === undefined && (PERF_HOOK_NAMES as readonly string[]).includes(name)) {
    return name === 'perf:ready'
      ? `perf.hooks.hook('perf:ready'): it fires once, at the end of createPerf(), and has fired: the listener will not run (perf is ready: run that code where it is registered)`
      : `perf.hooks.hook('${name}'): it fires once, in createPerf(), and has fired: the listener will not run (declare it in the config's \`hooks\` or a plugin's \`hooks\`)`
  }
  const near = closest(name, PERF_HOOK_NAMES)
  const hint = near === undefined ? `known hooks: ${PERF_HOOK_NAMES.join(', ')}` : `did you mean '${near}'?`
  const what = plugin === undefined ? `perf.hooks.hook('${name}'): unperf fires no hook of that name (${hint})` : `${plugin} registers the hook '${name}', which unperf never fires (${hint})`
  return `${what}; the listener is registered, but only a callHook('${name}') calls it`
}
