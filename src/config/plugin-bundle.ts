/**
 * The plugin bundle: the local plugin files a config lists by path (`plugins: ['./plugins/a.mjs']`),
 * bundled into one module beside the config snapshot (written by plugin-bundle-write.ts). A warm
 * start loads that one module instead of one file per plugin (≈ 0.5 ms a plugin less: 20 plugins, −9 to
 * −10 ms in bench/scenarios/cli-sdk-plugins.mjs). Each plugin inside is evaluated when its entry is loaded, as its file was (esbuild's
 * lazy wrappers): a plugin listed only in an inactive env block runs nothing.
 *
 * Its staleness is its own, apart from the config snapshot's: an edit to a plugin file (or a helper
 * it imports) makes only the bundle stale, never the config (whose rebuild is a ~450 ms cold load).
 * A stale or missing bundle: the plugins load from their files, one by one (always correct), and
 * the bundle is rebuilt once the run is closed, in a process of its own (plugin-bundle-write.ts
 * spawnRebuild; perf.close() or the exit handler: run-end.ts `_afterClose`).
 * A rebuild that fails (not "nothing to bundle": a plugin path it cannot stat, a disk full, esbuild
 * unable to run) leaves a manifest saying so, against the inputs it read: the plugins load from
 * their files, and no run starts another rebuild until an input changes or PLUGIN_BUNDLE_RETRY_MS
 * have passed (it was one process per run, each failing alike). `unperf doctor` shows the reason.
 * Only with plugins (plugins.ts, a deferred module): nothing of this is on the start path.
 */
import { lstatSync } from 'node:fs'
import type { WarnOnce } from '../runtime/_internal.js'
import { isAbsolute, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inputsUnchanged, manifestName, readSnapshotFile, unperfVersion, type InputStat } from './snapshot.js'
import type { RawLayer } from './layers.js'
import type { ResolvedPluginRef } from './types.js'
import { pluginSnapshots } from './plugin-snapshots.js'

export const PLUGIN_BUNDLE_FORMAT = 1
/** How long a failed rebuild stands, its inputs unchanged: one background attempt per 10 min at most (a fixed disk, a reinstalled esbuild). */
export const PLUGIN_BUNDLE_RETRY_MS = 10 * 60_000

export interface PluginBundleManifest {
  format: number
  unperf: string
  rootDir: string
  builtAt: number
  /** The bundle's file name in the snapshot dir; none when no plugin file could be bundled. */
  module?: string
  /** The module's size in bytes: another size (cut short, a copy) makes the bundle stale. */
  moduleSize?: number
  /** The plugin files inside it (absolute, as loadPlugin resolves an entry). */
  files: string[]
  /** Every file its build read or looked for: any change makes it stale. */
  inputs: InputStat[]
  /** Plugin files a config layer imports: loaded from their file (one module instance with the config's). */
  external: string[]
  /** The build failed (no module): when, and its error's message. Stands until an input changes or PLUGIN_BUNDLE_RETRY_MS. */
  failed?: { at: number; reason: string }
}

/** What a warm start's config snapshot gives the plugin loader (load.ts). */
export interface PluginSnapshot {
  dir: string
  rootDir: string
  configFile: string | undefined
  layers: RawLayer[]
}

/** An open bundle: which files it holds and, once asked for, each one's loader. */
export interface PluginBundle {
  file: string
  files: ReadonlySet<string>
  /** Whether its module was loaded (its positions in a stack are mapped back then: plugin-bundle-stack.ts). */
  opened: boolean
  /** Its module's loaders, by plugin file: each evaluates that file's code once, and gives what import() of it would. Rejects when the module cannot be loaded. */
  open(): Promise<Record<string, () => Promise<unknown>>>
}

/** `plugins-<config>-<rootDir>-<version>.json`: one per config file, rootDir and unperf version, as the config's manifest. */
export function pluginManifestName(rootDir: string, configFile: string | undefined): string {
  return `plugins-${manifestName(rootDir, configFile).slice('manifest-'.length)}`
}

/**
 * The bundle of this snapshot, or why there is none to use: 'stale' (missing, another version,
 * an input changed: rebuild it) or 'none' (fresh, but no plugin file could be bundled).
 */
export function openPluginBundle(snap: PluginSnapshot): PluginBundle | 'stale' | 'none' {
  const manifest = readPluginManifest(snap)
  if (!manifest || manifest.format !== PLUGIN_BUNDLE_FORMAT || manifest.unperf !== unperfVersion() || manifest.rootDir !== snap.rootDir) return 'stale'
  if (manifest.module !== undefined && !/^plugins-[0-9a-f]+\.mjs$/.test(manifest.module)) return 'stale'
  // a failed rebuild stands for its inputs as 'none' does, for a while (either way round: a clock set back)
  if (manifest.failed && !(Math.abs(Date.now() - manifest.failed.at) < PLUGIN_BUNDLE_RETRY_MS)) return 'stale'
  // (its builtAt moved once verified past the racy window: 20 plugin files hashed on every start cost ≈ 13 M instructions)
  if (!inputsUnchanged(manifest, join(snap.dir, pluginManifestName(snap.rootDir, snap.configFile)))) return 'stale'
  if (manifest.module === undefined) return 'none'
  const file = join(snap.dir, manifest.module)
  // a FIFO under its name hung the start for good (require() reads it), a symlink ran the code it
  // points at, a module cut short failed to load on every run and was never rebuilt: each is stale
  const st = lstatSync(file, { throwIfNoEntry: false })
  if (!st?.isFile() || (manifest.moduleSize !== undefined && st.size !== manifest.moduleSize)) return 'stale'
  let loaded: Promise<Record<string, () => Promise<unknown>>> | undefined
  const bundle: PluginBundle = {
    file,
    files: new Set(manifest.files),
    opened: false,
    open() {
      bundle.opened = true
      return (loaded ??= importBundle(file))
    },
  }
  return bundle
}

/**
 * The plugin bundle of the config snapshot these refs come from, when fresh (setupPlugins). A
 * stale or missing one: undefined (each file loads on its own) and rebuilt once the run is closed.
 */
export function bundleFor(refs: ResolvedPluginRef[], afterClose: ((task: () => void | Promise<void>) => void) | undefined, warn?: WarnOnce): PluginBundle | undefined {
  const snap = pluginSnapshots.get(refs)
  if (!snap || !refs.some(r => typeof r.plugin === 'string' && (r.plugin.startsWith('.') || isAbsolute(r.plugin)))) return undefined
  const bundle = openPluginBundle(snap)
  if (bundle === 'stale' && afterClose) afterClose(rebuildLater(snap))
  if (typeof bundle !== 'object') return undefined
  // a module that does not load (NUL bytes where its code was, another file's text): the plugins
  // load from their files (plugin-module.ts fromBundle), said once, and it is rebuilt after the run
  const open = bundle.open
  let told = false
  bundle.open = () => open().catch((error: unknown) => {
    if (!told) {
      told = true
      warn?.('plugin-bundle', `the plugin bundle ${bundle.file} cannot be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): the plugins load from their files; it is rebuilt after this run`)
      if (afterClose) afterClose(rebuildLater(snap))
    }
    throw error
  })
  return bundle
}

/**
 * The rebuild, in a process of its own, started once the run is closed (plugin-bundle-write.ts
 * spawnRebuild). Its module is loaded now, in this (stale, rare) run: a run closed by the exit
 * handler, which cannot await (a host that never calls perf.close()), starts it synchronously.
 */
function rebuildLater(snap: PluginSnapshot): () => void | Promise<void> {
  let spawn: (() => void) | undefined
  const loading = import('./plugin-bundle-write.js').then(m => { spawn = () => m.spawnRebuild(snap) }, () => {})
  return () => spawn ? spawn() : loading.then(() => spawn?.())
}

/** The failed rebuild that stands for this snapshot's plugin bundle now (no run retries it yet): `unperf doctor`. */
export function pluginBundleFailure(snap: PluginSnapshot): { at: number; reason: string } | undefined {
  const failed = readPluginManifest(snap)?.failed
  return failed && openPluginBundle(snap) === 'none' ? failed : undefined
}

// --- internal ---

/** The manifest, read never through a symlink nor blocking (a FIFO under its name hung every start: it reads as empty), as the snapshot's own. */
function readPluginManifest(snap: PluginSnapshot): PluginBundleManifest | undefined {
  try { return JSON.parse(readSnapshotFile(join(snap.dir, pluginManifestName(snap.rootDir, snap.configFile)))) as PluginBundleManifest } catch { return undefined }
}

async function importBundle(file: string): Promise<Record<string, () => Promise<unknown>>> {
  let mod: { plugins?: unknown }
  if (process.features.require_module === true) {
    const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module')
    mod = createRequire(file)(file) as typeof mod
  } else {
    mod = (await import(pathToFileURL(file).href)) as typeof mod
  }
  if (!mod.plugins || typeof mod.plugins !== 'object') throw new Error(`the plugin bundle ${file} exports no plugins`)
  return mod.plugins as Record<string, () => Promise<unknown>>
}
