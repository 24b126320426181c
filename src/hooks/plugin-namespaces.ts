/**
 * The host's `cache.namespaces['plugin:<name>']`: options for a plugin's private namespace (the
 * cache manager opens `plugin:<name>` with them, as any configured namespace). One whose plugin is
 * not loaded (misspelt, listed in another env only, failed to load) configures nothing: warned,
 * not an error. Loaded only when the config has such a key (a deferred module: scripts/build.mjs).
 */
import { closest } from '../config/did-you-mean.js'
import { keyPath } from '../config/key-path.js'
import type { WarnOnce } from '../runtime/_internal.js'
import { PLUGIN_PREFIX } from '../runtime/cache/names.js'

/** Warns once for each `plugin:<name>` key of `namespaces` whose plugin is not among `loaded` (plugin names). */
export function warnUnmatchedPluginNamespaces(namespaces: Record<string, unknown>, loaded: readonly string[], warn: WarnOnce): void {
  for (const key of Object.keys(namespaces)) {
    if (!key.startsWith(PLUGIN_PREFIX)) continue
    const name = key.slice(PLUGIN_PREFIX.length)
    if (loaded.includes(name)) continue
    const near = closest(name, loaded)
    const which = loaded.length === 0 ? 'no plugin is' : `loaded: ${loaded.join(', ')}`
    warn(`plugin-namespace-unmatched:${name}`, `${keyPath('cache.namespaces', key)} configures the namespace of the plugin '${name}', which is not loaded (${which})${near === undefined ? '; it applies to nothing' : `; did you mean '${PLUGIN_PREFIX}${near}'? It applies to nothing`}`)
  }
}
