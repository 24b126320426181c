/**
 * Loading perf.config, top to bottom:
 * options → raw layers (snapshot fast path, else c12, which then rebuilds the snapshot) →
 * merge with env blocks and overrides → validate against the JSON Schema (validate-layers.ts: only values
 * never validated before) → resolve units and defaults.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ConfigError } from '../errors.js'
import type { PerfConfig, PerfConfigBase, ResolvedPerfConfig } from './types.js'
import { fileForPath, layerName, mergeLayers, type RawLayer } from './layers.js'
import { resolvePerfConfig } from './resolve.js'
import { pluginSources } from './plugin-entries.js'
import { configFingerprint } from './fingerprint.js'
import { packageInfo, projectDir } from '../runtime/project.js'
import { dirOptionError } from '../runtime/input-errors.js'
import { readSnapshot, unperfVersion, wasValidated } from './snapshot.js'
import { pluginSnapshots } from './plugin-snapshots.js'

export interface LoadPerfConfigOptions {
  /** Where perf.config is looked for (the host CLI's package). @default cwd */
  rootDir?: string | undefined
  /** The project the command works on. @default the nearest dir at or above process.cwd() with a package.json (runtime/project.ts projectDir) */
  cwd?: string | undefined
  /** @default PERF_ENV, else NODE_ENV, else 'production' */
  env?: string | undefined
  /** Config file name or path relative to rootDir. @default 'perf.config' (any supported extension) */
  configFile?: string | undefined
  /** Highest-priority layer. */
  overrides?: PerfConfig | undefined
  /** Overrides the default `name` (before the host package name). */
  name?: string | undefined
  /** Always load through c12 (no snapshot read or write). @default false */
  noSnapshot?: boolean | undefined
}

export interface PerfConfigLayerInfo {
  source: RawLayer['source'] | 'defaults'
  /** Display name: `perf.config.ts`, `.perfrc`, `package.json#perf`, ... */
  name: string
  file?: string
  config: Record<string, unknown>
}

export interface LoadedPerfConfig {
  config: ResolvedPerfConfig
  layers: PerfConfigLayerInfo[]
  /** 'snapshot' on the fast path, 'c12' otherwise. */
  loader: 'snapshot' | 'c12'
}

/** Loads, validates and resolves the config. Throws ConfigError listing every problem. */
export async function loadPerfConfig(options: LoadPerfConfigOptions = {}): Promise<ResolvedPerfConfig> {
  return (await _loadPerfConfigLayers(options, 'loadPerfConfig')).config
}

export function loadPerfConfigLayers(options: LoadPerfConfigOptions = {}): Promise<LoadedPerfConfig> {
  return _loadPerfConfigLayers(options, 'loadPerfConfigLayers')
}

/**
 * loadPerfConfigLayers() for `caller` (`createPerf`, `withPerf`, ...): the function a bad rootDir or cwd is told as given to.
 * `keepRaw` gets the layers as written (env blocks in place) and as applied: `unperf doctor` names a key where it was written (writtenPath()).
 */
export async function _loadPerfConfigLayers(options: LoadPerfConfigOptions, caller: string, keepRaw?: (raw: RawLayer[], applied: RawLayer[]) => void): Promise<LoadedPerfConfig> {
  // 1. options
  // not given: the project the process was started in (its nearest package.json up), as for every CLI
  const cwd = options.cwd ? resolve(options.cwd) : projectDir(process.cwd())
  const rootDir = resolve(options.rootDir ?? cwd)
  try {
    return await loadLayers(options, caller, keepRaw, cwd, rootDir)
  } catch (error) {
    // every issue's file said one way: relative to rootDir, the absolute path in filePath (issue-files.ts)
    if ((error as { name?: unknown } | null)?.name !== 'ConfigError') throw error
    throw await (await import('./issue-files.js')).withIssueFiles(error as ConfigError, rootDir)
  }
}

async function loadLayers(options: LoadPerfConfigOptions, caller: string, keepRaw: ((raw: RawLayer[], applied: RawLayer[]) => void) | undefined, cwd: string, rootDir: string): Promise<LoadedPerfConfig> {
  const env = options.env || process.env.PERF_ENV || process.env.NODE_ENV || 'production'
  // a given cwd apart from rootDir: nothing else reads it at start (the snapshot does not depend on it)
  if (options.cwd && options.rootDir && cwd !== rootDir) checkDir(cwd, 'cwd', caller)

  // 2. raw layers: the snapshot when every input is unchanged, else c12 (and rebuild the snapshot);
  // a given rootDir (or cwd, rootDir's default) that is not a directory: on the cold path only (no
  // snapshot is ever written for one, so a warm start never finds one)
  const dirOption = options.rootDir ? 'rootDir' : options.cwd ? 'cwd' : undefined
  const raw = await loadRawLayers(rootDir, options.configFile, options.noSnapshot === true || process.env.UNPERF_NO_SNAPSHOT === '1', () => {
    if (dirOption) checkDir(rootDir, dirOption, caller)
  })

  // 3. merge env blocks and overrides
  const overrides = options.name && !options.overrides?.name ? { ...options.overrides, name: options.name } : options.overrides
  // the overrides named as given: `loadPerfConfig({ overrides })`; createPerf's and the adapters' (their --no-cache) as createPerf's
  const merged = mergeLayers(raw.layers, env, overrides as Record<string, unknown> | undefined, caller.startsWith('load') ? `${caller}({ overrides })` : undefined)
  const fileFor = fileForPath(merged.layers, rootDir)
  keepRaw?.(raw.layers, merged.layers)

  // 4. validate every layer's shape (env blocks included), then the merged result. On the fast path,
  // values that passed before (same fingerprint, same unperf) skip it: the schema and its validator
  // are ~40 kB of code a warm start need not compile.
  const fingerprint = raw.snapshotDir ? configFingerprint(merged.layers, unperfVersion()) : undefined
  if (!fingerprint || !wasValidated(raw.snapshotDir!, fingerprint)) {
    const { validateLayers } = await import('./validate-layers.js')
    await validateLayers({ raw, merged, overrides: overrides as Record<string, unknown> | undefined, rootDir, cwd, env, fileFor, fingerprint })
  }

  // 5. resolve units, defaults, paths
  const host = packageInfo(rootDir)
  const { config, issues: unitIssues } = resolvePerfConfig(merged.config as PerfConfigBase, {
    rootDir, cwd, env, configFile: raw.configFile, hostName: host.name, hostVersion: host.version, fileFor, ...(cwd === rootDir && { cwdPackage: host }),
  })
  if (unitIssues.length > 0) throw await (await import('./validate-layers.js')).resolverError(unitIssues, raw.layers, merged.layers, env, rootDir, overrides as Record<string, unknown> | undefined)
  // where each plugin entry was written (messages name the file and the key path): plugin-entries.ts
  if (config.plugins.length > 0) {
    const sources = pluginSources(raw.layers, merged.layers, overrides as Record<string, unknown> | undefined, env, rootDir, config.plugins.length)
    if (sources) config.plugins.forEach((p, i) => { Object.assign(p, sources[i]) })
    // the plugin files it lists by path come from the snapshot's plugin bundle when it is fresh (plugin-bundle.ts)
    if (raw.snapshotDir) pluginSnapshots.set(config.plugins, { dir: raw.snapshotDir, rootDir, configFile: options.configFile, layers: raw.layers })
  }

  const layers: PerfConfigLayerInfo[] = merged.layers.map(l => ({
    source: l.source, name: layerName(l, rootDir), ...(l.file && { file: l.file }), config: l.config,
  }))
  return { config, layers, loader: raw.loader }
}

// --- internal ---

/**
 * A rootDir or cwd option that is not a directory: a path that does not exist ran with no config at
 * all (c12 found none there, silently), a file failed with a raw ENOTDIR.
 */
function checkDir(dir: string, option: 'rootDir' | 'cwd', caller: string): void {
  let found: string
  try {
    const stat = statSync(dir, { throwIfNoEntry: false })
    if (stat?.isDirectory()) return
    found = stat ? 'a file' : 'missing'
  } catch (error) {
    found = (error as NodeJS.ErrnoException).code ?? 'unreadable' // ENOTDIR (a path through a file), EACCES
  }
  throw dirOptionError(caller, option, dir, found)
}

async function loadRawLayers(rootDir: string, configFile: string | undefined, noSnapshot: boolean, checkRootDir: () => void): Promise<{
  layers: RawLayer[]; configFile: string | undefined; loader: 'snapshot' | 'c12'; snapshotDir?: string
}> {
  if (!noSnapshot) {
    const snap = await readSnapshot(rootDir, configFile).catch(() => undefined)
    if (snap) {
      // a snapshot of no config at all (in the platform cache dir): also what a missing rootDir
      // gave before it was checked (one was written for it before this check)
      if (snap.layers.length === 0) checkRootDir()
      return { layers: snap.layers, configFile: snap.configFile, loader: 'snapshot', snapshotDir: snap.dir }
    }
  }
  checkRootDir()
  // processes started at once after an edit: one builds the snapshot, the others wait for it (bounded)
  const turn = noSnapshot ? undefined : await (await import('./snapshot-build-lock.js')).snapshotBuildTurn(rootDir, configFile)
  if (turn && 'snapshot' in turn) {
    const snap = turn.snapshot
    return { layers: snap.layers, configFile: snap.configFile, loader: 'snapshot', snapshotDir: snap.dir }
  }
  try {
    const [{ loadRawLayersWithC12 }, { writeSnapshot }] = await Promise.all([import('./c12.js'), import('./snapshot-write.js')])
    const loaded = await loadRawLayersWithC12(rootDir, configFile)
    let snapshotDir: string | undefined
    if (!noSnapshot && loaded.snapshotable) {
      snapshotDir = await writeSnapshot(rootDir, configFile, loaded.configFile, loaded.layers, loaded.resolutionInputs)
    }
    return { layers: loaded.layers, configFile: loaded.configFile, loader: 'c12', ...(snapshotDir && { snapshotDir }) }
  } finally {
    turn?.release()
  }
}
