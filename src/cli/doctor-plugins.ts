/**
 * `unperf doctor`'s plugins check: each plugin of the config loaded as a run loads it (its module
 * imported, its export read), not set up (setup() and its options check run in the CLI only). A
 * plugin that cannot load was seen only as a warning of the CLI's next run: doctor names it with
 * where it is listed (`plugins[0] of the preset 'acme' (node_modules/acme/perf.config.mjs)`).
 */
import type { ResolvedPerfConfig } from '../config/types.js'
import { describePluginSource, type PluginSource } from '../config/plugin-entries.js'
import { errorMessage } from '../errors.js'
import { loadPlugin } from '../hooks/plugins.js'
import { redact } from '../runtime/warn.js'

export interface PluginCheck { check: string; ok: boolean; detail: string }

export async function pluginChecks(config: ResolvedPerfConfig): Promise<PluginCheck[]> {
  if (config.plugins.length === 0) return []
  const names: string[] = []
  const failed: PluginCheck[] = []
  for (const ref of config.plugins) {
    const listed = ref.path !== undefined && ref.from !== undefined ? ` (${describePluginSource(ref as PluginSource)})` : ''
    try {
      const plugin = await loadPlugin(ref.plugin, config.rootDir)
      if (!names.includes(plugin.name)) names.push(plugin.name)
    } catch (error) {
      const given = typeof ref.plugin === 'string' ? ref.plugin : '(unnamed)'
      failed.push({ check: 'plugin', ok: false, detail: redact(`'${given}'${listed} cannot be loaded: ${errorMessage(error)}`) })
    }
  }
  const loaded: PluginCheck[] = names.length > 0 ? [{ check: 'plugins', ok: true, detail: `${names.map(n => `'${n}'`).join(', ')} loaded (not set up: setup() and its options check run with the CLI)` }] : []
  return [...loaded, ...failed]
}
