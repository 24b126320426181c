/**
 * `unperf doctor`'s plugins check: each plugin of the config loaded as a run loads it (its module
 * imported, its export read), not set up (setup() and its options check run in the CLI only). A
 * plugin that cannot load was seen only as a warning of the CLI's next run: doctor names it with
 * where it is listed (`plugins[1] in perf.config.ts:4:5`, `plugins[0] of the preset 'acme'
 * (node_modules/acme/perf.config.mjs:1:28)`), as the run's warning names it; so is a plugin whose
 * listener or setup is not a function, or with a misspelt key (plugin-shape.ts: the run warns of it),
 * and, as a warning, a plugin listed twice in one list or two plugins of one name (only one is set up).
 * With `bundlePlugins: true`, a plugin bundle whose rebuild failed (a background process: no run
 * says it) is named with its reason, as a warning: the plugins still load, each from its file.
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import { pluginErrorSource } from '../config/plugin-position.js'
import { errorMessage } from '../errors.js'
import { loadPlugins } from '../hooks/plugins.js'
import { onePerName, type ListedPlugin } from '../config/plugin-entries.js'
import { checkPluginShape } from '../hooks/plugin-shape.js'
import { redact } from '../runtime/warn.js'
import { pluginSnapshots } from '../config/plugin-snapshots.js'
import { PLUGIN_BUNDLE_RETRY_MS, pluginBundleFailure } from '../config/plugin-bundle.js'
import { formatDuration } from '../config/units.js'

export interface PluginCheck { check: string; ok: boolean; detail: string; warn?: boolean }

export async function pluginChecks(config: ResolvedPerfConfig): Promise<PluginCheck[]> {
  if (config.plugins.length === 0) return []
  const names: string[] = []
  const failed: PluginCheck[] = []
  const entries: ListedPlugin[] = []
  // one load per file, as a run (a factory called once: two entries of it are one plugin, not a clash)
  for (const { ref, plugin, error } of await loadPlugins(config.plugins, config.rootDir)) {
    if (plugin) {
      if (!names.includes(plugin.name)) names.push(plugin.name)
      entries.push({ name: plugin.name, plugin, ref })
      // a listener or setup that is not a function, a misspelt key: the run warns, its listener never runs
      checkPluginShape(plugin as unknown as Record<string, unknown>, (_code, message) => {
        failed.push({ check: 'plugin', ok: false, detail: redact(message.replace(/^plugin /, '')) })
      }, () => pluginErrorSource(ref).listed)
    } else {
      const given = typeof ref.plugin === 'string' ? ref.plugin : '(unnamed)'
      // as a run's warning names it: `plugins[1] in perf.config.ts:4:5`
      const { listed } = pluginErrorSource(ref)
      failed.push({ check: 'plugin', ok: false, detail: redact(`'${given}'${listed ? ` (${listed})` : ''} cannot be loaded: ${errorMessage(error)}`) })
    }
  }
  // a plugin listed twice in one list, two plugins of one name: as the run warns of it (only one is set up)
  const repeated: PluginCheck[] = []
  onePerName(entries, (_code, message) => { repeated.push({ check: 'plugins', ok: false, warn: true, detail: redact(message) }) }, ref => pluginErrorSource(ref).listed)
  const loaded: PluginCheck[] = names.length > 0 ? [{ check: 'plugins', ok: true, detail: `${names.map(n => `'${n}'`).join(', ')} loaded (not set up: setup() and its options check run with the CLI)` }] : []
  return [...loaded, ...repeated, ...failed]
}

/** The plugin bundle's failed rebuild standing now (plugin-bundle.ts), as a warning row; none otherwise. */
export function pluginBundleChecks(config: ResolvedPerfConfig): PluginCheck[] {
  const snap = config.bundlePlugins ? pluginSnapshots.get(config.plugins) : undefined
  const failed = snap && pluginBundleFailure(snap)
  if (!failed) return []
  const ago = formatDuration(Math.max(0, Date.now() - failed.at))
  return [{
    check: 'bundle', ok: false, warn: true,
    detail: redact(`the plugin bundle (bundlePlugins: true) could not be built ${ago} ago: ${failed.reason}. The plugin files load one by one meanwhile; it is tried again once a plugin file changes, or ${formatDuration(PLUGIN_BUNDLE_RETRY_MS)} after that attempt`),
  }]
}
