/**
 * Building the plugin bundle (plugin-bundle.ts reads it): the local plugin files the config's layers
 * list by path, every env block's too, bundled by esbuild into one module with a source map beside
 * it, as the config snapshot is built (snapshot-write.ts: packages stay imports, `unperf` is the
 * host's own instance, import.meta.url and __dirname name the original file). Each plugin is an
 * entry evaluated when it is loaded; a helper two plugins import is one instance inside.
 *
 * Left out, loaded from their file as before: a plugin file a config layer imports (the config
 * snapshot imports it from its file: one module instance), CommonJS ones, and one esbuild cannot
 * build, whose top-level code awaits, or that imports a package not found from its own dir (the
 * error a user sees stays the one loading the file gives). Cold path only: after a cold load, and
 * after a run that found the bundle stale. Never throws: a failure means no bundle, and a manifest
 * recording it (plugin-bundle.ts: no rebuild until an input changes or a while has passed).
 */
import { crypto } from '../runtime/_builtins.js'
import { accessSync, constants, lstatSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageNameOf, packageProbes, packageRoot } from './c12.js'
import { pluginFiles } from './plugin-files.js'
import { inModulePackage } from './package-type.js'
import { inputRecorder, loadWithOwnPaths, probedPaths, resolveUnperf, SNAPSHOT_BUILD } from './snapshot-write.js'
import { manifestName, unperfVersion, type Manifest } from './snapshot.js'
import { PLUGIN_BUNDLE_FORMAT, pluginManifestName, type PluginBundleManifest, type PluginSnapshot } from './plugin-bundle.js'
import { packageFile as packagePath } from './plugin-paths.js'
import { removeLeftoverTempFiles, writeFileAtomicSync } from '../runtime/write-file-atomic.js'

export interface WritePluginBundleOptions {
  dir: string
  rootDir: string
  configFile: string | undefined
  /** The plugin files the layers list by path (plugin-files.ts: where an entry may load from). */
  files: Iterable<string>
  /** The plugin files a config layer imports (snapshot-write.ts bundleConfig): left out. */
  external: ReadonlySet<string>
  /** Written readable by the owner alone (not in the project's node_modules). */
  private?: boolean
}

/** Builds and writes the bundle of `layers`' plugin files in `dir`; returns whether one (or the record that none can be) was written. */
export async function writePluginBundle(options: WritePluginBundleOptions): Promise<boolean> {
  const { dir, rootDir, configFile, external } = options
  const builtAt = Date.now()
  const { inputs, add: addInput } = inputRecorder(builtAt)
  const listed = [...options.files]
  const priv = options.private ?? !dir.startsWith(join(rootDir, 'node_modules') + sep)
  try {
    const candidates: string[] = []
    for (const file of listed) {
      // a file that appears where an entry points (a preset's entry found from rootDir instead) makes it stale
      // (a path through a file, `plugins/b/index.mjs` with `plugins/b` a file: an input not there, snapshot.ts statInput)
      addInput(file)
      if (!external.has(file) && bundleable(file)) candidates.push(file)
    }
    let files = candidates
    let built = files.length > 0 ? await build(files, rootDir, external) : undefined
    if (built && !built.ok) {
      // one file spoils the build (a syntax error, a top-level await, a package not found from it):
      // each on its own tells which; the others are bundled, that one loads from its file as before
      const good: string[] = []
      for (const file of candidates) {
        const one = await build([file], rootDir, external)
        if (one.ok) good.push(file)
        else addInput(file)
      }
      files = good
      built = files.length > 0 ? await build(files, rootDir, external) : undefined
      if (built && !built.ok) { files = []; built = undefined }
    }
    for (const path of built?.inputs ?? []) addInput(path)
    // a file edited while esbuild read it: the bundle may hold the old text under the new stat; none this time (the next run rebuilds)
    // (a clock ahead of this one, an mtime in the future, is not that: it would keep any bundle from being written)
    const doneAt = Date.now()
    // (builtAt is whole ms, an mtime has its fraction: one written in that same ms was there before esbuild read anything)
    if ([...inputs.values()].some(i => i.exists && i.mtimeMs! >= builtAt + 1 && i.mtimeMs! <= doneAt)) return false
    const name = built ? `plugins-${crypto().createHash('sha256').update(built.code).digest('hex').slice(0, 16)}.mjs` : undefined
    const manifest: PluginBundleManifest = {
      format: PLUGIN_BUNDLE_FORMAT, unperf: unperfVersion(), rootDir, builtAt, files,
      inputs: [...inputs.values()], external: [...external], ...(name && { module: name }),
    }
    if (built && name) {
      writeFileAtomicSync(join(dir, `${name}.map`), built.map, { private: priv })
      const code = built.code.replace(/MAP_NAME\n$/, `${name}.map\n`)
      // an empty directory under its name (the rename would fail on it): removed; one with files in it stays (the failure is recorded)
      try { if (lstatSync(join(dir, name)).isDirectory()) rmdirSync(join(dir, name)) } catch { /* none, or not empty */ }
      writeFileAtomicSync(join(dir, name), code, { private: priv })
      // a module cut short (a crash, a full disk, a copy) is stale at a stat: plugin-bundle.ts
      manifest.moduleSize = Buffer.byteLength(code)
    }
    writeFileAtomicSync(join(dir, pluginManifestName(rootDir, configFile)), JSON.stringify(manifest), { private: priv })
    prunePluginBundles(dir)
    // the temp files of a build killed before its renames (a cold start SIGKILLed): none stay for good
    removeLeftoverTempFiles(dir)
    return true
  } catch (error) {
    // not a file left out but the build itself (a plugin path that cannot be stat'd, a full disk,
    // esbuild unable to run): recorded against its inputs, or every run would start a rebuild failing alike
    const failed = { at: Date.now(), reason: error instanceof Error ? error.message : String(error) }
    for (const file of listed) addInput(file)
    const manifest: PluginBundleManifest = { format: PLUGIN_BUNDLE_FORMAT, unperf: unperfVersion(), rootDir, builtAt, files: [], inputs: [...inputs.values()], external: [...external], failed }
    try { writeFileAtomicSync(join(dir, pluginManifestName(rootDir, configFile)), JSON.stringify(manifest), { private: priv }) } catch { /* unwritable: spawnRebuild checks before it starts one */ }
    return false
  }
}

/** What a rebuild needs (plugin-bundle-child.ts gets it as JSON). */
export type RebuildRequest = Omit<WritePluginBundleOptions, 'files' | 'external' | 'private'> & { files: string[] }

/**
 * The bundle rebuilt after a run that found it stale (an edited plugin file), the config snapshot
 * unchanged: the plugin files the config imports are those its snapshot modules import by URL.
 */
export async function rebuildPluginBundle(request: RebuildRequest): Promise<boolean> {
  const external = new Set<string>()
  try {
    const manifest = JSON.parse(readFileSync(join(request.dir, manifestName(request.rootDir, request.configFile)), 'utf8')) as Manifest
    const code = manifest.layers.map(l => l.module ? readFileSync(join(request.dir, l.module), 'utf8') : '').join('\n')
    for (const file of request.files) if (code.includes(JSON.stringify(pathToFileURL(file).href))) external.add(file)
  } catch {
    return false // the config snapshot went meanwhile: its next cold load writes both
  }
  return writePluginBundle({ ...request, external })
}

/**
 * Starts the rebuild in a process of its own, not waited for: the run that found the bundle stale
 * (an edited plugin file) ends as soon as it would have, and the next run finds the bundle rebuilt
 * (or, if it starts before that is done, loads the files one by one again). Awaited in perf.close()
 * instead, it cost that run ≈ 140–200 ms (esbuild loaded and run; bench/results/startup.md).
 */
export function spawnRebuild(snap: PluginSnapshot): void {
  const root = packageRoot()
  const child = root && join(root, 'dist', 'plugin-bundle-child.mjs')
  if (!child || !statSync(child, { throwIfNoEntry: false })?.isFile()) return
  // a dir it cannot write to (a snapshot another user wrote, a read-only mount) takes no bundle nor the record of a failure
  try { accessSync(snap.dir, constants.W_OK) } catch { return }
  const request: RebuildRequest = { dir: snap.dir, rootDir: snap.rootDir, configFile: snap.configFile, files: [...pluginFiles(snap.layers, snap.rootDir)] }
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process')
  try {
    spawn(process.execPath, [child, JSON.stringify(request)], { detached: true, stdio: 'ignore', windowsHide: true }).unref()
  } catch { /* no process to spare: the next run tries again */ }
}

// --- internal ---

/** An ES module file require(esm) or import() would load (.mjs, a module package's .js). */
function bundleable(file: string): boolean {
  let stat
  try { stat = statSync(file, { throwIfNoEntry: false }) } catch { return false } // ENOTDIR, ELOOP, EACCES: not one to bundle
  if (!stat?.isFile()) return false
  return file.endsWith('.mjs') || (file.endsWith('.js') && inModulePackage(file))
}

const DYNAMIC_IMPORT = ['im', 'port'].join('')

interface Built { ok: true; code: string; map: string; inputs: string[] }

/** The bundle of these plugin files, or not ok when one cannot be in it. */
async function build(files: string[], rootDir: string, external: ReadonlySet<string>): Promise<Built | { ok: false }> {
  const esbuild = await import('esbuild')
  const probed: string[] = []
  const outfile = join(rootDir, 'unperf-plugins.mjs')
  // each plugin behind a dynamic import(): esbuild makes it a lazy wrapper, run when loaded
  // (the keyword spelt apart: unperf's own build rewrites a dynamic import in its code, strings too)
  const entry = `export const plugins = {\n${files.map(f => `  ${JSON.stringify(f)}: () => ${DYNAMIC_IMPORT}(${JSON.stringify(f)}),`).join('\n')}\n}\n`
  let result: Awaited<ReturnType<typeof esbuild.build>> & { metafile: import('esbuild').Metafile; outputFiles: import('esbuild').OutputFile[] }
  try {
    result = await esbuild.build({
      ...SNAPSHOT_BUILD,
      stdin: { contents: entry, resolveDir: rootDir, sourcefile: '<unperf-plugins>', loader: 'js' },
      sourcemap: 'linked',
      sourcesContent: false,
      outfile,
      absWorkingDir: rootDir,
      plugins: [{
        name: 'unperf-plugin-bundle',
        setup(b) {
          resolveUnperf(b)
          b.onResolve({ filter: /^(\.\.?(\/|$)|\/)/ }, args => {
            if (!args.resolveDir || args.kind === 'entry-point') return undefined
            const paths = probedPaths(args.resolveDir, args.path)
            probed.push(...paths)
            // a plugin file the config imports: the module the config snapshot imports, not a copy
            const found = paths.at(-1)!
            return external.has(found) ? { path: pathToFileURL(found).href, external: true } : undefined
          })
          // a package: the file import() would load from the importing file's dir, by its real path
          // (the bundle lives elsewhere; the same URL the host's own import of it gets: one instance)
          b.onResolve({ filter: /^[^./]/ }, args => {
            if (args.kind === 'entry-point' || isBuiltin(args.path) || /^[a-z]+:/i.test(args.path)) return args.path.startsWith('file:') || isBuiltin(args.path) ? { path: args.path, external: true } : undefined
            const pkg = packageNameOf(args.path)
            if (!pkg || !args.resolveDir) return { errors: [{ text: `'${args.path}' is not resolved from the bundle as from its file` }] }
            const found = packageFile(args.path, args.resolveDir)
            probed.push(...packageProbes(args.resolveDir, pkg))
            if (!found) return { errors: [{ text: `package '${args.path}' not found from ${args.resolveDir}` }] }
            probed.push(found)
            return { path: pathToFileURL(found).href, external: true }
          })
          b.onLoad({ filter: /\.[cm]?[jt]s$/ }, args => {
            const loaded = loadWithOwnPaths(args.path)
            // import.meta.resolve() and the like would answer for the bundle's place, not the file's
            return /\bimport\.meta\b/.test(loaded.contents) ? { errors: [{ text: `${['import', 'meta'].join('.')} other than url, dirname, filename` }] } : loaded
          })
        },
      }],
    }) as typeof result
  } catch (error) {
    // esbuild's verdict on these files (its `errors`): one of them cannot be in the bundle; anything
    // else (esbuild itself cannot run: its binary missing for this platform) says nothing of them
    if (!Array.isArray((error as { errors?: unknown } | null)?.errors)) throw new Error(`esbuild could not run: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    return { ok: false }
  }
  const inputs = Object.entries(result.metafile.inputs).filter(([p]) => !p.startsWith('<') && !p.startsWith('unperf-config:'))
  // CommonJS inside (a require() of a package would fail in an ES module), or a top-level await
  // (the wrapper would be async: the file loads through import() as before)
  if (inputs.some(([, i]) => i.format === 'cjs')) return { ok: false }
  // a file its own loading would not take as it is (a .ts one on a Node without type stripping), or
  // what esbuild warns it cannot bundle as written
  if (inputs.some(([p]) => /\.[cm]?tsx?$/.test(p)) || result.warnings.length > 0) return { ok: false }
  const js = result.outputFiles.find(f => f.path.endsWith('.mjs'))!
  const mapFile = result.outputFiles.find(f => f.path.endsWith('.map'))!
  if (/^\s*async "[^"]*"\(\) \{$/m.test(js.text)) return { ok: false }
  // an import() of a computed path (esbuild leaves it, without a word): resolved from the bundle's place
  if (/(?<![\w$.])import\(\s*(?!["'])/.test(js.text)) return { ok: false }
  const map = JSON.parse(mapFile.text) as { sources: string[] }
  map.sources = map.sources.map(s => s.startsWith('<') ? s : resolve(dirname(outfile), s))
  // its map named relative to it: what node's --enable-source-maps reads (no cost without it)
  const code = js.text.replace(/\/\/# sourceMappingURL=.*\n?$/, '//# sourceMappingURL=MAP_NAME\n')
  return { ok: true, code, map: JSON.stringify(map), inputs: [...probed, ...inputs.map(([p]) => resolve(rootDir, p))] }
}

/** The file import(specifier) loads from a file in `fromDir`, by its real path; undefined when not found. */
function packageFile(specifier: string, fromDir: string): string | undefined {
  // plugin-paths.ts's lookup (import()'s exports condition, else require's), as a preset's entries are found
  const file = packagePath(fromDir, specifier)
  if (!file || !isAbsolute(file)) return undefined
  try { return realpathSync(file) } catch { return undefined }
}

/** Removes the bundles (and maps) no plugin manifest in the dir refers to any more. */
function prunePluginBundles(dir: string): void {
  try {
    const names = readdirSync(dir)
    const used = new Set<string>()
    for (const name of names) {
      if (!/^plugins-.*\.json$/.test(name)) continue
      try {
        const module = (JSON.parse(readFileSync(join(dir, name), 'utf8')) as PluginBundleManifest).module
        if (module) used.add(module)
      } catch {
        return // one being replaced: keep everything this time
      }
    }
    for (const name of names) {
      const m = /^(plugins-[0-9a-f]+\.mjs)(\.map)?$/.exec(name)
      if (m && !used.has(m[1]!)) rmSync(join(dir, name), { force: true })
    }
  } catch { /* unreadable: next time */ }
}
