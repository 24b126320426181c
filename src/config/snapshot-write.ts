/**
 * Building the config snapshot (see snapshot.ts for reading it): after a cold load through c12,
 * bundle each code layer with esbuild (local imports in, packages external), record every input
 * with its stat (and content hash inside the racy window), write modules and manifest atomically.
 */
import { crypto } from '../runtime/_builtins.js'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, resolve, sep } from 'node:path'
import { isBuiltin } from 'node:module'
import { pathToFileURL } from 'node:url'
import { packageNameOf, packageProbes, packageRoot, selfAliases } from './c12.js'
import { packageFile } from './plugin-paths.js'
import { pluginFiles, wantsPluginBundle } from './plugin-files.js'
import { writePluginBundle } from './plugin-bundle-write.js'
import type { RawLayer } from './layers.js'
import type { BuildOptions, PluginBuild } from 'esbuild'
import { removeLeftoverTempFiles, writeFileAtomicSync } from '../runtime/write-file-atomic.js'
import { makeDirSync } from '../runtime/make-dir.js'
import {
  CODE_EXT, FORMAT, hashFile, manifestName, manifestPrefix, snapshotDirs, snapshotDirUntrusted, statInput, unperfVersion,
  type InputStat, type Manifest, type ManifestLayer,
} from './snapshot.js'
import { candidateInputs } from './config-candidates.js'
import { asScript } from './snapshot-script.js'

/** Builds the snapshot from c12's layers; returns its dir. Never throws: a failure only means no fast path next time. */
export async function writeSnapshot(rootDir: string, configFile: string | undefined, mainFile: string | undefined, layers: RawLayer[], resolutionInputs: string[] = []): Promise<string | undefined> {
  try {
    const builtAt = Date.now()
    const { inputs, add: addInput } = inputRecorder(builtAt)
    // every config file candidate (a preset dir's come in resolutionInputs, from c12.ts)
    for (const candidate of candidateInputs(rootDir, configFile)) addInput(candidate)
    addInput(join(rootDir, '.perfrc'))
    addInput(join(rootDir, 'package.json'))
    for (const path of resolutionInputs) addInput(path)
    // a plugin file another layer lists by path stays an import (one module instance): plugin-files.ts
    const external = pluginFiles(layers, rootDir)
    // the plugin files a layer imports: the plugin bundle leaves them out (plugin-bundle-write.ts)
    const imported = new Set<string>()
    const modules: { name: string; code: string }[] = []
    const manifestLayers: ManifestLayer[] = []
    for (const layer of layers) {
      if (layer.source === 'overrides') continue
      const file = layer.file
      if (file && CODE_EXT.has(extname(file))) {
        // the layer's own path too: an `extends` that is a symlink resolves to its target in esbuild's inputs
        addInput(file)
        const { code: esm, inputs: bundled } = await bundleConfig(file, external, imported)
        for (const input of bundled) addInput(input)
        // a config that imports nothing at run time becomes a classic script: no ES module to load on a warm start
        const script = await asScript(esm)
        const code = script ?? esm
        const name = `${layer.source}-${crypto().createHash('sha256').update(code).digest('hex').slice(0, 16)}.${script ? 'cjs' : 'mjs'}`
        modules.push({ name, code })
        manifestLayers.push({ source: layer.source, file, module: name })
      } else {
        if (file) addInput(file)
        if (!isJsonSafe(layer.config)) return undefined
        manifestLayers.push({ source: layer.source, ...(file && { file }), data: layer.config })
      }
    }
    const manifest: Manifest = { format: FORMAT, rootDir, builtAt, unperf: unperfVersion(), inputs: [...inputs.values()], layers: manifestLayers, ...(mainFile && { configFile: mainFile }) }
    for (const dir of snapshotDirs(rootDir)) {
      try {
        // asked before the dir is made: never made through a `config-snapshots` link of another user's
        if (snapshotDirUntrusted(dir, rootDir, true)) continue
        makeDirSync(dir, 0o700)
        // the config's code (secrets it holds too) never into a dir someone else can write to (readSnapshot would not use it)
        const priv = !dir.startsWith(join(rootDir, 'node_modules') + sep)
        for (const m of modules) writeFileAtomicSync(join(dir, m.name), m.code, { private: priv })
        writeFileAtomicSync(join(dir, manifestName(rootDir, configFile)), JSON.stringify(manifest), { private: priv })
        pruneManifests(dir, rootDir, configFile)
        pruneModules(dir)
        // the temp files of a build killed before its renames (a cold start SIGKILLed): none stay for good
        removeLeftoverTempFiles(dir)
        // the plugin files listed by path, in one module (its staleness is its own: plugin-bundle.ts)
        if (wantsPluginBundle(layers)) await writePluginBundle({ dir, rootDir, configFile, files: external, external: imported, private: priv })
        if (basename(dirname(dir)) === 'config-snapshots') pruneSnapshots(dirname(dir))
        return dir
      } catch {
        // unwritable (e.g. a global install): try the next location
      }
    }
    return undefined
  } catch {
    return undefined
  }
}

/**
 * The inputs of a build started at `builtAt`, each recorded once: its stat, and its content hash
 * when its mtime is within 2 s of the build (what snapshot.ts inputsUnchanged() compares).
 */
export function inputRecorder(builtAt: number): { inputs: Map<string, InputStat>; add: (path: string) => void } {
  const inputs = new Map<string, InputStat>()
  return {
    inputs,
    add(path) {
      if (inputs.has(path)) return
      const s = statInput(path)
      if (s.exists && Math.abs(builtAt - s.mtimeMs!) < 2000) s.hash = hashFile(path)
      inputs.set(path, s)
    },
  }
}

// --- internal ---

/**
 * jiti's extension order (its default `extensions`, then `.json` through require.resolve): the
 * snapshot must bundle the file c12 loaded, and esbuild's own order (.tsx, .ts, .jsx, .js, ...)
 * picked helper.ts where jiti picked helper.js.
 */
export const RESOLVE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.json']
const JS_EXT = /\.(c|m)?jsx?$/

/**
 * The paths resolving a local import looks at, in order, up to the first that is a file: a file
 * added in front of the one used (helper.js beside helper.ts) or a symlink retargeted (esbuild's
 * inputs hold the link's target, not the link) must make the snapshot stale.
 */
export function probedPaths(resolveDir: string, specifier: string): string[] {
  const base = resolve(resolveDir, specifier)
  const ext = extname(base)
  const candidates = RESOLVE_EXTENSIONS.includes(ext)
    ? [base, ...(JS_EXT.test(base) ? ['.ts', '.tsx', '.mts', '.cts'].map(e => base.replace(JS_EXT, '') + e) : [])]
    : [base, ...RESOLVE_EXTENSIONS.map(e => base + e), ...RESOLVE_EXTENSIONS.map(e => join(base, `index${e}`))]
  const probed: string[] = []
  for (const candidate of candidates) {
    probed.push(candidate)
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) break
  }
  return probed
}

/**
 * What the config snapshot's modules and the plugin bundle are built as: one ES module for node 20,
 * local imports in (resolved in jiti's order), packages left as imports.
 */
export const SNAPSHOT_BUILD = {
  bundle: true, write: false, format: 'esm', platform: 'node', target: 'node20', packages: 'external',
  metafile: true, logLevel: 'silent', resolveExtensions: RESOLVE_EXTENSIONS,
} as const satisfies BuildOptions

/**
 * unperf's own imports in a bundled config or plugin file: `unperf/config` (`definePerfConfig`,
 * `definePerfPlugin`: identities) is no import at all on the warm path, and `unperf` is the very
 * module instance the host runs. Its namespace 'unperf-config' is left out of the inputs.
 */
export function resolveUnperf(build: PluginBuild): void {
  build.onResolve({ filter: /^unperf\/config$/ }, () => ({ path: 'unperf/config', namespace: 'unperf-config' }))
  build.onLoad({ filter: /.*/, namespace: 'unperf-config' }, () => ({
    contents: 'export const definePerfConfig = (c) => c\nexport const definePerfPlugin = (p) => p\n',
    loader: 'js',
  }))
  const own = selfAliases().unperf
  if (own) build.onResolve({ filter: /^unperf$/ }, () => ({ path: own, external: true }))
}

/** What node's import() of a package file cannot load (Node 20: no type stripping; JSON needs an import attribute). */
const NOT_IMPORTABLE = /\.(?:[cm]?tsx?|jsx|json)$/

/** `external`: local files kept as imports (by file URL), not bundled in; those it imports are added to `imported`. */
async function bundleConfig(file: string, external: ReadonlySet<string>, imported: Set<string>): Promise<{ code: string; inputs: string[] }> {
  const esbuild = await import('esbuild')
  const probed: string[] = []
  const result = await esbuild.build({
    ...SNAPSHOT_BUILD,
    entryPoints: [file],
    absWorkingDir: dirname(file),
    plugins: [{
      name: 'unperf-snapshot',
      setup(build) {
        resolveUnperf(build)
        // local imports: record what resolving them looked at (esbuild then resolves as usual)
        build.onResolve({ filter: /^(\.\.?(\/|$)|\/)/ }, args => {
          if (!args.resolveDir) return undefined
          const paths = probedPaths(args.resolveDir, args.path)
          probed.push(...paths)
          // a plugin file also listed by path: the module the plugin loader gets, not a copy in the snapshot
          const found = paths.at(-1)!
          if (!external.has(found) || !/\.[cm]?js$/.test(found)) return undefined
          imported.add(found)
          return { path: pathToFileURL(found).href, external: true }
        })
        // a package whose file node's import() cannot load (a workspace package's TypeScript source,
        // a .json) is bundled in as a local file: left as an import, every warm start failed on it and
        // loaded through c12 again (rebuilding the snapshot each time). Its package.json lookups are inputs.
        build.onResolve({ filter: /^[^./]/ }, args => {
          if (!args.resolveDir || isBuiltin(args.path) || /^[a-z]+:/i.test(args.path)) return undefined
          const pkg = packageNameOf(args.path)
          const found = pkg && packageFile(args.resolveDir, args.path)
          if (!found || !isAbsolute(found) || !NOT_IMPORTABLE.test(found)) return undefined
          probed.push(...packageProbes(args.resolveDir, pkg))
          return { path: found }
        })
        // import.meta.url / __dirname of each file point at the file, not at the snapshot.
        build.onLoad({ filter: /\.[cm]?[jt]s$/ }, args => loadWithOwnPaths(args.path))
      },
    }],
  })
  const code = result.outputFiles[0]!.text
  const inputs = Object.keys(result.metafile.inputs)
    .filter(p => !p.startsWith('unperf-config:'))
    .map(p => resolve(dirname(file), p))
  return { code, inputs: [...probed, ...inputs] }
}

/**
 * `import.meta` spelt apart: this module runs from the start script's lazy chunks, whose build
 * rewrites `import.meta` to its own parameter in string literals too (scripts/start-script.mjs), and
 * the replacements below then looked for `__unperf_meta.url`: a config's `import.meta.url` named the
 * snapshot on warm starts, and a plugin file using it was left out of the plugin bundle.
 */
const META = ['import', 'meta'].join('.')

/** A file's source for esbuild, its import.meta.url / __dirname (...) pointing at the file itself, not at the snapshot. */
export function loadWithOwnPaths(path: string): { contents: string; loader: 'ts' | 'js' } {
  const source = readFileSync(path, 'utf8')
  const url = JSON.stringify(pathToFileURL(path).href)
  const contents = source
    .replaceAll(`${META}.url`, url)
    .replaceAll(`${META}.dirname`, JSON.stringify(dirname(path)))
    .replaceAll(`${META}.filename`, JSON.stringify(path))
    .replace(/\b__dirname\b/g, JSON.stringify(dirname(path)))
    .replace(/\b__filename\b/g, JSON.stringify(path))
  const ext = extname(path)
  return { contents, loader: ext.includes('t') && ext !== '.mjs' && ext !== '.cjs' && ext !== '.js' ? 'ts' : 'js' }
}

function isJsonSafe(value: unknown): boolean {
  try { return JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value) } catch { return false }
}

/** For tests and `unperf doctor`: where this package lives. */
export const _packageRoot = packageRoot

/** Another unperf version's manifest of the same config file not rebuilt for this long goes (then its modules). */
const MANIFEST_OTHERS_MAX_AGE_MS = 7 * 86_400_000

/**
 * Removes the manifests of this config file and rootDir written by other unperf versions (and those
 * named before the rootDir or the version was in the name, `manifest-<config>-<version>.json`,
 * `manifest-<config>.json`) once not rebuilt for a week: an upgrade must not leave one per version
 * forever, while two versions in use side by side keep theirs (each rebuilt at least as often as the
 * config changes; an old one pruned costs that version one cold load). Another rootDir's (a
 * node_modules two projects share) are its own. Cold path only.
 */
function pruneManifests(dir: string, rootDir: string, configFile: string | undefined): void {
  try {
    const prefix = manifestPrefix(rootDir, configFile)
    const own = manifestName(rootDir, configFile)
    // manifest-<config>[-<version>].json: the config's hash alone (hex) before the rootDir's
    const legacy = new RegExp(`^${prefix.slice(0, prefix.indexOf('-', 'manifest-'.length))}(-[0-9a-f]{8})?\\.json$`)
    for (const name of readdirSync(dir)) {
      if (name === own || !(legacy.test(name) || (name.startsWith(prefix) && name.endsWith('.json')))) continue
      const st = statSync(join(dir, name), { throwIfNoEntry: false })
      if (st && Date.now() - st.mtimeMs > MANIFEST_OTHERS_MAX_AGE_MS) rmSync(join(dir, name), { force: true })
    }
  } catch { /* unreadable: next time */ }
}

/**
 * Removes the snapshot modules no manifest in the dir refers to any more: every edit of a config
 * file writes a new content-hashed module, and the old ones were kept forever. A process that read
 * the previous manifest just before and then misses its module loads through c12 (readSnapshot's
 * caller), so this never gives a wrong config. Cold path only.
 */
function pruneModules(dir: string): void {
  try {
    const names = readdirSync(dir)
    const used = new Set<string>()
    for (const name of names) {
      if (!/^manifest-.*\.json$/.test(name)) continue
      try {
        for (const layer of (JSON.parse(readFileSync(join(dir, name), 'utf8')) as Manifest).layers) if (layer.module) used.add(layer.module)
      } catch {
        return // a manifest being replaced or unreadable: keep everything this time
      }
    }
    for (const name of names) if (/^(main|extends|rc|packageJson)-[0-9a-f]+\.[cm]js$/.test(name) && !used.has(name)) rmSync(join(dir, name), { force: true })
  } catch { /* unreadable: next time */ }
}

/** Snapshots in the platform cache dir (one per project without its own node_modules) unused this long go. */
const SNAPSHOT_MAX_AGE_MS = 30 * 86_400_000

/** Removes the platform dir's snapshots (and jiti's copies beside them) not rebuilt or refreshed for 30 days. Cold path only. */
function pruneSnapshots(parent: string): void {
  try {
    for (const name of readdirSync(parent)) {
      const path = join(parent, name)
      const st = statSync(path, { throwIfNoEntry: false })
      if (st && Date.now() - st.mtimeMs > SNAPSHOT_MAX_AGE_MS) rmSync(path, { recursive: true, force: true })
    }
  } catch { /* another process pruned, or unreadable: next time */ }
}
