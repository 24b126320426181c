/** `--namespace N` of the `unperf cache` commands: a name, and one the config or the cache knows. */
import type { ResolvedPerfConfig } from '../config/types.js'
import { didYouMean } from '../config/did-you-mean.js'
import { UsageError } from '../errors.js'
import { PLUGIN_PREFIX } from '../runtime/cache/names.js'
import { printable, stderrColors } from './_ui.js'

/**
 * `--namespace` as a namespace name: `plugin:` alone (a plugin's namespace without the plugin's name)
 * listed, cleared and read an empty namespace no plugin has, and said nothing of the slip.
 */
export function checkNamespaceArg(name: string): void {
  if (name === 'plugin:') throw new UsageError("--namespace 'plugin:': the plugin's name is missing (a plugin's namespace is plugin:<name>, e.g. plugin:git-info; unperf cache info lists them)")
  if (name === '') throw new UsageError('--namespace expects a namespace name, got an empty value')
}

/**
 * `--namespace N` that is neither configured nor stored: a typo (`--namespace templtes`) listed,
 * cleared or verified an empty namespace, exit 0, without a word. Bad usage (exit 2), with the
 * closest name; one stored but no longer configured (an older config, code that opens it by name)
 * is worked on, and said so. A plugin's (`plugin:<name>`) stored or configured is taken as it is; one
 * neither is checked against the names of the config's plugins (`plugin:countr` cleared nothing, exit
 * 0, where `plugin:counter` was meant), which are loaded for it (their modules imported, as `unperf
 * doctor` does, no `setup()` run): only on that path, so naming a namespace that holds entries costs
 * no plugin load. A plugin that cannot be loaded leaves its name unknown: the name is taken then.
 */
export async function checkNamespaceKnown(name: string, config: ResolvedPerfConfig, every: () => Promise<string[]>): Promise<void> {
  const configured = ['default', 'shared', ...Object.keys(config.cache.namespaces)]
  if (configured.includes(name)) return
  const stored = await every()
  const plugin = name.startsWith(PLUGIN_PREFIX)
  if (stored.includes(name)) {
    if (!plugin) process.stderr.write(stderrColors.yellow(`[unperf] warning: --namespace '${printable(name)}' is not in the config; its entries here were stored by an older config or by code that opens it by name\n`))
    return
  }
  if (plugin) {
    const plugins = await pluginNames(config)
    if (plugins === undefined || plugins.includes(name.slice(PLUGIN_PREFIX.length))) return
    const known = [...new Set([...plugins.map(n => PLUGIN_PREFIX + n), ...[...configured, ...stored].filter(n => n.startsWith(PLUGIN_PREFIX))])]
    // the env said: a plugin an env block alone lists (`$env.ci`) is found with `--env ci`
    const listed = plugins.length === 0 ? `the config lists no plugin for the env '${printable(config.env)}'` : `plugins for the env '${printable(config.env)}': ${plugins.map(n => printable(n)).join(', ')}`
    throw new UsageError(`--namespace '${printable(name)}': no plugin of the config is named '${printable(name.slice(PLUGIN_PREFIX.length))}', and no namespace is stored under that name${didYouMean(name, known)} (${listed})`)
  }
  const known = [...new Set([...configured, ...stored])]
  throw new UsageError(`--namespace '${printable(name)}': no such namespace in the config, and none stored under that name${didYouMean(name, known)} (namespaces: ${known.map(n => printable(n)).join(', ')})`)
}

/** The names of the config's plugins, each loaded as a run loads it; `undefined` when one cannot be (its name is not known). */
async function pluginNames(config: ResolvedPerfConfig): Promise<string[] | undefined> {
  const { loadPlugins } = await import('../hooks/plugins.js')
  const names: string[] = []
  for (const { plugin } of await loadPlugins(config.plugins, config.rootDir)) {
    if (!plugin) return undefined
    names.push(plugin.name)
  }
  return names
}
