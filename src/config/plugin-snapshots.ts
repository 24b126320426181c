/**
 * The config snapshot a resolved config's `plugins` came from (load.ts), for the plugin loader:
 * its dir holds the plugin bundle (plugin-bundle.ts). Keyed by the `plugins` array itself.
 */
import type { PluginSnapshot } from './plugin-bundle.js'

export const pluginSnapshots = new WeakMap<object, PluginSnapshot>()
