/**
 * Plugin entries: where each was written, and which entry of a name is set up (onePerName).
 * Loaded only with plugins (a deferred module: scripts/build.mjs).
 *
 * Where each `plugins` entry of the merged config was written: the layer's file, the key path in it
 * (`plugins[3]`, `$development.plugins[0]`, `$env.ci.plugins[1]`) and, for a layer `extends` brought
 * in, the preset (its package name, else its file). A plugin's error names it: with a preset, an env
 * block and the project each listing plugins, its name alone did not say which file to open.
 *
 * The merged list is each layer's own `plugins`, then its env block's (applyEnv), the layers
 * concatenated lowest priority first (merge.ts): the same walk here, over the layers before and
 * after their env block was applied. Runs on every start with plugins: a loop over the layers, no
 * regular expression.
 */
import { sep } from 'node:path'
import { keyPath } from './key-path.js'
import { layerName, type RawLayer } from './layers.js'
import type { ResolvedPluginRef } from './types.js'
import type { WarnOnce } from '../runtime/_internal.js'

type Obj = Record<string, unknown>

export interface PluginSource {
  /** The layer's display name (`perf.config.ts`, `.perfrc`, `node_modules/acme/perf.config.mjs`). */
  from: string
  /** The layer's file (absolute), when it has one. */
  file?: string
  /** The entry's key path in that file: `plugins[3]`, `$env.ci.plugins[0]`. */
  path: string
  /** For a preset's entry (a layer `extends` brought in): its package name, else its file as `from`. */
  preset?: string
}

/**
 * One source per entry of the merged `plugins`, in its order; undefined when the layers do not add up
 * to it (then messages name the plugin alone, as before).
 * `raw`: the layers as loaded (env blocks in place), `applied` as mergeLayers gives them (`overrides` first when given).
 */
export function pluginSources(raw: RawLayer[], applied: RawLayer[], overrides: Obj | undefined, env: string, rootDir: string, total: number): PluginSource[] | undefined {
  const pairs: Array<{ raw: Obj; layer: RawLayer }> = []
  let i = 0
  if (applied[0]?.source === 'overrides') pairs.push({ raw: overrides ?? {}, layer: applied[i++]! })
  if (applied.length - i !== raw.length) return undefined
  for (let j = 0; j < raw.length; j++) pairs.push({ raw: raw[j]!.config, layer: applied[i + j]! })
  // the merge's order, lowest priority first: the extends layers (the deepest first), then the others
  const merging = [...pairs.filter(p => p.layer.source !== 'extends'), ...pairs.filter(p => p.layer.source === 'extends')].reverse()
  const sources: PluginSource[] = []
  for (const { raw: config, layer } of merging) {
    if (!Array.isArray(layer.config.plugins)) continue
    const from = layerName(layer, rootDir)
    const preset = layer.source === 'extends' ? presetName(layer, from) : undefined
    const add = (path: string) => sources.push({ from, ...(layer.file && { file: layer.file }), path, ...(preset !== undefined && { preset }) })
    const own = Array.isArray(config.plugins) ? config.plugins.length : 0
    for (let k = 0; k < own; k++) add(`plugins[${k}]`)
    const block = envBlock(config, env)
    if (block) for (let k = 0; k < block.length; k++) add(`${block.path}[${k}]`)
    if (own + (block?.length ?? 0) !== layer.config.plugins.length) return undefined
  }
  return sources.length === total ? sources : undefined
}

/** `plugins[3] in perf.config.ts`, `plugins[0] of the preset 'acme' (node_modules/acme/perf.config.mjs)`. */
export function describePluginSource(source: PluginSource): string {
  if (source.preset === undefined) return `${source.path} in ${source.from}`
  return source.preset === source.from ? `${source.path} of the preset ${source.from}` : `${source.path} of the preset '${source.preset}' (${source.from})`
}

export interface ListedPlugin<P = unknown> {
  name: string
  plugin: P
  ref: ResolvedPluginRef
}

/**
 * One instance per plugin name, as nuxt and unjs modules have it: a plugin listed more than once
 * (by a preset and by the project, by the project and its env block) is set up once, with the entry
 * listed last (the layer closest to the project: `overrides`, then an env block, then the project's
 * file, then `.perfrc`, package.json, the presets; within one list the later entry), whose options
 * replace the others' (never merged), at the place of the first (a preset's order, which later
 * plugins of the preset may rely on, is kept). Overriding a preset's plugin is what layers are for:
 * no word; the same plugin twice in one list is a slip: warned, naming both entries with `listed`
 * (`plugins[0] in perf.config.ts:4:5`: plugin-position.ts, looked up only then), and so are two
 * different plugins (files, objects) of one name in one list: only the later one is set up.
 */
export function onePerName<E extends ListedPlugin>(entries: E[], warn: WarnOnce, listed: (ref: ResolvedPluginRef) => string | undefined): E[] {
  const kept: E[] = []
  const at = new Map<string, number>()
  // each name's entries in one list, in order: a third entry made the warning name the first two
  // and say "the later entry's options" of the second, while the third's were the ones set up
  const repeats = new Map<string, E[]>()
  for (const entry of entries) {
    const i = at.get(entry.name)
    if (i === undefined) {
      at.set(entry.name, kept.length)
      kept.push(entry)
      repeats.set(entry.name, [entry])
      continue
    }
    const run = repeats.get(entry.name)!
    if (sameList(run[run.length - 1]!.ref, entry.ref)) run.push(entry)
    else if (run.length < 2) repeats.set(entry.name, [entry]) // a layer overriding another: no word
    kept[i] = entry
  }
  for (const [name, run] of repeats) if (run.length > 1) warnRepeated(name, run, kept[at.get(name)!]!, warn, listed)
  return kept
}

/**
 * The same plugin, or plugins of one name, more than once in one list: warned, naming every entry,
 * and the one set up (`setUp`: the list's last, or a later layer's entry that replaces them all).
 */
function warnRepeated<E extends ListedPlugin>(name: string, run: E[], setUp: E, warn: WarnOnce, listed: (ref: ResolvedPluginRef) => string | undefined): void {
  const places = run.map(entry => listed(entry.ref))
  const where = places.every(place => place !== undefined) ? ` (${places.slice(0, -1).join(', ')}, then ${places[places.length - 1]})` : ''
  const times = run.length === 2 ? 'twice' : `${run.length} times`
  const last = run.length === 2 ? 'later' : 'last'
  // a later layer's entry (a preset's list with the repeat, the project's entry for it) is the one set
  // up: the warning said the list's last entry's options were
  const layer = setUp === run[run.length - 1] ? undefined : { at: listed(setUp.ref) }
  const later = layer && `a later layer's entry${layer.at ? ` (${layer.at})` : ''}`
  // two different plugins (two files, two objects) that took one name: "list it once" was the wrong advice
  warn(`plugin-duplicate:${name}`, run.every(entry => entry.plugin === run[0]!.plugin)
    ? `plugin '${name}' is listed ${times} in one list${where}: it is set up once, with the options of ${later ?? `the ${last} entry`} alone; list it once`
    : `${run.length === 2 ? 'two plugins' : `${run.length} entries`} in one list are named '${name}'${where}: only ${later ?? `the ${last} one`} is set up (one instance per name, which is also its cache namespace 'plugin:${name}'); if they are different plugins, one of them must take another name`)
}

/** Two entries of the same `plugins` list (one file, one block): not a layer overriding another. */
function sameList(a: ResolvedPluginRef, b: ResolvedPluginRef): boolean {
  if (a.path === undefined || b.path === undefined) return true
  const list = (path: string) => path.slice(0, path.lastIndexOf('['))
  return a.from === b.from && a.file === b.file && list(a.path) === list(b.path)
}

// --- internal ---

/** The env block whose `plugins` applyEnv appends: `$env[env]`'s when it has the key, else `$<env>`'s. */
function envBlock(config: Obj, env: string): { path: string; length: number } | undefined {
  const fromEnv = (config.$env as Record<string, Obj | undefined> | undefined)?.[env]
  const named = config[`$${env}`] as Obj | undefined
  const holder = fromEnv && typeof fromEnv === 'object' && 'plugins' in fromEnv ? { block: fromEnv, path: keyPath(keyPath('', '$env'), env) } : named && typeof named === 'object' ? { block: named, path: keyPath('', `$${env}`) } : undefined
  if (!holder || !Array.isArray(holder.block.plugins)) return undefined
  return { path: `${holder.path}.plugins`, length: holder.block.plugins.length }
}

/** A preset package's name (the last `node_modules/<name>` of its file), else undefined (a local preset file: its path names it). */
function presetName(layer: RawLayer, from: string): string {
  const file = layer.file ?? ''
  const at = file.lastIndexOf(`${sep}node_modules${sep}`)
  if (at < 0) return from
  const parts = file.slice(at + 14).split(sep)
  return parts[0]!.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0]!
}
