/**
 * A `plugins` entry named for a message with where it is written, `file:line:col` as config errors
 * name a key (`plugins[0] in perf.config.ts:4:5`): an editor or terminal opens it there. Looked up
 * in the layer's own file (perf.config.ts, .perfrc, package.json's `perf`, a preset's config), on
 * the cold and the warm start alike (key-position.ts). Where the entry is not written in a form
 * found with confidence (a list built by a call or spread before it, a layer without a file, a file
 * that cannot be read) the text names the key path and the file alone, as before.
 * Error paths only: a deferred module (scripts/build.mjs), loaded when a plugin's message is made.
 */
import { pathKeys } from './path-keys.js'
import { keyPositionSync } from './key-position.js'
import { describePluginSource, type PluginSource } from './plugin-entries.js'
import type { ResolvedPluginRef } from './types.js'
import type { PluginErrorSource } from '../errors.js'

/** describePluginSource's name of package.json's layer (layers.ts: layerName). */
const PACKAGE_JSON = 'package.json#perf'

/** Each entry's text, by file and key path: a hook that throws on every event looks it up once. */
const described = new Map<string, string>()

/** A plugin's error's source (PluginError): its entry described with its position, and its file and key path. */
export function pluginErrorSource(ref: ResolvedPluginRef): PluginErrorSource {
  const listed = ref.path !== undefined && ref.from !== undefined ? describePluginEntry(ref as PluginSource) : undefined
  return { listed, file: ref.file, path: ref.path }
}

// --- internal ---

/**
 * `plugins[3] in perf.config.ts:12:5`, `perf.plugins[0] in package.json:7:16`,
 * `plugins[0] of the preset 'acme' (node_modules/acme/perf.config.mjs:1:28)`; without a position
 * found, `plugins[3] in perf.config.ts` (plugin-entries.ts: describePluginSource).
 */
function describePluginEntry(source: PluginSource): string {
  const key = `${source.file ?? ''}\0${source.path}\0${source.from}\0${source.preset ?? ''}`
  let text = described.get(key)
  if (text === undefined) {
    // a message about a plugin must not fail for its position's sake (it is made in a listener's catch)
    try { text = describe(source) } catch { text = describePluginSource(source) }
    described.set(key, text)
  }
  return text
}

function describe(source: PluginSource): string {
  const at = source.file === undefined ? undefined : keyPositionSync(source.file, pathKeys(source.path), undefined)
  // only the entry's own place: its parent's (the `plugins` key of a list built by a call or with
  // a spread before the entry), or a guess between two lists (branches of a config function), would
  // send the user to another line than the entry named
  if (!at || at.partial || at.ambiguous) return describePluginSource(source)
  const where = `:${at.line}:${at.column}`
  // package.json: the key path from the file's root, the file as editors open it (not `#perf`)
  if (source.from === PACKAGE_JSON) return describePluginSource({ ...source, path: `perf.${source.path}`, from: `package.json${where}` })
  const from = `${source.from}${where}`
  return describePluginSource({ ...source, from, ...(source.preset === source.from && { preset: from }) })
}
